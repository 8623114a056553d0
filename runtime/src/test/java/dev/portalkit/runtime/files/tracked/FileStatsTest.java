package dev.portalkit.runtime.files.tracked;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.testing.TestDb;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code files_stats}: counts and bytes per storage, owner type, content type and month, by SQL on H2 and PostgreSQL. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class FileStatsTest extends FileApiTestBase {
    private Map<String, Object> a;
    private Map<String, Object> b;
    private Map<String, Object> c;
    private Map<String, Object> d;

    @BeforeParameterizedClassInvocation
    void files() throws Exception {
        a = create(SYSADMIN, "mem", "a.csv", "x,y\n1,2\n");
        b = create(SYSADMIN, "mem", "b.txt", "bb");
        d = dict("files_file_create", portal.portal().context(Optional.empty(), true), map("storage", "default", "name", "d.json",
                "upload", "{\"d\": 1}"));
        c = dict("files_file_create", portal.portal().context(Optional.empty(), true), map("storage", "default", "name", "c.txt",
                "upload", "cccccc"));
        try (Connection conn = portal.portal().database().dataSource().getConnection()) {
            // 23:30 at UTC-2 on January 31st is February 1st in UTC: months are counted in UTC.
            ctime(conn, a, OffsetDateTime.parse("2025-01-31T23:30:00-02:00"));
            ctime(conn, b, OffsetDateTime.parse("2025-02-10T12:00:00Z"));
            ctime(conn, c, OffsetDateTime.parse("2026-11-03T08:00:00Z"));
            ctime(conn, d, OffsetDateTime.parse("2026-12-01T00:30:00+01:00"));
            try (PreparedStatement s = conn.prepareStatement("UPDATE files_owner SET owner_type = 'package', owner_id = 'p1' WHERE file_id = ?")) {
                s.setString(1, (String) b.get("id"));
                assertThat(s.executeUpdate()).isEqualTo(1);
            }
            conn.commit();
        }
    }

    private static void ctime(Connection conn, Map<String, Object> file, OffsetDateTime ctime) throws Exception {
        try (PreparedStatement s = conn.prepareStatement("UPDATE files_file SET ctime = ? WHERE id = ?")) {
            s.setObject(1, ctime);
            s.setString(2, (String) file.get("id"));
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void countsAndBytesPerStorageOwnerTypeContentTypeAndMonth() {
        Map<String, Object> stats = dict("files_stats", SYSADMIN, map());

        assertThat(stats.get("count")).isEqualTo(4L);
        assertThat(stats.get("bytes")).isEqualTo(24L);
        assertThat((List<Object>) stats.get("storages")).containsExactly(
                map("storage", "default", "count", 2L, "bytes", 14L),
                map("storage", "mem", "count", 2L, "bytes", 10L));
        assertThat((List<Object>) stats.get("owner_types")).containsExactly(
                map("owner_type", null, "count", 2L, "bytes", 14L),
                map("owner_type", "package", "count", 1L, "bytes", 2L),
                map("owner_type", "user", "count", 1L, "bytes", 8L));
        // Types as the uploads were detected (text/csv, text/plain, application/json), grouped.
        List<Map<String, Object>> types = new ArrayList<>();
        types.add(map("content_type", d.get("content_type"), "count", 1L, "bytes", 8L));
        types.add(map("content_type", a.get("content_type"), "count", 1L, "bytes", 8L));
        types.add(map("content_type", b.get("content_type"), "count", 2L, "bytes", 8L));
        assertThat(c.get("content_type")).isEqualTo(b.get("content_type"));
        assertThat((List<Object>) stats.get("content_types")).containsExactlyInAnyOrderElementsOf(types);
        assertThat((List<Object>) stats.get("months")).containsExactly(
                map("month", "2025-02", "count", 2L, "bytes", 10L),
                map("month", "2026-11", "count", 2L, "bytes", 14L));
    }

    @Test
    void onlySysadminsMaySeeThem() {
        assertThat(denied("files_stats", newUser("stats"), map()).getMessage()).contains("sysadmins only");
        denied("files_stats", ANONYMOUS, map());
        assertThat(dict("files_stats", newSysadmin(), map())).containsKey("months");
    }
}
