package dev.portalkit.integration.standalone;

import static dev.portalkit.integration.testing.ApiAssertions.assertDict;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.PortalkitCli;
import dev.portalkit.integration.testing.ServeProcess;
import dev.portalkit.runtime.testing.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Background jobs as an operator runs them: {@code serve} answers an action that enqueues a job
 * before anything ran it; {@code portalkit jobs worker --burst}, a process of its own on the same
 * PostgreSQL database, runs it (and retries then dead-letters a failing one); and {@code serve}'s
 * own worker runs jobs when it is on (the default).
 */
class JobWorkerIT {
    private static final List<String> FAST_START = List.of("-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    @TempDir
    Path tmp;

    @Test
    void aWorkerProcessRunsTheJobsAnActionEnqueuedAfterItsResponse() throws Exception {
        Path jar = PortalkitCli.jar();
        String[] common = {"--data-dir", tmp.resolve("data").toString(), "-o", "portal.plugins=example",
                "-o", "portal.db.url=" + PostgresServer.newDatabase(), "-o", "portal.db.user=postgres", "-o", "portal.db.password=postgres",
                "-o", "portal.jobs.worker=false", "-o", "portal.jobs.max_attempts=2", "-o", "portal.jobs.retry_delay=0"};
        PortalkitCli cli = new PortalkitCli(jar, tmp);
        try (ServeProcess serve = ServeProcess.start(jar, FAST_START, tmp, common)) {
            ApiClient api = new ApiClient(serve.uri());
            cli.ok(Map.of(), with(common, "user", "add", "admin", "--email", "admin@example.org", "--password", "a long secret", "--sysadmin"));
            String admin = cli.ok(Map.of(), with(common, "token", "create", "admin")).lastLine();
            // The second account through the API: a CLI command costs a JVM start, the API call does not.
            assertDict(api, "user_create", api.call("user_create",
                    Map.of("name", "writer", "email", "writer@example.org", "password", "a long secret"), admin));
            String writer = (String) assertDict(api, "api_token_create", api.call("api_token_create",
                    Map.of("user", "writer", "name", "jobs"), admin)).get("token");

            assertDict(api, "example_note_add", api.call("example_note_add",
                    Map.of("body", "slow work moves off the request path", "audits", 0), writer));
            String good = (String) assertDict(api, "example_note_stats", api.call("example_note_stats", Map.of(), writer)).get("job_id");
            String bad = (String) assertDict(api, "example_note_stats", api.call("example_note_stats", Map.of("fail", true), writer))
                    .get("job_id");
            // The responses came, and no worker runs anywhere yet: the jobs wait.
            assertThat(show(api, good, admin)).containsEntry("status", "queued").containsEntry("attempts", 0);
            assertThat(show(api, bad, admin)).containsEntry("status", "queued");
            assertThat(cli.ok(Map.of(), with(common, "jobs", "list")).stdout()).contains(good).contains(bad).contains("queued");

            PortalkitCli.Result worked = cli.ok(Map.of(), with(common, "jobs", "worker", "--burst", "default"));
            assertThat(worked.stdout()).contains("1 job(s) finished");

            Map<String, Object> finished = show(api, good, admin);
            assertThat(finished).containsEntry("status", "finished").containsEntry("attempts", 1).containsEntry("error", null);
            assertThat(finished.get("result")).isEqualTo(Map.of("notes", 1, "words", 7));
            Reply deadReply = api.call("job_show", Map.of("id", bad), admin);
            Map<String, Object> dead = assertDict(api, "job_show", deadReply);
            assertThat(dead).containsEntry("status", "failed").containsEntry("attempts", 2)
                    .containsEntry("error", "the example job failed on purpose (attempt 2)");
            assertThat(deadReply.body()).doesNotContain("Exception", "\tat ", "dev.portalkit.");

            // An operator re-queues the dead letter; it fails again on the next burst (its payload says so).
            assertThat(cli.ok(Map.of(), with(common, "jobs", "retry", bad)).stdout()).contains("\"status\" : \"queued\"");
            assertThat(cli.ok(Map.of(), with(common, "jobs", "worker", "--burst")).stdout()).contains("0 job(s) finished");
            assertThat(show(api, bad, admin)).containsEntry("status", "failed").containsEntry("attempts", 2);
            assertThat(cli.ok(Map.of(), with(common, "jobs", "show", good)).stdout()).contains("\"status\" : \"finished\"");
            PortalkitCli.Result unknown = cli.run(Map.of(), with(common, "jobs", "show", "no-such-job"));
            assertThat(unknown.exitCode()).isEqualTo(1);
            assertThat(unknown.stderr()).contains("error: Not found: job 'no-such-job'");
            PortalkitCli.Result badQueue = cli.run(Map.of(), with(common, "jobs", "worker", "--burst", "Bad Queue"));
            assertThat(badQueue.exitCode()).isNotZero();
            assertThat(badQueue.stderr()).contains("QUEUE");

            // A worker that runs until stopped: it takes a job enqueued while it waits, and SIGTERM ends it cleanly.
            Path out = tmp.resolve("worker.out");
            List<String> command = PortalkitCli.javaCommand(jar, FAST_START);
            command.addAll(List.of(with(common, "jobs", "worker", "-o", "portal.jobs.poll_interval=1")));
            Process worker = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(tmp.resolve("worker.err").toFile()).start();
            try {
                String later = (String) assertDict(api, "example_note_stats", api.call("example_note_stats", Map.of(), writer)).get("job_id");
                Map<String, Object> job = show(api, later, admin);
                for (int i = 0; i < 1200 && !"finished".equals(job.get("status")); i++) { // bounded: 1,200 looks, 100 ms apart
                    Thread.sleep(100);
                    job = show(api, later, admin);
                }
                assertThat(job).containsEntry("status", "finished");
                assertThat(worker.isAlive()).as("a worker without --burst keeps waiting for jobs").isTrue();
                worker.toHandle().destroy(); // SIGTERM
                // Idle, it stops at once: not after portal.jobs.stop_grace (30 s) waited out twice on its own main
                // thread, which the shutdown hook once joined while that thread sat in System.exit.
                assertThat(worker.waitFor(20, TimeUnit.SECONDS)).as("an idle worker ends well within portal.jobs.stop_grace").isTrue();
                assertThat(worker.exitValue()).as(Files.readString(tmp.resolve("worker.err"))).isIn(0, 143);
                assertThat(Files.readString(out)).contains("1 job(s) finished; worker").contains("stopped");
            } finally {
                worker.destroyForcibly();
            }

            int exit = serve.stop();
            assertThat(exit).as(serve.stderr()).isIn(0, 143);
        }
    }

    @Test
    void serveRunsJobsWithItsOwnWorkerByDefault() throws Exception {
        Path jar = PortalkitCli.jar();
        Path dataDir = tmp.resolve("embedded");
        String[] common = {"--data-dir", dataDir.toString(), "-o", "portal.plugins=example", "-o", "portal.jobs.poll_interval=1"};
        PortalkitCli cli = new PortalkitCli(jar, tmp);
        try (ServeProcess serve = ServeProcess.start(jar, FAST_START, tmp, common)) {
            ApiClient api = new ApiClient(serve.uri());
            // On the embedded H2 database the CLI's commands are run by the server (its command socket).
            cli.ok(Map.of(), with(common, "user", "add", "admin", "--email", "admin@example.org", "--password", "a long secret", "--sysadmin"));
            String admin = cli.ok(Map.of(), with(common, "token", "create", "admin")).lastLine();
            String id = (String) assertDict(api, "example_note_stats", api.call("example_note_stats", Map.of(), admin)).get("job_id");

            // Bounded wait for the server's worker (at most 600 looks, 100 ms apart); the assertion is on the status only.
            List<Object> seen = new ArrayList<>();
            Map<String, Object> job = show(api, id, admin);
            for (int i = 0; i < 600 && !"finished".equals(job.get("status")); i++) {
                seen.add(job.get("status"));
                Thread.sleep(100);
                job = show(api, id, admin);
            }
            assertThat(job).as("statuses seen: %s", seen).containsEntry("status", "finished");
            assertThat(job.get("result")).isEqualTo(Map.of("notes", 0, "words", 0));
            // A second worker loop cannot be parked inside the server through the command socket; a burst can.
            PortalkitCli.Result refused = cli.run(Map.of(), with(common, "jobs", "worker"));
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.stderr()).contains("only `jobs worker --burst` can be sent to it");

            int exit = serve.stop();
            String stderr = serve.stderr();
            assertThat(exit).as(stderr).isIn(0, 143);
            assertThat(serve.lines()).as(stderr).contains("Portalkit stopped");
            assertThat(stderr).doesNotContain("Exception");
        }
    }

    private static Map<String, Object> show(ApiClient api, String id, String token) {
        return assertDict(api, "job_show", api.call("job_show", Map.of("id", id), token));
    }

    /** The command's words, then the common options. */
    private static String[] with(String[] common, String... command) {
        String[] out = java.util.Arrays.copyOf(command, command.length + common.length);
        System.arraycopy(common, 0, out, command.length, common.length);
        return out;
    }
}
