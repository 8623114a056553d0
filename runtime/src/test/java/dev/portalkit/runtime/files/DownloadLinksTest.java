package dev.portalkit.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.runtime.files.download.DownloadLinks;
import dev.portalkit.runtime.testing.MutableClock;
import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Download links: signatures, expiry, the key, and one-time links consumed atomically (H2 and PostgreSQL). */
class DownloadLinksTest {
    private static String token(URI link) {
        String path = link.getPath();
        return path.substring(path.indexOf(DownloadLinks.ROUTE) + DownloadLinks.ROUTE.length());
    }

    private static void assertDenied(Runnable r, String message) {
        assertThatThrownBy(r::run).isInstanceOf(PortalException.class)
                .satisfies(e -> assertThat(((PortalException) e).kind()).isEqualTo(ErrorKind.PERMISSION_DENIED))
                .hasMessage(message);
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void oneTimeLinksAreConsumedOnceUnderConcurrency(TestDb db) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T12:00:00Z"));
        try (TestPortal portal = TestPortal.builder().db(db).clock(clock).option("portal.db.pool_size", "10").start()) {
            DownloadLinks links = FilesPlugin.of(portal.portal()).downloadLinks();
            int threads = 8;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                for (int round = 0; round < 10; round++) {
                    String token = token(links.oneTime("file-" + round, Duration.ofMinutes(5)));
                    DownloadLinks.Grant grant = links.verify(token);
                    assertThat(grant.kind()).isEqualTo(DownloadLinks.Kind.ONE_TIME);
                    assertThat(grant.fileId()).isEqualTo("file-" + round);
                    CyclicBarrier together = new CyclicBarrier(threads);
                    List<Future<Boolean>> uses = new ArrayList<>();
                    for (int t = 0; t < threads; t++) {
                        Callable<Boolean> use = () -> {
                            together.await();
                            try {
                                links.consume(grant);
                                return true;
                            } catch (PortalException e) {
                                return false;
                            }
                        };
                        uses.add(pool.submit(use));
                    }
                    int won = 0;
                    for (Future<Boolean> f : uses) {
                        won += f.get() ? 1 : 0;
                    }
                    assertThat(won).as("round " + round).isEqualTo(1);
                    assertDenied(() -> links.verify(token), "This one-time download link was used already");
                }
            } finally {
                pool.shutdownNow();
            }
            String late = token(links.oneTime("late", Duration.ofSeconds(30)));
            DownloadLinks.Grant grant = links.verify(late);
            clock.advance(Duration.ofSeconds(31));
            assertDenied(() -> links.verify(late), "This download link has expired");
            assertDenied(() -> links.consume(grant), "This one-time download link was used already");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDb.class, names = "H2")
    void signedLinksAndTheGeneratedKey(TestDb db) throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T12:00:00Z"));
        TestPortal.Builder builder = TestPortal.builder().db(db).clock(clock).option("portal.site_url", "https://data.example.org/portal/");
        String temporal;
        String permanent;
        Path dataDir;
        try (TestPortal portal = builder.start()) {
            DownloadLinks links = FilesPlugin.of(portal.portal()).downloadLinks();
            URI link = links.temporal("f1", Duration.ofMinutes(10).plusMillis(1));
            assertThat(link.toString()).startsWith("https://data.example.org/portal/files/link/t.");
            temporal = token(link);
            permanent = token(links.permanent("f1"));
            DownloadLinks.Grant t = links.verify(temporal);
            assertThat(t.fileId()).isEqualTo("f1");
            assertThat(t.expires()).isEqualTo(Instant.parse("2026-11-21T12:10:01Z"));
            assertThat(links.verify(permanent).expires()).isNull();
            links.consume(t); // nothing to consume for signed links
            assertThat(links.verify(temporal).fileId()).isEqualTo("f1");
            assertThatThrownBy(() -> links.temporal("f1", Duration.ZERO)).isInstanceOf(PortalException.class);
            assertThatThrownBy(() -> links.permanent("")).isInstanceOf(PortalException.class);

            dataDir = portal.dataDir();
            Path key = dataDir.resolve("secrets/file-links.key");
            assertThat(key).exists();
            if (key.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent()))).isEqualTo("rwx------");
            }
            clock.advance(Duration.ofMinutes(11));
            assertDenied(() -> links.verify(temporal), "This download link has expired");
            clock.advance(Duration.ofMinutes(-11));
        }
        // A restart keeps the generated key: links survive it.
        try (TestPortal portal = builder.start()) {
            DownloadLinks links = FilesPlugin.of(portal.portal()).downloadLinks();
            assertThat(links.verify(temporal).fileId()).isEqualTo("f1");
            assertThat(links.verify(permanent).fileId()).isEqualTo("f1");
        }
        // The generated key moved into the configuration unchanged: still valid; another secret revokes them.
        String generated = Files.readString(dataDir.resolve("secrets/file-links.key")).trim();
        try (TestPortal portal = builder.option("portal.files.link_secret", generated).start()) {
            assertThat(FilesPlugin.of(portal.portal()).downloadLinks().verify(permanent).fileId()).isEqualTo("f1");
        }
        try (TestPortal portal = builder.option("portal.files.link_secret", "x".repeat(40)).start()) {
            DownloadLinks links = FilesPlugin.of(portal.portal()).downloadLinks();
            assertDenied(() -> links.verify(permanent), "This download link is not valid");
            assertDenied(() -> links.verify(temporal), "This download link is not valid");
        }
        assertThatThrownBy(() -> builder.option("portal.files.link_secret", "short").start())
                .isInstanceOf(PortalException.class).hasMessageContaining("portal.files.link_secret: must be at least 32");
    }
}
