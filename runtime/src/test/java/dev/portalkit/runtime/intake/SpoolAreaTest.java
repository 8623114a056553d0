package dev.portalkit.runtime.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool directories of processes (#11, finding 13), with real child JVMs: a sweep leaves the
 * spools of a running process alone and removes those of a killed one at once, whatever their age.
 */
class SpoolAreaTest {
    @TempDir
    Path tmp;

    @Test
    void aSweepRemovesTheSpoolsOfAKilledProcessAtOnceAndNeverThoseOfALiveOne() throws Exception {
        Process first = hold(tmp);
        Process second = hold(tmp);
        try {
            Path firstSpool = spooled(first);
            Path secondSpool = spooled(second);
            assertThat(SpoolArea.stale(tmp)).isEmpty();
            assertThat(SpoolArea.sweep(tmp).directories()).isZero();
            assertThat(firstSpool).exists();
            assertThat(secondSpool).exists();

            first.destroyForcibly();
            assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(SpoolArea.stale(tmp)).containsExactly(firstSpool.getParent());
            SpoolArea.Swept swept = SpoolArea.sweep(tmp);
            assertThat(swept.directories()).isEqualTo(1);
            assertThat(swept.files()).isEqualTo(1);
            assertThat(swept.bytes()).isEqualTo(1 << 20);
            assertThat(firstSpool.getParent()).doesNotExist();
            assertThat(secondSpool).as("the live process's spool").exists();
        } finally {
            first.destroyForcibly();
            second.destroyForcibly();
            second.waitFor(60, TimeUnit.SECONDS);
        }
        SpoolArea.sweep(tmp);
        assertThat(spoolFiles()).isEmpty();
    }

    @Test
    void aSweepInTheSameProcessLeavesItsOwnAreasAlone() throws Exception {
        try (SpoolArea one = new SpoolArea(tmp); SpoolArea two = new SpoolArea(tmp)) {
            Path a = one.newFile();
            Path b = two.newFile();
            assertThat(SpoolArea.sweep(tmp).directories()).isZero();
            assertThat(a).exists();
            assertThat(b).exists();
            // Another process sweeping finds the locks still held (a probe of a held lock file here would have dropped them).
            assertThat(sweepFromAnotherProcess(tmp)).isZero();
            assertThat(a).exists();
            assertThat(a.getParent()).isNotEqualTo(b.getParent());
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(a.getParent()))).isEqualTo("rwx------");
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(a))).isEqualTo("rw-------");
            }
        }
        assertThat(spoolFiles()).as("closing removes the process's directory").isEmpty();
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.toList()).isEmpty();
        }
    }

    @Test
    void flatSpoolsOfOlderReleasesGoOnlyOnceADayOld() throws IOException {
        Path old = Files.write(tmp.resolve("upload-1.part"), new byte[10]);
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        Path fresh = Files.write(tmp.resolve("upload-2.part"), new byte[10]);
        Path other = Files.write(tmp.resolve("notes.txt"), new byte[10]);
        SpoolArea.sweep(tmp);
        assertThat(old).doesNotExist();
        assertThat(fresh).exists();
        assertThat(other).exists();
    }

    @Test
    void anAbandonedDirectoryWithoutALockGoesOnceAMinuteOld() throws IOException {
        Path unfinished = Files.createDirectory(tmp.resolve(".new-spool-x"));
        assertThat(SpoolArea.stale(tmp)).isEmpty();
        Files.setLastModifiedTime(unfinished, FileTime.from(Instant.now().minus(Duration.ofMinutes(5))));
        assertThat(SpoolArea.sweep(tmp).directories()).isEqualTo(1);
        assertThat(unfinished).doesNotExist();
    }

    private static Process hold(Path tmp) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SpoolHolder.class.getName(), tmp.toString())
                .redirectErrorStream(true).start();
    }

    private static int sweepFromAnotherProcess(Path tmp) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process sweeper = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SpoolHolder.class.getName(),
                tmp.toString(), "sweep").redirectErrorStream(true).start();
        String out = new String(sweeper.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sweeper.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Matcher m = Pattern.compile("swept (\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static Path spooled(Process process) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("spooled ")) {
                return Path.of(line.substring("spooled ".length()));
            }
        }
        throw new AssertionError("the holder ended without spooling");
    }

    private List<Path> spoolFiles() throws IOException {
        try (Stream<Path> files = Files.walk(tmp)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".part")).toList();
        }
    }
}
