package dev.portalkit.runtime.files.tracked;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.MultipartData;
import dev.portalkit.runtime.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code files_multipart_clean}: only uploads started more than {@code portal.files.max_multipart_lifetime}
 * days ago go, from {@code files_multipart} and from the backend (fs parts folder, memory and db
 * staged parts); the clock is the portal's (moved by the test).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(dev.portalkit.runtime.testing.TestDb.class)
class MultipartCleanupTest extends FileApiTestBase {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Override
    Clock clock() {
        return clock;
    }

    @Override
    protected Map<String, String> options() {
        return Map.of("portal.files.max_multipart_lifetime", "7");
    }

    private Map<String, Object> start(String storage) {
        Map<String, Object> upload = dict("files_multipart_start", SYSADMIN, map("storage", storage, "name", unique("mp") + ".txt",
                "size", 10, "content_type", "text/plain"));
        dict("files_multipart_update", SYSADMIN, map("id", upload.get("id"), "part", 1, "upload", "12345"));
        return upload;
    }

    @SuppressWarnings("unchecked")
    private boolean atBackend(Map<String, Object> upload) {
        MultipartData data = new MultipartData(new Location((String) upload.get("location")), 10, "text/plain", "",
                (Map<String, Object>) upload.get("storage_data"));
        try {
            storage((String) upload.get("storage")).uploader().multipart().orElseThrow().refresh(data);
        } catch (PortalException e) {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(ErrorKind.NOT_FOUND);
            return false;
        }
        if ("default".equals(upload.get("storage"))) {
            // fs: refresh lists a folder; the folder itself is the staged state.
            return storageDir.resolve("default").resolve(".portalkit").resolve("multipart")
                    .resolve((String) ((Map<String, Object>) upload.get("storage_data")).get("upload_id")).toFile().exists();
        }
        return true;
    }

    private boolean inDatabase(Map<String, Object> upload) {
        try {
            call("files_multipart_refresh", SYSADMIN, map("id", upload.get("id")));
            return true;
        } catch (PortalException e) {
            assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Object> ids(Map<String, Object> result) {
        return ((List<Map<String, Object>>) result.get("uploads")).stream().map(u -> u.get("id")).collect(Collectors.toList());
    }

    @Test
    void onlyUploadsPastTheLifetimeGoAtTheBackendToo() {
        List<String> storages = List.of("default", "mem", "db");
        List<Map<String, Object>> old = storages.stream().map(this::start).toList();
        clock.advance(Duration.ofDays(5));
        List<Map<String, Object>> fresh = storages.stream().map(this::start).toList();
        clock.advance(Duration.ofDays(3)); // old: 8 days, fresh: 3 days
        for (Map<String, Object> upload : old) {
            assertThat(atBackend(upload)).as("staged before cleaning: " + upload.get("storage")).isTrue();
        }

        assertThat(denied("files_multipart_clean", newUser("mp"), map()).getMessage()).contains("clean up multipart uploads (sysadmins only)");
        Map<String, Object> dry = dict("files_multipart_clean", SYSADMIN, map("dry_run", true));
        assertThat(ids(dry)).containsExactlyInAnyOrderElementsOf(old.stream().map(u -> u.get("id")).toList());
        assertThat(old).allSatisfy(u -> assertThat(inDatabase(u) && atBackend(u)).as("dry run changes nothing").isTrue());

        assertThat(invalid("files_multipart_clean", SYSADMIN, map("storage", "nowhere")).get("storage").toString())
                .contains("Storage nowhere is not configured");

        Map<String, Object> memOnly = dict("files_multipart_clean", SYSADMIN, map("storage", "mem"));
        assertThat(ids(memOnly)).containsExactly(old.get(1).get("id"));
        assertThat(inDatabase(old.get(0))).isTrue();
        assertThat(atBackend(old.get(0))).isTrue();

        Map<String, Object> all = dict("files_multipart_clean", SYSADMIN, map());
        assertThat(all).containsEntry("removed", 2).containsEntry("max_multipart_lifetime", 7).containsEntry("failed", List.of());
        for (Map<String, Object> upload : old) {
            assertThat(inDatabase(upload)).as("row of " + upload.get("storage")).isFalse();
            assertThat(atBackend(upload)).as("backend of " + upload.get("storage")).isFalse();
        }
        for (Map<String, Object> upload : fresh) {
            assertThat(inDatabase(upload)).as("fresh row of " + upload.get("storage")).isTrue();
            assertThat(atBackend(upload)).as("fresh backend of " + upload.get("storage")).isTrue();
        }
        assertThat(dict("files_multipart_clean", SYSADMIN, map())).containsEntry("removed", 0);

        clock.advance(Duration.ofDays(5)); // fresh: 8 days
        assertThat(ids(dict("files_multipart_clean", SYSADMIN, map()))).hasSize(3);
        assertThat(fresh).noneMatch(this::inDatabase);
    }
}
