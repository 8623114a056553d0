package dev.portalkit.runtime.files.tracked;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.testing.TestDb;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Every File API action on single files: success and error paths, on H2 and PostgreSQL. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDb.class)
class FileActionsTest extends FileApiTestBase {
    // ---- create ----------------------------------------------------------------------------------

    @Test
    void createStreamsHashesAndTracksTheFileAsTheSeedShows() {
        String name = unique("hello") + ".txt";
        Map<String, Object> file = create(SYSADMIN, "default", name, "hello world");
        // The default storage stores each file at a random prefix + its name (uuid_prefix, unless configured otherwise).
        assertThat((String) file.get("location")).matches("[0-9a-f-]{36}" + java.util.regex.Pattern.quote(name));
        assertThat(file).containsEntry("name", name).containsEntry("storage", "default")
                .containsEntry("size", 11L).containsEntry("content_type", "text/plain")
                .containsEntry("hash", "5eb63bbbe01eeed093cb22bb8f5acdc3").containsEntry("hash_algorithm", "md5")
                .containsEntry("storage_data", Map.of()).containsEntry("mtime", null).containsEntry("atime", null)
                .containsEntry("owner_type", "user").containsEntry("owner_id", "sysadmin-id").containsEntry("pinned", false);
        assertThat((String) file.get("ctime")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00");
        assertThat((String) file.get("id")).hasSize(36);
        assertThat(read(file)).isEqualTo("hello world");
        assertThat(storageDir.resolve("default").resolve((String) file.get("location"))).hasContent("hello world");
        assertThat(dict("files_file_show", SYSADMIN, map("id", file.get("id")))).isEqualTo(file);
    }

    @Test
    void createTakesTheNameFromTheUploadAndTheStorageFromTheConfig() {
        String filename = unique("report") + ".csv";
        Map<String, Object> file = dict("files_file_create", SYSADMIN, map("upload", upload("a,b\n1,2\n", "C:\\fakepath\\" + filename, "text/csv")));
        assertThat(file).containsEntry("name", filename).containsEntry("storage", "default").containsEntry("content_type", "text/csv");
    }

    @Test
    void locationTransformersOfTheStorageShapeTheLocation() {
        Map<String, Object> file = create(SYSADMIN, "uuid", "photo.txt", "not a photo");
        assertThat((String) file.get("location")).matches("[0-9a-f-]{36}\\.txt").isNotEqualTo("photo.txt");
        assertThat(file).containsEntry("name", "photo.txt");
        Map<String, Object> again = create(SYSADMIN, "uuid", "photo.txt", "another");
        assertThat(again.get("location")).isNotEqualTo(file.get("location"));
    }

    @Test
    void badNamesAreFieldErrors() {
        assertThat(invalid("files_file_create", SYSADMIN, map("name", "../../etc/passwd", "upload", "x")))
                .containsExactly(Map.entry("name", List.of("Must be a file name, without / or \\")));
        assertThat(invalid("files_file_create", SYSADMIN, map("name", "a\0b.txt", "upload", "x")))
                .containsExactly(Map.entry("name", List.of("Must not contain NUL bytes")));
        assertThat(invalid("files_file_create", SYSADMIN, map("name", "..", "upload", "x")))
                .containsExactly(Map.entry("name", List.of("Must be a file name, not . or ..")));
        assertThat(invalid("files_file_create", SYSADMIN, map("name", "é".repeat(128) + ".txt", "upload", "x")))
                .containsExactly(Map.entry("name", List.of("Must be at most 255 bytes long (UTF-8)")));
        assertThat(invalid("files_file_create", SYSADMIN, map("name", "line\nbreak", "upload", "x")))
                .containsExactly(Map.entry("name", List.of("Must not contain control characters")));
        assertThat(invalid("files_file_create", SYSADMIN, map("upload", "x")))
                .containsExactly(Map.entry("name", List.of("Missing value")));
    }

    @Test
    void blankDotAndTraversalNamesAreRefusedNotTurnedIntoUpload() {
        for (String name : List.of(" ", ".", "..", "...", "..%2f..%2fetc%2fpasswd", "%2E%2E")) {
            assertThat(invalid("files_file_create", SYSADMIN, map("name", name, "upload", "x"))).as("'%s'", name)
                    .containsOnlyKeys("name");
        }
        // No name, and the client's file name is nothing usable: the name is missing, not "upload".
        for (String filename : List.of("..", ".", "   ", "C:\\fakepath\\..", "\u202e")) {
            assertThat(invalid("files_file_create", SYSADMIN, map("upload", upload("x", filename, "text/plain"))))
                    .as("'%s'", filename).containsExactly(Map.entry("name", List.of("Missing value")));
        }
        String id = (String) create(SYSADMIN, "mem", unique("fine") + ".txt", "x").get("id");
        assertThat(invalid("files_file_rename", SYSADMIN, map("id", id, "name", ".."))).containsOnlyKeys("name");
        assertThat(invalid("files_multipart_start", SYSADMIN, map("name", "..", "size", 1))).containsOnlyKeys("name");
    }

    @Test
    void namesWithTextDirectionOrInvisibleCharactersAreRefusedAndClientNamesCleaned() {
        assertThat(invalid("files_file_create", SYSADMIN, map("storage", "mem", "name", "a\u202etxt.exe", "upload", "x")))
                .containsExactly(Map.entry("name", List.of("Must not contain invisible or text direction characters (U+202E)")));
        assertThat(invalid("files_file_create", SYSADMIN, map("storage", "mem", "name", "pay\u200bpal.pdf", "upload", "x")))
                .containsExactly(Map.entry("name", List.of("Must not contain invisible or text direction characters (U+200B)")));
        String id = (String) create(SYSADMIN, "mem", unique("plain") + ".txt", "x").get("id");
        assertThat(invalid("files_file_rename", SYSADMIN, map("id", id, "name", "x\u2066y.txt")))
                .containsExactly(Map.entry("name", List.of("Must not contain invisible or text direction characters (U+2066)")));
        assertThat(invalid("files_multipart_start", SYSADMIN, map("name", "\ufeffbom.txt", "size", 1))).containsOnlyKeys("name");
        // Joiners stay: Persian and emoji need them.
        String persian = unique("می\u200cخواهم") + ".txt";
        assertThat(create(SYSADMIN, "mem", persian, "x")).containsEntry("name", persian);
        // An upload's own file name was not chosen knowingly: the characters are dropped, not refused.
        String client = unique("report") + "\u202ecod.exe";
        Map<String, Object> file = dict("files_file_create", SYSADMIN, map("storage", "mem", "upload", upload("x", client, "text/plain")));
        assertThat(file).containsEntry("name", client.replace("\u202e", ""));
    }

    @Test
    void theDefaultStorageIsNoSharedNameSpaceSoNamesCannotBeProbedOrClaimed() {
        String name = unique("layoffs-2027") + ".xlsx";
        Map<String, Object> secret = create(SYSADMIN, "default", name, "private figures");
        Optional<UserRef> other = newUser("prober");
        // Another caller uploading the same name learns nothing and claims nothing: a file of its own, elsewhere.
        Map<String, Object> mine = dict("files_file_create", SYSADMIN, map("name", name, "upload", "mine"));
        assertThat(mine).containsEntry("name", name);
        assertThat(mine.get("location")).isNotEqualTo(secret.get("location"));
        Map<String, Object> started = dict("files_multipart_start", SYSADMIN, map("name", name, "size", 4));
        assertThat(started.get("location")).isNotEqualTo(secret.get("location")).isNotEqualTo(mine.get("location"));
        assertThat(read(secret)).isEqualTo("private figures");
        denied("files_file_show", other, map("id", secret.get("id")));
        // A storage configured to store at the names keeps doing so (mem): there a name is taken once.
        create(SYSADMIN, "mem", name, "one");
        assertThat(invalid("files_file_create", SYSADMIN, map("storage", "mem", "name", name, "upload", "two"))).containsOnlyKeys("name");
    }

    @Test
    void publicStoragesRefuseHiddenNamesAndLocationsThatAWebServerWouldHonour() {
        for (String name : List.of(".htaccess", ".user.ini", ".git")) {
            for (String storage : List.of("public", "avatars")) {
                assertThat(invalid("files_file_create", SYSADMIN, map("storage", storage, "name", name, "upload", "x")))
                        .as("%s in %s", name, storage).containsOnlyKeys("name");
            }
            assertThat(invalid("files_multipart_start", SYSADMIN, map("storage", "public", "name", name, "size", 1)))
                    .containsOnlyKeys("name");
        }
        for (String location : List.of(".htaccess", ".git/config", "a/.well-known/x")) {
            assertThat(invalid("files_file_register", SYSADMIN, map("storage", "public", "location", location)))
                    .as(location).containsOnlyKeys("location");
        }
        assertThat(storageDir.resolve("public").resolve(".htaccess")).doesNotExist();
        // Private storages serve nothing by themselves: a dot file is just a name there.
        assertThat(create(SYSADMIN, "mem", ".htaccess", "x")).containsEntry("name", ".htaccess");
    }

    @Test
    void missingUploadsAndUnknownStoragesAreFieldErrors() {
        assertThat(invalid("files_file_create", SYSADMIN, map("name", "x.txt")))
                .containsExactly(Map.entry("upload", List.of("Missing value")));
        assertThat(invalid("files_file_create", SYSADMIN, map("name", "x.txt", "upload", 42)))
                .containsExactly(Map.entry("upload", List.of("Must be a file upload")));
        assertThat(invalid("files_file_create", SYSADMIN, map("name", "x.txt", "upload", "x", "storage", "nope")))
                .containsExactly(Map.entry("storage", List.of("Storage nope is not configured")));
    }

    @Test
    void sizeAndTypeAreEnforcedByTheStorageAndNamedOnTheUploadField() {
        String big = "x".repeat(1025);
        PortalException tooLarge = failure(ErrorKind.TOO_LARGE, "files_file_create", SYSADMIN,
                map("storage", "images", "name", unique("big") + ".png", "upload", big));
        assertThat(tooLarge.details()).containsOnlyKeys("upload");
        String html = "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>";
        String spoofedName = unique("avatar") + ".png";
        PortalException spoofed = failure(ErrorKind.WRONG_TYPE, "files_file_create", SYSADMIN,
                map("storage", "images", "name", spoofedName, "upload", upload(html, spoofedName, "image/png")));
        assertThat(spoofed.getMessage()).contains("text/html");
        assertThat(spoofed.details()).containsOnlyKeys("upload");
        assertThat(storage("images").manager().exists(dev.portalkit.api.files.FileData.of(new Location(spoofedName)))).isFalse();
        byte[] abc = "abc".getBytes(StandardCharsets.UTF_8);
        Upload lying = Upload.of("short.txt", "text/plain", 10, () -> new java.io.ByteArrayInputStream(abc));
        assertThat(invalid("files_file_create", SYSADMIN, map("storage", "mem", "name", unique("short") + ".txt", "upload", lying)))
                .containsOnlyKeys("upload");
    }

    @Test
    void aTrackedLocationIsNotUploadedTwice() {
        String name = unique("twice") + ".txt";
        create(SYSADMIN, "mem", name, "one");
        assertThat(invalid("files_file_create", SYSADMIN, map("storage", "mem", "name", name, "upload", "two")))
                .containsExactly(Map.entry("name", List.of("A file is tracked at location " + name + " of storage mem already")));
    }

    @Test
    void bytesWrittenByAnActionThatFailsAreRemoved() {
        String name = unique("orphan") + ".txt";
        PortalException e = failure(ErrorKind.BAD_REQUEST, "test_create_then_fail", SYSADMIN,
                map("storage", "mem", "name", name, "upload", "left behind?"));
        assertThat(e.getMessage()).contains("failing on purpose");
        assertThat(storage("mem").manager().exists(dev.portalkit.api.files.FileData.of(new Location(name)))).isFalse();
        Map<String, Object> search = dict("files_file_search", SYSADMIN, map("name", name));
        assertThat(search).containsEntry("count", 0L);
    }

    // ---- show, rename, pin -----------------------------------------------------------------------

    @Test
    void unknownIdsAreNotFoundAndMissingIdsFieldErrors() {
        for (String action : List.of("files_file_show", "files_file_delete", "files_file_rename", "files_file_pin",
                "files_file_unpin", "files_file_link", "files_transfer_ownership")) {
            PortalException e = failure(ErrorKind.NOT_FOUND, action, SYSADMIN,
                    map("id", "no-such-file", "name", "x.txt", "owner_type", "user", "owner_id", "x"));
            assertThat(e.getMessage()).isEqualTo("File not found: no-such-file");
            assertThat(e.details()).containsOnlyKeys("id");
            assertThat(invalid(action, SYSADMIN, map())).containsKey("id");
        }
    }

    @Test
    void renameChangesTheDisplayNameOnlyAndSetsMtime() {
        Map<String, Object> file = create(SYSADMIN, "mem", unique("old") + ".txt", "content stays");
        Map<String, Object> renamed = dict("files_file_rename", SYSADMIN, map("id", file.get("id"), "name", "new name.txt"));
        assertThat(renamed).containsEntry("name", "new name.txt").containsEntry("location", file.get("location"))
                .containsEntry("hash", file.get("hash"));
        assertThat(renamed.get("mtime")).isNotNull();
        assertThat(read(renamed)).isEqualTo("content stays");
        assertThat(invalid("files_file_rename", SYSADMIN, map("id", file.get("id"), "name", "a/b")))
                .containsExactly(Map.entry("name", List.of("Must be a file name, without / or \\")));
    }

    @Test
    void pinAndUnpin() {
        Map<String, Object> file = create(SYSADMIN, "mem", unique("pin") + ".txt", "x");
        assertThat(dict("files_file_pin", SYSADMIN, map("id", file.get("id")))).containsEntry("pinned", true);
        assertThat(dict("files_file_unpin", SYSADMIN, map("id", file.get("id")))).containsEntry("pinned", false);
        Map<String, Object> ownerless = dict("files_file_create", portal.portal().context(Optional.empty(), true),
                map("storage", "mem", "name", unique("nobody") + ".txt", "upload", "x"));
        assertThat(ownerless).containsEntry("owner_type", null);
        assertThat(invalid("files_file_pin", SYSADMIN, map("id", ownerless.get("id"))))
                .containsExactly(Map.entry("id", List.of("File " + ownerless.get("id") + " has no owner to be pinned to")));
    }

    // ---- delete ----------------------------------------------------------------------------------

    @Test
    void deleteRemovesTheRecordAndThenTheBytes() {
        Map<String, Object> file = create(SYSADMIN, "default", unique("gone") + ".txt", "bye");
        assertThat(stored(file)).isTrue();
        Map<String, Object> deleted = dict("files_file_delete", SYSADMIN, map("id", file.get("id")));
        assertThat(deleted).isEqualTo(file);
        assertThat(failure(ErrorKind.NOT_FOUND, "files_file_show", SYSADMIN, map("id", file.get("id")))).isNotNull();
        assertThat(stored(file)).as("the post-commit task removed the bytes").isFalse();
        assertThat(storageDir.resolve("default").resolve((String) file.get("location"))).doesNotExist();
    }

    // ---- register --------------------------------------------------------------------------------

    @Test
    void registerTracksAnExistingLocation() {
        String location = unique("existing") + ".csv";
        storage("tagged").uploader().upload(new Location(location), upload("a,b\n", location, "text/csv"), false);
        Map<String, Object> file = dict("files_file_register", SYSADMIN, map("storage", "tagged", "location", location));
        assertThat(file).containsEntry("name", location).containsEntry("location", location).containsEntry("size", 4L)
                .containsEntry("content_type", "text/csv").containsEntry("owner_type", "user").containsEntry("owner_id", "sysadmin-id");
        assertThat(file.get("storage_data")).isEqualTo(Map.of("bucket", "b1", "meta", Map.of("region", "eu"), "tags", List.of("x", "y"), "n", 5));
        assertThat((String) file.get("hash")).hasSize(32);
        assertThat(invalid("files_file_register", SYSADMIN, map("storage", "tagged", "location", location)))
                .containsExactly(Map.entry("location", List.of("Location " + location + " of storage tagged is tracked already")));
        PortalException missing = failure(ErrorKind.NOT_FOUND, "files_file_register", SYSADMIN,
                map("storage", "tagged", "location", "nothing-here.txt"));
        assertThat(missing.details()).containsOnlyKeys("location");
        assertThat(invalid("files_file_register", SYSADMIN, map("storage", "tagged", "location", "../up.txt")))
                .containsOnlyKeys("location");
        Optional<UserRef> alice = newUser("alice");
        denied("files_file_register", alice, map("storage", "tagged", "location", location));
    }

    @Test
    void registerCanGiveTheFileToAnOwnerOrToNobody() {
        String location = unique("adopted") + ".txt";
        storage("mem").uploader().upload(new Location(location), upload("x", location, "text/plain"), false);
        Optional<UserRef> bob = newUser("bob");
        Map<String, Object> file = dict("files_file_register", SYSADMIN, map("storage", "mem", "location", location,
                "owner_type", "user", "owner_id", bob.get().name()));
        assertThat(file).containsEntry("owner_type", "user").containsEntry("owner_id", bob.get().id());
        String another = unique("orphan") + ".txt";
        storage("mem").uploader().upload(new Location(another), upload("x", another, "text/plain"), false);
        Map<String, Object> unowned = dict("files_file_register", portal.portal().context(Optional.empty(), true),
                map("storage", "mem", "location", another));
        assertThat(unowned).containsEntry("owner_type", null).containsEntry("owner_id", null);
    }

    // ---- transfer --------------------------------------------------------------------------------

    @Test
    void transferMovesTheFileRecordsHistoryAndRespectsPins() {
        Map<String, Object> org = newOrg(SYSADMIN);
        Map<String, Object> dataset = newDataset(org, true);
        Map<String, Object> file = create(SYSADMIN, "mem", unique("moved") + ".txt", "x");
        Map<String, Object> moved = dict("files_transfer_ownership", SYSADMIN, map("id", file.get("id"), "owner_type", "package",
                "owner_id", dataset.get("name"), "pin", true));
        assertThat(moved).containsEntry("owner_type", "package").containsEntry("owner_id", dataset.get("id")).containsEntry("pinned", true);
        assertThat(invalid("files_transfer_ownership", SYSADMIN, map("id", file.get("id"), "owner_type", "organization",
                "owner_id", org.get("id")))).containsOnlyKeys("id");
        Map<String, Object> forced = dict("files_transfer_ownership", SYSADMIN, map("id", file.get("id"), "owner_type", "organization",
                "owner_id", org.get("id"), "force", true));
        assertThat(forced).containsEntry("owner_type", "organization").containsEntry("pinned", false);
        Map<String, Object> shown = dict("files_file_show", SYSADMIN, map("id", file.get("id"), "include_transfers", true));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> transfers = (List<Map<String, Object>>) shown.get("transfers");
        assertThat(transfers).extracting(t -> t.get("from_type") + ">" + t.get("to_type"))
                .containsExactly("null>user", "user>package", "package>organization");
        assertThat(transfers.get(1)).containsEntry("actor_name", "sysadmin").containsEntry("to_id", dataset.get("id"));
    }

    @Test
    void transferToUnknownOwnersIsAFieldError() {
        Map<String, Object> file = create(SYSADMIN, "mem", unique("lost") + ".txt", "x");
        assertThat(invalid("files_transfer_ownership", SYSADMIN, map("id", file.get("id"), "owner_type", "spaceship", "owner_id", "x")))
                .containsOnlyKeys("owner_type");
        assertThat(invalid("files_transfer_ownership", SYSADMIN, map("id", file.get("id"), "owner_type", "package", "owner_id", "no-such-ds")))
                .containsExactly(Map.entry("owner_id", List.of("Owner not found: package no-such-ds")));
        assertThat(dict("files_transfer_ownership", SYSADMIN, map("id", file.get("id"), "owner_type", "widget", "owner_id", "w-1")))
                .containsEntry("owner_type", "widget").containsEntry("owner_id", "w-1");
    }

    // ---- links -----------------------------------------------------------------------------------

    @Test
    void linksComeFromTheStorageOrArePortalLinks() {
        Map<String, Object> pub = create(SYSADMIN, "public", unique("logo") + ".txt", "x");
        assertThat(dict("files_file_link", SYSADMIN, map("id", pub.get("id"), "type", "public")))
                .containsEntry("url", "https://cdn.example.org/pub/" + pub.get("location")).containsEntry("expires_at", null);
        // A storage without links of its own: the portal signs them (routes under /files/link/).
        Map<String, Object> hooked = create(SYSADMIN, "hooked", unique("doc") + ".txt", "x");
        Map<String, Object> temporal = dict("files_file_link", SYSADMIN, map("id", hooked.get("id"), "type", "temporal", "duration", "PT15M"));
        assertThat(temporal).containsEntry("type", "temporal");
        assertThat((String) temporal.get("url")).startsWith("http://localhost:5000/files/link/");
        assertThat(temporal.get("expires_at")).isNotNull();
        assertThat(dict("files_file_link", SYSADMIN, map("id", hooked.get("id")))).containsEntry("type", "permanent");
        Map<String, Object> plain = create(SYSADMIN, "mem", unique("plain") + ".txt", "x");
        assertThat((String) dict("files_file_link", SYSADMIN, map("id", plain.get("id"), "type", "one_time")).get("url"))
                .startsWith("http://localhost:5000/files/link/");
        // Public links only for public storages.
        PortalException unsupported = failure(ErrorKind.UNSUPPORTED, "files_file_link", SYSADMIN, map("id", plain.get("id"), "type", "public"));
        assertThat(unsupported.details()).containsOnlyKeys("type");
        assertThat(invalid("files_file_link", SYSADMIN, map("id", plain.get("id"), "type", "forever"))).containsOnlyKeys("type");
        assertThat(invalid("files_file_link", SYSADMIN, map("id", hooked.get("id"), "type", "temporal", "duration", "-5")))
                .containsOnlyKeys("duration");
    }
}
