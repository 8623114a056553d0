package dev.portalkit.testservers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.HexFormat;

/**
 * The bookkeeping of the 1 GiB benches run by {@code bench/*.sh} (never by the test suite): a file
 * of random bytes, cases timed round after round, and a Markdown table of the runs with the best
 * run's throughput. Nothing here asserts a time.
 */
public final class BenchRuns {
    private final long size;
    private final Map<String, List<Double>> runs = new LinkedHashMap<>();

    /** @param size the bytes each case moves, for the MB/s column */
    public BenchRuns(long size) {
        this.size = size;
    }

    /** Writes {@code size} random bytes (seeded: the same file every run) and returns their MD5, hex. */
    public static String writeRandomFile(Path file, long size) throws IOException {
        byte[] block = new byte[1 << 20];
        Random random = new Random(42);
        MessageDigest md5 = md5();
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                int n = (int) Math.min(block.length, size - written);
                random.nextBytes(block);
                md5.update(block, 0, n);
                out.write(block, 0, n);
            }
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    /** Reads a stream to its end and closes it. */
    public static void drain(InputStream in) {
        try (in) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs one case once, records and prints its time. */
    public void time(String what, Runnable work) {
        long start = System.nanoTime();
        work.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        runs.computeIfAbsent(what, w -> new ArrayList<>()).add(seconds);
        System.out.printf(Locale.ROOT, "%-100s %6.2f s%n", what, seconds);
    }

    /** The best (shortest) run of the {@code index}-th case, in the order cases were first timed. */
    public double best(int index) {
        return new ArrayList<>(runs.values()).get(index).stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    /** The Markdown table: case, every run, the best run and its MB/s (10^6 bytes a second). */
    public String table() {
        StringBuilder md = new StringBuilder("| case | runs (s) | best (s) | MB/s |\n| --- | --- | ---: | ---: |\n");
        int i = 0;
        for (Map.Entry<String, List<Double>> row : runs.entrySet()) {
            double best = best(i++);
            md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.0f |%n", row.getKey(),
                    String.join(", ", row.getValue().stream().map(s -> String.format(Locale.ROOT, "%.2f", s)).toList()),
                    best, size / best / 1e6));
        }
        return md.toString();
    }

    /** {@code Measured <date> UTC.} */
    public static String measuredNow() {
        return "Measured " + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")) + " UTC.\n";
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
