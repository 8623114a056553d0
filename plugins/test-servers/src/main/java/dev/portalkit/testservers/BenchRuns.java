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
    /** Processes whose CPU time each run records, by column name: a pid, {@link #SELF} or {@link #CHILDREN}. */
    private final Map<String, Long> watched = new LinkedHashMap<>();
    /** Per case, per run: CPU seconds of each watched process. */
    private final Map<String, List<double[]>> cpu = new LinkedHashMap<>();

    /** This JVM, for {@link #watchCpu}. */
    public static final long SELF = -1;
    /** The child processes this JVM waited for (e.g. curl), for {@link #watchCpu}. */
    public static final long CHILDREN = -2;

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

    /**
     * Records, for every run from now on, the CPU time (user + system, from {@code /proc}) that a
     * process spent during it, in a column {@code name} of the table.
     *
     * @param pid a process id, {@link #SELF} or {@link #CHILDREN}
     */
    public void watchCpu(String name, long pid) {
        watched.put(name, pid);
    }

    /** Runs one case once, records and prints its time (and the CPU time of the watched processes). */
    public void time(String what, Runnable work) {
        double[] before = cpuNow();
        long start = System.nanoTime();
        work.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] after = cpuNow();
        for (int i = 0; i < after.length; i++) {
            after[i] -= before[i];
        }
        runs.computeIfAbsent(what, w -> new ArrayList<>()).add(seconds);
        cpu.computeIfAbsent(what, w -> new ArrayList<>()).add(after);
        System.out.printf(Locale.ROOT, "%-100s %6.2f s%n", what, seconds);
    }

    private double[] cpuNow() {
        double[] now = new double[watched.size()];
        int i = 0;
        for (long pid : watched.values()) {
            now[i++] = cpuSeconds(pid);
        }
        return now;
    }

    /** User + system CPU seconds of a process so far (fields 14 and 15 of /proc/PID/stat; 16 and 17 for reaped children). */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid < 0 ? "self" : Long.toString(pid), "stat"));
            // Fields after the command name (which may hold spaces), counted from field 3.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            int first = pid == CHILDREN ? 13 : 11;
            return (Long.parseLong(f[first]) + Long.parseLong(f[first + 1])) / 100.0; // USER_HZ is 100 on Linux
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The best (shortest) run of the {@code index}-th case, in the order cases were first timed. */
    public double best(int index) {
        return new ArrayList<>(runs.values()).get(index).stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    /**
     * The Markdown table: case, every run, the best run and its MB/s (10^6 bytes a second), and per
     * watched process the CPU seconds of the best run, with their sum.
     */
    public String table() {
        StringBuilder md = new StringBuilder("| case | runs (s) | best (s) | MB/s |");
        StringBuilder rule = new StringBuilder("| --- | --- | ---: | ---: |");
        for (String name : watched.keySet()) {
            md.append(" CPU s: ").append(name).append(" |");
            rule.append(" ---: |");
        }
        if (!watched.isEmpty()) {
            md.append(" CPU s: all |");
            rule.append(" ---: |");
        }
        md.append('\n').append(rule).append('\n');
        int i = 0;
        for (Map.Entry<String, List<Double>> row : runs.entrySet()) {
            double best = best(i++);
            md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.0f |", row.getKey(),
                    String.join(", ", row.getValue().stream().map(s -> String.format(Locale.ROOT, "%.2f", s)).toList()),
                    best, size / best / 1e6));
            if (!watched.isEmpty()) {
                double[] used = cpu.get(row.getKey()).get(row.getValue().indexOf(best));
                double all = 0;
                for (double seconds : used) {
                    md.append(String.format(Locale.ROOT, " %.2f |", seconds));
                    all += seconds;
                }
                md.append(String.format(Locale.ROOT, " %.2f |", all));
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** The CPU seconds of all watched processes in the best run of the {@code index}-th case. */
    public double bestCpu(int index) {
        String what = new ArrayList<>(runs.keySet()).get(index);
        double[] used = cpu.get(what).get(runs.get(what).indexOf(best(index)));
        double all = 0;
        for (double seconds : used) {
            all += seconds;
        }
        return all;
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
