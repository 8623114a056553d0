package dev.portalkit.integration.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.integration.testing.PortalkitCli;
import dev.portalkit.runtime.testing.PostgresServer;
import dev.portalkit.runtime.testing.TestPortal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The jobs bench of {@code bench/jobs.sh} (not a test: no timing is asserted; it runs only with
 * {@code -Dbench.jobs.out=FILE} and writes its figures there). On one embedded PostgreSQL database:
 * N jobs of the example plugin ({@code example_note_stats} over an empty note table: one SELECT,
 * about a no-op) are enqueued in one transaction, then {@code portalkit jobs worker --burst} runs
 * them, as one process and as two processes started together. Each row gives the processes' wall
 * time (JVM start and portal boot included) and the jobs per second over the span the jobs ran
 * (first start to last finish, from the job table).
 */
@EnabledIfSystemProperty(named = "bench.jobs.out", matches = ".+")
class JobsBench {
    private static final int JOBS = Integer.getInteger("bench.jobs.count", 2000);
    private static final int ROUNDS = Integer.getInteger("bench.jobs.rounds", 3);

    private record Row(String round, int workers, double wallSeconds, double spanSeconds) {
        double jobsPerSecond() {
            return JOBS / spanSeconds;
        }
    }

    @Test
    void oneWorkerVersusTwo() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "jobs-bench-").toAbsolutePath();
        String url = PostgresServer.newDatabase();
        Path jar = PortalkitCli.jar().toAbsolutePath();
        List<Row> rows = new ArrayList<>();
        try (TestPortal portal = TestPortal.builder().db(dev.portalkit.runtime.testing.TestDb.POSTGRES).plugins("example")
                .option("portal.db.url", url).option("portal.jobs.worker", "false").dataDir(work.resolve("data")).start()) {
            ActionContext ctx = portal.portal().context(Optional.of(new UserRef("bench-id", "bench", true)), true);
            for (int round = 0; round <= ROUNDS; round++) {
                for (int workers : new int[]{1, 2}) {
                    portal.portal().inTransaction(() -> {
                        for (int i = 0; i < JOBS; i++) {
                            ctx.jobs().enqueue("default", "example_note_stats", "bench " + i, Map.of("fail", false));
                        }
                        return null;
                    });
                    long start = System.nanoTime();
                    List<Process> processes = new ArrayList<>();
                    for (int w = 0; w < workers; w++) {
                        processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                                "-jar", jar.toString(), "jobs", "worker", "--burst", "--data-dir", work.resolve("data").toString(),
                                "-o", "portal.plugins=example", "-o", "portal.db.url=" + url, "-o", "portal.db.user=postgres",
                                "-o", "portal.db.password=postgres")
                                .redirectOutput(work.resolve("worker-" + round + "-" + workers + "-" + w + ".out").toFile())
                                .redirectError(work.resolve("worker-" + round + "-" + workers + "-" + w + ".err").toFile()).start());
                    }
                    for (Process p : processes) {
                        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
                        assertThat(p.exitValue()).isZero();
                    }
                    double wall = (System.nanoTime() - start) / 1e9;
                    double span = portal.portal().inTransaction(() -> {
                        try (Statement s = portal.portal().transactions().connection().createStatement();
                             ResultSet rs = s.executeQuery("SELECT COUNT(*), MIN(started_at), MAX(finished_at),"
                                     + " SUM(CASE WHEN status = 'finished' AND attempts = 1 THEN 1 ELSE 0 END) FROM portal_job")) {
                            rs.next();
                            assertThat(rs.getInt(1)).isEqualTo(JOBS);
                            assertThat(rs.getInt(4)).as("every job finished at its first attempt").isEqualTo(JOBS);
                            OffsetDateTime first = rs.getObject(2, OffsetDateTime.class);
                            OffsetDateTime last = rs.getObject(3, OffsetDateTime.class);
                            double seconds = Duration.between(first, last).toNanos() / 1e9;
                            s.executeUpdate("DELETE FROM portal_job");
                            return seconds;
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    rows.add(new Row(round == 0 ? "cold" : "warm " + round, workers, wall, span));
                }
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("| round | workers | wall s (JVM start included) | jobs span s | jobs/s over the span |\n|---|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.0f |%n", r.round(), r.workers(), r.wallSeconds(),
                    r.spanSeconds(), r.jobsPerSecond()));
        }
        out.append('\n');
        out.append(String.format(Locale.ROOT, "- cold: 2 workers / 1 worker = %.2f (jobs/s over the span), %.2f (1 / wall)%n",
                ratio(rows, "cold", false), ratio(rows, "cold", true)));
        out.append(String.format(Locale.ROOT, "- warm (median of %d rounds): 2 workers / 1 worker = %.2f (jobs/s over the span), %.2f (1 / wall)%n",
                ROUNDS, ratio(rows, "warm", false), ratio(rows, "warm", true)));
        Files.writeString(Path.of(System.getProperty("bench.jobs.out")), out.toString());
    }

    /** Median over the rounds whose name starts with {@code round} of two workers' speed over one's. */
    private static double ratio(List<Row> rows, String round, boolean wall) {
        List<Double> one = new ArrayList<>();
        List<Double> two = new ArrayList<>();
        for (Row r : rows) {
            if (r.round().startsWith(round)) {
                double speed = wall ? 1 / r.wallSeconds() : r.jobsPerSecond();
                (r.workers() == 1 ? one : two).add(speed);
            }
        }
        return median(two) / median(one);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
