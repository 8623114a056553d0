package dev.portalkit.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.runtime.ApiTokenAuthenticator;
import dev.portalkit.runtime.db.RowChanges;
import dev.portalkit.runtime.files.download.DownloadRequest;
import dev.portalkit.runtime.files.download.DownloadResponse;
import dev.portalkit.runtime.testing.TestDb;
import dev.portalkit.runtime.testing.TestPortal;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The tracked download route ({@code /files/download/<id>} with an API token) on two nodes of one
 * database: whatever a node learnt while answering (the token's user, the file's record) must not
 * outlive a change made on the other node. Node b answers first (warm), node a changes the token,
 * the user or the file, and node b's very next answer follows the change: a revoked token, a
 * deleted user, a sysadmin no longer one, a renamed, transferred or deleted file. On H2 the two
 * nodes share the one embedded database (the single-node case: a change is told to both before the
 * call returns); on PostgreSQL they are two portals on one server, as two processes would be, and
 * node b follows once the change's notification reached it (the test waits for that, see
 * {@link #change}), not before: what it cached is forgotten then.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrackedDownloadsTwoNodesTest {
    @org.junit.jupiter.params.Parameter
    TestDb db;

    private TestPortal a;
    private TestPortal b;

    private TestPortal start(Path dataDir, Map<String, String> database) {
        TestPortal.Builder builder = TestPortal.builder().db(db).dataDir(dataDir)
                .option("portal.files.storage.shared.type", "files:db");
        database.forEach(builder::option);
        return builder.start();
    }

    /** The two nodes of this class invocation's database (started on first use: the parameter is not injected before). */
    private void nodes() throws IOException {
        if (a != null) {
            return;
        }
        Path dataDir = Files.createTempDirectory("download-node-a-");
        a = start(dataDir, Map.of());
        Map<String, String> database = new LinkedHashMap<>();
        if (db == TestDb.POSTGRES) {
            database.put("portal.db.url", a.portal().config().string("portal.db.url"));
            database.put("portal.db.user", "postgres");
            database.put("portal.db.password", "postgres");
        }
        // On H2 the database file lives in the data directory: node b opens the same one.
        b = start(db == TestDb.H2 ? dataDir : Files.createTempDirectory("download-node-b-"), database);
    }

    @AfterParameterizedClassInvocation
    void stop() {
        try (TestPortal first = a; TestPortal second = b) {
            a = null;
            b = null;
        }
    }

    /** The changes node b heard of from the other node (PostgreSQL), by table: the markers {@link #change} sends. */
    private final java.util.Set<String> heard = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private RowChanges listenedTo;

    /**
     * Calls {@code action} on node a and returns once node b heard of what it changed: at once on H2
     * (the same process tells both); on PostgreSQL once a marker notified after the call reached b
     * (notifications arrive in commit order, so the change's came before), within 10 s.
     */
    private void change(String action, Object... kv) {
        a.callAsSysadmin(action, kv);
        if (db != TestDb.POSTGRES) {
            return;
        }
        RowChanges bChanges = b.portal().database().rowChanges();
        if (listenedTo != bChanges) {
            heard.clear();
            bChanges.listen((table, key) -> heard.add(table + ":" + key));
            listenedTo = bChanges;
        }
        String marker = "marker:" + (++serial);
        a.portal().transactions().read(c -> {
            try (java.sql.PreparedStatement q = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                q.setString(1, RowChanges.CHANNEL);
                q.setString(2, marker);
                return q.execute();
            }
        });
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!heard.contains(marker) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        assertThat(heard).as("node b heard of the change within 10 s").contains(marker);
    }

    /** Waits (10 s at most) until node b's caches answer: on PostgreSQL once it listens (its first download starts that). */
    private void bServing() throws InterruptedException {
        RowChanges bChanges = b.portal().database().rowChanges();
        for (int i = 0; i < 1000 && !bChanges.serving(); i++) {
            Thread.sleep(10);
        }
        assertThat(bChanges.serving()).as("node b's caches answer").isTrue();
    }

    private static int serial;

    /** A new user (a sysadmin when asked) and an API token of theirs, made on node a. */
    private Account account(String prefix, boolean sysadmin) throws IOException {
        nodes();
        String name = prefix + "-" + db.name().toLowerCase() + "-" + (++serial);
        Map<String, Object> u = a.callAsSysadmin("user_create", "name", name, "email", name + "@example.org",
                "password", "correct horse battery", "sysadmin", sysadmin);
        String token = (String) a.callAsSysadmin("api_token_create", "user", name, "name", "laptop").get("token");
        return new Account(new UserRef((String) u.get("id"), name, sysadmin), token);
    }

    private record Account(UserRef user, String token) {
    }

    /** A file of {@code owner} with {@code content}, made on node a. */
    private String file(UserRef owner, String name, String content) {
        Map<String, Object> f = a.callAsSysadmin("files_file_create", "storage", "shared", "name", db.name().toLowerCase() + "-" + name,
                "upload", content);
        a.callAsSysadmin("files_transfer_ownership", "id", f.get("id"), "owner_type", "user", "owner_id", owner.id());
        return (String) f.get("id");
    }

    /**
     * What {@code node}'s route answers for {@code token} and {@code fileId}: the body and the
     * Content-Disposition; the token resolved as the web layer does (an unknown token is refused).
     */
    private static String[] download(TestPortal node, String token, String fileId) throws IOException {
        ApiTokenAuthenticator tokens = node.container().bean(ApiTokenAuthenticator.class);
        Downloads downloads = new Downloads(node.portal());
        try (DownloadResponse r = downloads.trackedFile(fileId, () -> Optional.of(tokens.authenticate(token)
                        .orElseThrow(() -> PortalException.denied("Invalid API token"))), DownloadRequest.get()).response()) {
            assertThat(r.status()).isEqualTo(200);
            return new String[] {body(r), r.header("Content-Disposition")};
        }
    }

    private static String body(DownloadResponse r) throws IOException {
        if (r.body() instanceof DownloadResponse.Content content) {
            try (InputStream in = content.stream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        DownloadResponse.LocalFile local = (DownloadResponse.LocalFile) r.body();
        ByteBuffer bytes = ByteBuffer.allocate((int) local.length());
        local.channel().read(bytes, local.offset());
        return new String(bytes.array(), StandardCharsets.UTF_8);
    }

    private static ErrorKind refused(TestPortal node, String token, String fileId) {
        PortalException e = catchThrowableOfType(PortalException.class, () -> download(node, token, fileId));
        assertThat(e).as("node refuses").isNotNull();
        return e.kind();
    }

    @Test
    void aRevokedTokenIsRefusedByTheOtherNodeAtOnce() throws IOException, InterruptedException {
        Account root = account("root", true);
        String id = file(root.user(), "revoked.txt", "revoked");
        bServing();
        assertThat(download(b, root.token(), id)[0]).isEqualTo("revoked");
        assertThat(download(b, root.token(), id)[0]).isEqualTo("revoked");
        change("api_token_revoke", "token", root.token());
        assertThat(refused(b, root.token(), id)).isEqualTo(ErrorKind.PERMISSION_DENIED);
        assertThat(refused(a, root.token(), id)).isEqualTo(ErrorKind.PERMISSION_DENIED);
    }

    @Test
    void aDeletedUserIsRefusedAndADemotedSysadminLosesItsPassOnTheOtherNodeAtOnce() throws IOException, InterruptedException {
        Account owner = account("owner", false);
        Account root = account("root", true);
        String id = file(owner.user(), "owned.txt", "owned");
        bServing();
        assertThat(download(b, owner.token(), id)[0]).isEqualTo("owned");
        assertThat(download(b, root.token(), id)[0]).isEqualTo("owned");
        // No longer a sysadmin (changed on a): b must not let the token pass as one.
        change("user_update", "id", root.user().id(), "name", root.user().name(), "email", root.user().name() + "@example.org",
                "sysadmin", false);
        assertThat(refused(b, root.token(), id)).isEqualTo(ErrorKind.PERMISSION_DENIED);
        change("user_delete", "id", owner.user().id());
        assertThat(refused(b, owner.token(), id)).isEqualTo(ErrorKind.PERMISSION_DENIED);
    }

    @Test
    void aFileChangedTransferredOrDeletedOnOneNodeIsAnsweredAsItIsNowByTheOther() throws IOException, InterruptedException {
        Account owner = account("owner", false);
        Account other = account("other", false);
        Account root = account("root", true);
        String id = file(owner.user(), "before.txt", "content");
        bServing();
        assertThat(download(b, owner.token(), id)[1]).contains("before.txt");
        assertThat(download(b, root.token(), id)[1]).contains("before.txt");
        assertThat(refused(b, other.token(), id)).isEqualTo(ErrorKind.PERMISSION_DENIED);

        change("files_file_rename", "id", id, "name", "after.txt");
        assertThat(download(b, owner.token(), id)[1]).contains("after.txt");
        assertThat(download(b, root.token(), id)[1]).contains("after.txt");

        change("files_transfer_ownership", "id", id, "owner_type", "user", "owner_id", other.user().id());
        assertThat(download(b, other.token(), id)[0]).isEqualTo("content");
        assertThat(refused(b, owner.token(), id)).isEqualTo(ErrorKind.PERMISSION_DENIED);

        change("files_file_delete", "id", id);
        assertThat(refused(b, root.token(), id)).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(refused(b, other.token(), id)).isEqualTo(ErrorKind.NOT_FOUND);
    }
}
