package dev.portalkit.runtime.intake;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process that spools as a server does and then waits to be killed: {@code SpoolHolder TMP}
 * makes a spool file in its {@link SpoolArea} of {@code TMP}, writes a megabyte into it, prints
 * {@code spooled <path>} and sleeps (ten minutes at most); {@code SpoolHolder TMP sweep} sweeps
 * {@code TMP} as another process starting would, and prints {@code swept <directories>}.
 */
public final class SpoolHolder {
    private SpoolHolder() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 1 && args[1].equals("sweep")) {
            System.out.println("swept " + SpoolArea.sweep(Path.of(args[0])).directories());
            return;
        }
        SpoolArea area = new SpoolArea(Path.of(args[0]));
        Path spool = area.newFile();
        Files.write(spool, new byte[1 << 20]);
        System.out.println("spooled " + spool);
        System.out.flush();
        Thread.sleep(600_000);
    }
}
