package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.action.ActionContext;
import dev.portalkit.runtime.files.tracked.FileVerification.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The leftover checks of {@link FileVerification}: multipart uploads older than their lifetime and
 * stale spooled uploads; repair aborts and removes them.
 */
final class LeftoverChecks {
    private final FileApi api;
    private final FileStore store;

    LeftoverChecks(FileApi api, FileStore store) {
        this.api = api;
        this.store = store;
    }

    void checkMultipart(VerificationRun run, List<String> storages, ActionContext system) {
        Instant cutoff = run.now.minus(run.options.multipartLifetime());
        List<MultipartRecord> old = api.host().inTransaction(() -> {
            List<MultipartRecord> rows = store.multipartsBefore(cutoff, storages);
            rows.forEach(store.em()::detach);
            return rows;
        });
        Map<String, List<MultipartRecord>> byStorage = new LinkedHashMap<>();
        old.forEach(m -> byStorage.computeIfAbsent(m.storage, k -> new ArrayList<>()).add(m));
        for (Map.Entry<String, List<MultipartRecord>> e : byStorage.entrySet()) {
            Map<String, String> failures = new LinkedHashMap<>();
            if (run.options.repair()) {
                Object result = system.call("files_multipart_clean", Map.of("storage", e.getKey()));
                if (result instanceof Map<?, ?> r && r.get("failed") instanceof List<?> failed) {
                    for (Object f : failed) {
                        if (f instanceof Map<?, ?> failure) {
                            failures.put(String.valueOf(failure.get("id")), String.valueOf(failure.get("error")));
                        }
                    }
                }
            }
            for (MultipartRecord m : e.getValue()) {
                String detail = "upload " + m.id + " of " + m.name + ", started " + m.ctime;
                if (!run.options.repair()) {
                    run.report(Kind.MULTIPART, e.getKey() + ":" + m.location, detail, null, false);
                } else if (failures.containsKey(m.id)) {
                    run.report(Kind.MULTIPART, e.getKey() + ":" + m.location, detail, "not aborted: " + failures.get(m.id), false);
                } else {
                    run.report(Kind.MULTIPART, e.getKey() + ":" + m.location, detail, "aborted", true);
                }
            }
        }
    }

    void checkSpools(VerificationRun run, Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(dir)) {
            all.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(files::add);
        } catch (IOException | java.io.UncheckedIOException e) {
            run.report(Kind.UNREADABLE, dir.toString(), "cannot list the spools: " + e.getMessage(), null, false);
            return;
        }
        for (Path file : files) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                continue; // its request finished meanwhile
            } catch (IOException e) {
                run.report(Kind.UNREADABLE, file.toString(), "cannot read its attributes: " + e.getMessage(), null, false);
                continue;
            }
            Instant modified = attributes.lastModifiedTime().toInstant();
            if (Duration.between(modified, run.now).compareTo(run.options.grace()) < 0) {
                continue; // an upload being received
            }
            String detail = attributes.size() + " bytes, written " + modified;
            if (!run.options.repair()) {
                run.report(Kind.SPOOL, file.toString(), detail, null, false);
                continue;
            }
            try {
                Files.deleteIfExists(file);
                run.report(Kind.SPOOL, file.toString(), detail, "removed", true);
            } catch (IOException e) {
                run.report(Kind.SPOOL, file.toString(), detail, "not removed: " + e.getMessage(), false);
            }
        }
    }
}
