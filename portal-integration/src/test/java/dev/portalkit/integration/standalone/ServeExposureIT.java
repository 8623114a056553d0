package dev.portalkit.integration.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.integration.testing.ApiClient;
import dev.portalkit.integration.testing.ApiClient.Reply;
import dev.portalkit.integration.testing.PortalkitCli;
import dev.portalkit.integration.testing.ServeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a {@code portalkit.jar serve} on the embedded defaults exposes to the other users of its
 * machine: one TCP listener (its HTTP port; no database listener), and a data directory in which
 * nothing is open to group or others (database, secrets, spools, stored files, multipart parts,
 * change logs, the command socket), an open one left by an older version included.
 */
class ServeExposureIT {
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    @TempDir
    Path tmp;

    @Test
    void listensOnItsHttpPortOnly() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/net/tcp")), "needs Linux's /proc to see listening sockets");
        Path jar = PortalkitCli.jar();
        try (ServeProcess serve = ServeProcess.start(jar, "256m", tmp, "--data-dir", tmp.resolve("data").toString())) {
            // A command on the database, so that everything that opens on demand is open.
            new PortalkitCli(jar, tmp).ok(Map.of(), "user", "add", "admin", "--email", "admin@example.org", "--password",
                    "a long secret", "--data-dir", tmp.resolve("data").toString());
            assertThat(listeningTcpPorts(serve.pid())).as("TCP ports the server listens on").containsExactly(serve.uri().getPort());
            assertThat(serve.stop()).isIn(0, 143);
        }
    }

    @Test
    void everythingInTheDataDirectoryIsPrivateToItsUser() throws Exception {
        Assumptions.assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"), "needs POSIX permissions");
        Path jar = PortalkitCli.jar();
        Path dataDir = tmp.resolve("data");
        Path config = tmp.resolve("portal.properties");
        Files.writeString(config, String.join("\n", "portal.auth.password_iterations = 1000",
                "portal.files.storage.default.type = files:fs",
                "portal.files.storage.default.path = " + dataDir.resolve("storage"),
                "portal.files.storage.default.create_path = true",
                "portal.files.storage.archive.type = files:db", ""));
        String[] common = {"--data-dir", dataDir.toString(), "--config", config.toString()};
        PortalkitCli cli = new PortalkitCli(jar, tmp);
        try (ServeProcess serve = ServeProcess.start(jar, "256m", tmp, common)) {
            cli.ok(Map.of(), with(common, "user", "add", "admin", "--email", "admin@example.org", "--password", "a long secret",
                    "--sysadmin"));
            assertThat(serve.stop()).isIn(0, 143);
        }
        // As an older version (and a umask of 022) left it: everything readable by all.
        openToAll(dataDir);
        assertThat(openPaths(dataDir)).isNotEmpty();

        try (ServeProcess serve = ServeProcess.start(jar, "256m", tmp, common)) {
            ApiClient api = new ApiClient(serve.uri());
            String token = cli.ok(Map.of(), with(common, "token", "create", "admin")).lastLine();
            byte[] content = "river,length_km\nDanube,2850\n".getBytes(StandardCharsets.UTF_8);
            Reply file = api.multipart("files_file_create", new ApiClient.Multipart().field("name", "rivers.csv")
                    .file("upload", "rivers.csv", "text/csv", content), token);
            assertThat(file.status()).as(file.body()).isEqualTo(200);
            @SuppressWarnings("unchecked")
            String id = (String) ((Map<String, Object>) file.result()).get("id");
            // a signed link: the link key is generated into <data-dir>/secrets
            assertThat(api.call("files_file_link", Map.of("id", id, "type", "temporal"), token).status()).isEqualTo(200);
            // a multipart upload left open: its parts stay in the storage's own folder
            Reply started = api.call("files_multipart_start", Map.of("name", "open.bin", "size", 8), token);
            assertThat(started.status()).as(started.body()).isEqualTo(200);
            @SuppressWarnings("unchecked")
            String upload = (String) ((Map<String, Object>) started.result()).get("id");
            Reply part = api.multipart("files_multipart_update", new ApiClient.Multipart().field("id", upload).field("part", "1")
                    .file("upload", "open.bin", "application/octet-stream", new byte[4]), token);
            assertThat(part.status()).as(part.body()).isEqualTo(200);
            // a dataset with an uploaded resource (the implicit resources storage below the default one)
            assertThat(api.call("organization_create", Map.of("name", "org"), token).status()).isEqualTo(200);
            assertThat(api.call("package_create", Map.of("name", "rivers", "owner_org", "org"), token).status()).isEqualTo(200);
            Reply resource = api.multipart("resource_create", new ApiClient.Multipart().field("package_id", "rivers")
                    .file("upload", "rivers.csv", "text/csv", content), token);
            assertThat(resource.status()).as(resource.body()).isEqualTo(200);
            // a change log under <data-dir>/migrations
            cli.ok(Map.of(), with(common, "files", "transfer", "default", "archive", "--copy-only"));

            List<String> open = openPaths(dataDir);
            assertThat(open).as("paths under the data directory that group or others may use").isEmpty();
            assertThat(Files.getPosixFilePermissions(dataDir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            assertThat(Files.getPosixFilePermissions(dataDir.resolve("db/portal.mv.db")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(dataDir.resolve("migrations")).isDirectory();
            assertThat(dataDir.resolve("secrets")).isDirectory();
            assertThat(serve.stop()).isIn(0, 143);
        }
    }

    /** The TCP ports (IPv4 and IPv6) on which the sockets of process {@code pid} listen. */
    static Set<Integer> listeningTcpPorts(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        Pattern socket = Pattern.compile("socket:\\[(\\d+)]");
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    Matcher m = socket.matcher(Files.readSymbolicLink(fd).toString());
                    if (m.matches()) {
                        inodes.add(m.group(1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor closed while we listed them
                }
            }
        }
        Set<Integer> ports = new TreeSet<>();
        for (String table : List.of("tcp", "tcp6")) {
            List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table));
            for (String line : lines.subList(1, lines.size())) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
                String[] f = line.trim().split("\\s+");
                if (f[3].equals("0A") && inodes.contains(f[9])) {
                    String local = f[1];
                    ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16));
                }
            }
        }
        return ports;
    }

    private static void openToAll(Path dataDir) throws IOException {
        try (Stream<Path> all = Files.walk(dataDir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isSymbolicLink(p) || p.getFileName().toString().endsWith(".sock")) {
                    continue;
                }
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                permissions.addAll(Files.isDirectory(p) ? PosixFilePermissions.fromString("rwxr-xr-x")
                        : PosixFilePermissions.fromString("rw-r--r--"));
                Files.setPosixFilePermissions(p, permissions);
            }
        }
    }

    /**
     * Every path below {@code dataDir} (itself included) with a group or others permission, as
     * {@code path mode}. A folder nobody else can enter protects what is inside, but the point is
     * that the portal makes nothing open in the first place.
     */
    private static List<String> openPaths(Path dataDir) throws IOException {
        List<String> open = new ArrayList<>();
        try (Stream<Path> all = Files.walk(dataDir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                try {
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
                    if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
                        open.add(dataDir.relativize(p) + " " + PosixFilePermissions.toString(permissions));
                    }
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a spool removed meanwhile
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return open;
    }

    private static String[] with(String[] common, String... command) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of(common));
        return all.toArray(new String[0]);
    }
}
