package dev.portalkit.runtime.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.runtime.model.ModelPlugin;
import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Search bench (not a test; run by {@code bench/search.sh}): on PostgreSQL, 100,000 datasets
 * indexed by the built-in index and 1,000,000 tracked files; {@code package_search} with and
 * without {@code q} and two facets, {@code files_file_search} by owner, storage, content type and
 * name, each as an in-process action call (result dicts included) and against the reference: one
 * hand-written SQL query over the same tables for the same page and count (no facets, no dicts),
 * cold (first call) and warm (p50, p95, p99 of the next calls).
 */
@EnabledIfSystemProperty(named = "bench.search.out", matches = ".+")
class SearchBench {
    private static final int DATASETS = Integer.getInteger("bench.search.datasets", 100_000);
    private static final int FILES = Integer.getInteger("bench.search.files", 1_000_000);
    private static final int QUERIES = Integer.getInteger("bench.search.queries", 300);
    private static final String[] LICENSES = {"cc-by", "cc-by-sa", "cc-zero", "odc-odbl", "odc-by", "other-open", "notspecified"};
    private static final String[] FORMATS = {"CSV", "JSON", "XLSX", "PDF", "XML"};
    private static final String[] TYPES = {"text/csv", "application/json", "application/pdf", "image/png", "text/plain",
        "application/xml", "application/zip", "image/jpeg", "text/html", "application/vnd.ms-excel"};
    private static final String[] STORAGES = {"default", "s3", "azure", "archive"};

    private final Random random = new Random(42);
    private String[] words;

    @Test
    void run() throws Exception {
        words = words(2000);
        StringBuilder out = new StringBuilder();
        TestPortal.Builder builder = TestPortal.builder().db(TestDb.POSTGRES).option("portal.db.pool_size", "8");
        String url = System.getProperty("bench.search.url", "");
        if (!url.isEmpty()) {
            // An existing PostgreSQL (user postgres): loaded once, reused by later runs.
            builder.option("portal.db.url", url).option("portal.db.user", "postgres").option("portal.db.password", "postgres");
        }
        try (TestPortal portal = builder.start()) {
            var ds = portal.portal().database().dataSource();
            if (count(ds, "SELECT COUNT(*) FROM portal_package") < DATASETS) {
                long t0 = System.nanoTime();
                try (Connection c = ds.getConnection()) {
                    c.setAutoCommit(false);
                    datasets(c);
                    c.commit();
                }
                double loadDatasets = seconds(t0);
                t0 = System.nanoTime();
                int indexed = ModelPlugin.of(portal.portal()).rebuildSearchIndex(n -> { });
                double rebuild = seconds(t0);
                assertThat(indexed).isEqualTo(DATASETS);
                out.append(String.format("- Loaded %,d datasets (SQL, %.1f s), indexed them with `search-index rebuild` in %.1f s"
                        + " (%.0f datasets/s).%n", DATASETS, loadDatasets, rebuild, DATASETS / rebuild));
            } else {
                out.append(String.format("- Reused the %,d datasets of %s.%n", DATASETS, url));
            }
            if (count(ds, "SELECT COUNT(*) FROM files_file") < FILES) {
                long t0 = System.nanoTime();
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    c.setAutoCommit(false);
                    files(s);
                    c.commit();
                    c.setAutoCommit(true);
                    s.execute("ANALYZE");
                }
                out.append(String.format("- Loaded %,d tracked files (SQL, %.1f s).%n", FILES, seconds(t0)));
            } else {
                out.append(String.format("- Reused the %,d tracked files of %s.%n", FILES, url));
            }
            out.append('\n');

            out.append("| query | calls | cold (ms) | warm p50 (ms) | warm p95 (ms) | warm p99 (ms) | reference p95 (ms) | p95 ratio |\n");
            out.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            Map<String, Object[]> rows = new LinkedHashMap<>();
            rows.put("package_search q (a word of the vocabulary) + 2 facets (organization, tags), 20 rows", new Object[] {
                (Supplier<Map<String, Object>>) () -> Map.of("q", words[random.nextInt(words.length)],
                        "facet.field", "[\"organization\",\"tags\"]", "rows", 20),
                "package_search"});
            rows.put("package_search q (1-2 words drawn as the text is: common words often) + 2 facets, 20 rows", new Object[] {
                (Supplier<Map<String, Object>>) () -> Map.of("q", zipfWord() + (random.nextBoolean() ? " " + zipfWord() : ""),
                        "facet.field", "[\"organization\",\"tags\"]", "rows", 20),
                "package_search"});
            rows.put("package_search no q, 2 facets (the /dataset page), 20 rows", new Object[] {
                (Supplier<Map<String, Object>>) () -> Map.of("facet.field", "[\"organization\",\"tags\"]", "rows", 20,
                        "start", 20 * random.nextInt(5)), "package_search"});
            rows.put("files_file_search by owner", new Object[] {
                (Supplier<Map<String, Object>>) () -> Map.of("owner_type", "user", "owner_id", "user-" + random.nextInt(1000)),
                "files_file_search"});
            rows.put("files_file_search by storage", new Object[] {
                (Supplier<Map<String, Object>>) () -> Map.of("storage", STORAGES[random.nextInt(STORAGES.length)], "start",
                        10 * random.nextInt(10)), "files_file_search"});
            rows.put("files_file_search by content type", new Object[] {
                (Supplier<Map<String, Object>>) () -> Map.of("content_type", TYPES[random.nextInt(TYPES.length)]), "files_file_search"});
            rows.put("files_file_search by name", new Object[] {
                (Supplier<Map<String, Object>>) () -> Map.of("name", fileName(1 + random.nextInt(FILES))), "files_file_search"});
            for (Map.Entry<String, Object[]> row : rows.entrySet()) {
                @SuppressWarnings("unchecked")
                Supplier<Map<String, Object>> params = (Supplier<Map<String, Object>>) row.getValue()[0];
                String action = (String) row.getValue()[1];
                double cold = timeMs(() -> portal.call(action, TestPortal.SYSADMIN, params.get()));
                double[] warm = new double[QUERIES];
                for (int i = 0; i < QUERIES; i++) {
                    Map<String, Object> p = params.get();
                    warm[i] = timeMs(() -> portal.call(action, TestPortal.SYSADMIN, p));
                }
                double[] reference = new double[QUERIES];
                try (Connection c = ds.getConnection()) {
                    for (int i = 0; i < QUERIES; i++) {
                        Map<String, Object> p = params.get();
                        reference[i] = timeMs(() -> reference(c, action, p));
                    }
                }
                Arrays.sort(warm);
                Arrays.sort(reference);
                out.append(String.format("| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f× |%n", row.getKey(), QUERIES, cold,
                        pct(warm, 50), pct(warm, 95), pct(warm, 99), pct(reference, 95), pct(warm, 95) / pct(reference, 95)));
            }
        }
        Files.writeString(Path.of(System.getProperty("bench.search.out")), out.toString(), StandardCharsets.UTF_8);
    }

    private static long count(javax.sql.DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The hand-written query: the same page (ids only) and count, straight over JDBC. */
    private static Object reference(Connection c, String action, Map<String, Object> p) {
        try {
            if (action.equals("package_search")) {
                String q = (String) p.get("q");
                String sql = q == null
                        ? "SELECT d.package_id, COUNT(*) OVER () FROM portal_search_doc d WHERE d.removed = FALSE AND d.state = 'active'"
                        + " AND NOT d.private ORDER BY d.metadata_modified DESC LIMIT 20 OFFSET " + p.getOrDefault("start", 0)
                        : "SELECT d.package_id, COUNT(*) OVER () FROM portal_search_doc d, websearch_to_tsquery('english', ?) q"
                        + " WHERE d.document @@ q AND d.removed = FALSE AND d.state = 'active' AND NOT d.private"
                        + " ORDER BY ts_rank(d.head, q) DESC LIMIT 20";
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    if (q != null) {
                        s.setString(1, q);
                    }
                    return drain(s);
                }
            }
            String column = p.containsKey("owner_id") ? "o.owner_id" : p.containsKey("storage") ? "f.storage"
                    : p.containsKey("content_type") ? "f.content_type" : "f.name";
            Object value = p.getOrDefault("owner_id", p.getOrDefault("storage", p.getOrDefault("content_type", p.get("name"))));
            String where = " FROM files_file f LEFT JOIN files_owner o ON o.file_id = f.id WHERE " + column + " = ?"
                    + (column.equals("o.owner_id") ? " AND o.owner_type = 'user'" : "");
            try (PreparedStatement count = c.prepareStatement("SELECT COUNT(*)" + where);
                 PreparedStatement page = c.prepareStatement("SELECT f.*, o.*" + where + " ORDER BY f.name, f.id LIMIT 10 OFFSET "
                         + p.getOrDefault("start", 0))) {
                count.setObject(1, value);
                page.setObject(1, value);
                drain(count);
                return drain(page);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int drain(PreparedStatement s) throws SQLException {
        int n = 0;
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                n++;
            }
        }
        return n;
    }

    private void datasets(Connection c) throws SQLException {
        Instant now = Instant.now();
        List<String> orgs = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO portal_group (id, name, title, type, is_organization, state, created)"
                + " VALUES (?, ?, ?, 'organization', TRUE, 'active', ?)")) {
            for (int i = 0; i < 200; i++) {
                String id = UUID.randomUUID().toString();
                orgs.add(id);
                s.setString(1, id);
                s.setString(2, "org-" + i);
                s.setString(3, "Organization " + words[i]);
                s.setTimestamp(4, Timestamp.from(now));
                s.addBatch();
            }
            s.executeBatch();
        }
        List<String> tags = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("INSERT INTO portal_tag (id, name, vocabulary_key) VALUES (?, ?, '')")) {
            for (int i = 0; i < 500; i++) {
                String id = UUID.randomUUID().toString();
                tags.add(id);
                s.setString(1, id);
                s.setString(2, "tag-" + words[i]);
                s.addBatch();
            }
            s.executeBatch();
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO portal_package (id, name, title, notes, license_id, private, owner_org,"
                + " state, type, metadata_created, metadata_modified) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', 'dataset', ?, ?)");
             PreparedStatement t = c.prepareStatement("INSERT INTO portal_package_tag (id, package_id, tag_id, state) VALUES (?, ?, ?, 'active')");
             PreparedStatement r = c.prepareStatement("INSERT INTO portal_resource (id, package_id, name, url, format, position, state,"
                     + " created, metadata_modified) VALUES (?, ?, ?, ?, ?, 0, 'active', ?, ?)")) {
            for (int i = 0; i < DATASETS; i++) {
                String id = UUID.randomUUID().toString();
                Timestamp when = Timestamp.from(now.minusSeconds(i));
                p.setString(1, id);
                p.setString(2, String.format("ds-%07d", i));
                p.setString(3, sentence(3 + random.nextInt(4)));
                p.setString(4, sentence(20 + random.nextInt(20)));
                p.setString(5, LICENSES[random.nextInt(LICENSES.length)]);
                p.setBoolean(6, random.nextInt(20) == 0);
                p.setString(7, orgs.get(random.nextInt(orgs.size())));
                p.setTimestamp(8, when);
                p.setTimestamp(9, when);
                p.addBatch();
                int first = (int) (tags.size() * Math.pow(random.nextDouble(), 2));
                for (int k = 0; k < 3; k++) {
                    t.setString(1, UUID.randomUUID().toString());
                    t.setString(2, id);
                    t.setString(3, tags.get((first + k * 37) % tags.size()));
                    t.addBatch();
                }
                r.setString(1, UUID.randomUUID().toString());
                r.setString(2, id);
                r.setString(3, sentence(2));
                r.setString(4, "http://example.org/" + i + ".csv");
                r.setString(5, FORMATS[random.nextInt(FORMATS.length)]);
                r.setTimestamp(6, when);
                r.setTimestamp(7, when);
                r.addBatch();
                if (i % 1000 == 999) {
                    p.executeBatch();
                    t.executeBatch();
                    r.executeBatch();
                }
            }
            p.executeBatch();
            t.executeBatch();
            r.executeBatch();
        }
    }

    private static void files(Statement s) throws SQLException {
        StringBuilder types = new StringBuilder("ARRAY[");
        for (int i = 0; i < TYPES.length; i++) {
            types.append(i == 0 ? "" : ",").append('\'').append(TYPES[i]).append('\'');
        }
        types.append(']');
        s.executeUpdate("INSERT INTO files_file (id, name, location, storage, size, content_type, hash, hash_algorithm, ctime)"
                + " SELECT md5(i::text)::uuid::text, 'file-' || lpad(i::text, 7, '0') || '.dat', 'loc/' || i,"
                + " (ARRAY['default','s3','azure','archive'])[1 + i % 4], i % 100000, (" + types + ")[1 + (i / 7) % " + TYPES.length + "],"
                + " md5(i::text), 'md5', now() - make_interval(secs => i) FROM generate_series(1, " + FILES + ") i");
        s.executeUpdate("INSERT INTO files_owner (file_id, owner_type, owner_id, pinned)"
                + " SELECT md5(i::text)::uuid::text, 'user', 'user-' || (i % 1000), i % 10 = 0 FROM generate_series(1, " + FILES + ") i");
    }

    private static String fileName(int i) {
        return String.format("file-%07d.dat", i);
    }

    /** A word, the first ones far more often than the last (as in real text). */
    private String zipfWord() {
        return words[(int) (words.length * Math.pow(random.nextDouble(), 3))];
    }

    private String sentence(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : " ").append(zipfWord());
        }
        return b.toString();
    }

    /** Pronounceable made-up words, distinct after stemming (consonant-vowel syllables). */
    private static String[] words(int n) {
        String consonants = "bdfgklmnprstvz";
        String vowels = "aeiou";
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            StringBuilder w = new StringBuilder();
            int x = i + 100;
            while (x > 0) {
                w.append(consonants.charAt(x % consonants.length()));
                x /= consonants.length();
                w.append(vowels.charAt(x % vowels.length()));
                x /= vowels.length();
            }
            out[i] = w.append("n").toString();
        }
        return out;
    }

    private static double timeMs(Runnable work) {
        long t = System.nanoTime();
        work.run();
        return (System.nanoTime() - t) / 1e6;
    }

    private static double timeMs(Supplier<?> work) {
        return timeMs((Runnable) work::get);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static double pct(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
