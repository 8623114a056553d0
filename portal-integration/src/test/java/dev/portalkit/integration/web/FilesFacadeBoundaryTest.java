package dev.portalkit.integration.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The web layer reaches the files subsystem only through its facade (docs/uploads.md, "Who does
 * what"): the upload intake ({@code runtime.intake}: {@code UploadIntake}, {@code FileParts},
 * {@code IncomingFile}; {@code ResumableIntake} for tus, with the records of
 * {@code ResumableUploads}) and the download desk ({@code runtime.files.download}: {@code Downloads}
 * with its request and response records), and for monitoring (health checks, {@code /metrics})
 * {@code runtime.files.StorageMonitoring}. Any other import of {@code dev.portalkit.runtime.files}
 * (the registry, managed storages, pipes, hashing, tracked files) or of the intake's
 * implementation from portal-integration's main code fails this test.
 */
class FilesFacadeBoundaryTest {
    private static final Set<String> FACADE = Set.of(
            "dev.portalkit.runtime.intake.UploadIntake",
            "dev.portalkit.runtime.intake.FileParts",
            "dev.portalkit.runtime.intake.IncomingFile",
            "dev.portalkit.runtime.intake.ResumableIntake",
            "dev.portalkit.runtime.files.tracked.ResumableUploads",
            "dev.portalkit.runtime.files.Downloads",
            "dev.portalkit.runtime.files.StorageMonitoring",
            "dev.portalkit.runtime.files.download.DownloadRequest",
            "dev.portalkit.runtime.files.download.DownloadResponse");
    private static final Pattern FILES_IMPORT = Pattern.compile(
            "^import\\s+(?:static\\s+)?(dev\\.portalkit\\.runtime\\.(?:files|intake)\\b[\\w.]*)\\s*;", Pattern.MULTILINE);
    private static final Pattern FILES_REFERENCE = Pattern.compile("dev\\.portalkit\\.runtime\\.(?:files|intake)\\.[\\w.]+");

    @Test
    void webMainCodeUsesOnlyTheFilesFacade() throws IOException {
        Path main = Path.of("src/main/java");
        assertThat(main).isDirectory();
        List<String> offending = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(main)) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(source);
                Matcher imports = FILES_IMPORT.matcher(text);
                while (imports.find()) {
                    if (!FACADE.contains(imports.group(1))) {
                        offending.add(main.relativize(source) + ": import " + imports.group(1));
                    }
                }
                Matcher references = FILES_REFERENCE.matcher(text.replaceAll("(?m)^import .*$", ""));
                while (references.find()) {
                    String name = references.group().replaceAll("\\.[a-z]\\w*$", "");
                    if (FACADE.stream().noneMatch(f -> references.group().startsWith(f))) {
                        offending.add(main.relativize(source) + ": " + name);
                    }
                }
            }
        }
        assertThat(offending).as("portal-integration main code past the files facade").isEmpty();
    }
}
