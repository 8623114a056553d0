package dev.portalkit.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage option given only as an environment variable (the way secrets are handed to containers)
 * reaches the storage. Environment variables cannot be listed back into dotted keys, so the storage's
 * name comes from the config file and its adapter's options are looked up by their exact keys. A child
 * JVM, because a test cannot set its own environment.
 */
class StorageOptionsFromEnvironmentTest {
    @TempDir
    Path dir;

    @Test
    void anAdapterOptionFromTheEnvironmentIsUsed() throws IOException, InterruptedException {
        Path config = dir.resolve("portal.properties");
        Files.writeString(config, "portal.files.storage.extra.type = files:fs\n");
        Path storagePath = dir.resolve("from-env");

        ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "dev.portalkit.runtime.cli.PortalCli", "-v", "files", "storages", "--data-dir", dir.resolve("data").toString(),
                "--config", config.toString()));
        pb.environment().put("PORTAL_FILES_STORAGE_EXTRA_PATH", storagePath.toString());
        pb.environment().put("PORTAL_FILES_STORAGE_EXTRA_CREATE_PATH", "true");
        pb.redirectErrorStream(true);
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        assertThat(output).contains("extra").contains(storagePath.toString());
        assertThat(storagePath).as("create_path from the environment made the directory").isDirectory();
    }
}
