package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.action.ActionContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code files_stats} (sysadmins): how many tracked files and how many bytes there are in total,
 * per storage, per owner type (files without an owner under {@code null}), per content type and
 * per month of creation ({@code YYYY-MM}, UTC). Each figure is one grouped SQL query over
 * {@code files_file} (joined with {@code files_owner} for the owner type): no row is loaded, so it
 * costs the same whatever the number of files, on H2 as on PostgreSQL.
 */
final class FileStats {
    /** The month in UTC, the same on H2 and PostgreSQL whatever the session's time zone. */
    private static final String MONTH_UTC = "(f.ctime AT TIME ZONE 'UTC')";

    private final FileApi.Host host;

    FileStats(FileApi.Host host) {
        this.host = host;
    }

    Object stats(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> out = new LinkedHashMap<>();
        Object[] total = (Object[]) host.em().createNativeQuery("SELECT COUNT(*), SUM(f.size) FROM files_file f").getSingleResult();
        out.put("count", number(total[0]));
        out.put("bytes", number(total[1]));
        out.put("storages", groups("SELECT f.storage, COUNT(*), SUM(f.size) FROM files_file f GROUP BY f.storage ORDER BY f.storage",
                "storage"));
        out.put("owner_types", groups("SELECT o.owner_type, COUNT(*), SUM(f.size) FROM files_file f "
                + "LEFT JOIN files_owner o ON o.file_id = f.id GROUP BY o.owner_type ORDER BY o.owner_type NULLS FIRST", "owner_type"));
        out.put("content_types", groups("SELECT f.content_type, COUNT(*), SUM(f.size) FROM files_file f "
                + "GROUP BY f.content_type ORDER BY f.content_type", "content_type"));
        List<Map<String, Object>> months = new ArrayList<>();
        @SuppressWarnings("unchecked")
        String year = "EXTRACT(YEAR FROM " + MONTH_UTC + ")";
        String month = "EXTRACT(MONTH FROM " + MONTH_UTC + ")";
        List<Object[]> rows = host.em().createNativeQuery("SELECT " + year + ", " + month + ", COUNT(*), SUM(f.size) FROM files_file f GROUP BY "
                + year + ", " + month + " ORDER BY " + year + ", " + month).getResultList();
        for (Object[] row : rows) {
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("month", String.format("%04d-%02d", ((Number) row[0]).intValue(), ((Number) row[1]).intValue()));
            group.put("count", number(row[2]));
            group.put("bytes", number(row[3]));
            months.add(group);
        }
        out.put("months", months);
        return out;
    }

    /** The rows of {@code sql} (key, count, sum of sizes) as {@code {key: ..., "count": N, "bytes": N}}. */
    private List<Map<String, Object>> groups(String sql, String key) {
        List<Map<String, Object>> out = new ArrayList<>();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = host.em().createNativeQuery(sql).getResultList();
        for (Object[] row : rows) {
            Map<String, Object> group = new LinkedHashMap<>();
            group.put(key, row[0]);
            group.put("count", number(row[1]));
            group.put("bytes", number(row[2]));
            out.add(group);
        }
        return out;
    }

    /** A count or a sum as a long (PostgreSQL sums bigints as numeric; an empty sum is NULL). */
    private static long number(Object value) {
        return value == null ? 0L : ((Number) value).longValue();
    }
}
