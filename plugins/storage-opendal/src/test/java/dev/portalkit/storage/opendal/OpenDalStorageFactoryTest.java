package dev.portalkit.storage.opendal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What files:opendal says at start about its configuration and its native library. */
class OpenDalStorageFactoryTest {
    private static StorageSettings settings(String scheme, String params) {
        Map<String, String> options = new LinkedHashMap<>();
        if (scheme != null) {
            options.put("scheme", scheme);
        }
        options.put("params", params);
        options.put("buffer_size", "256KiB");
        options.put("one_shot_max_size", "16MiB");
        return new StorageSettings("dav", null, OpenDalStorageFactory.TYPE, 0, List.of(), false, List.of(), false, false,
                Set.of(), "md5", 0, options);
    }

    private static PortalException refused(StorageSettings settings) {
        return refused(new OpenDalStorageFactory(), settings);
    }

    private static PortalException refused(OpenDalStorageFactory factory, StorageSettings settings) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> factory.create(settings).close());
        assertThat(t).isInstanceOf(PortalException.class);
        PortalException e = (PortalException) t;
        assertThat(e.kind()).as(e.getMessage()).isEqualTo(ErrorKind.CONFIG_INVALID);
        return e;
    }

    @Test
    void anUnknownSchemeIsRefusedNamingTheOptionAndListingTheServices() {
        assertThat(refused(settings("webdab", "{}")).getMessage())
                .startsWith("portal.files.storage.dav.scheme: storage dav: 'webdab' is not an OpenDAL service of this native library")
                .contains("webdav").contains("sftp").contains("s3").contains("fs");
    }

    @Test
    void paramsThatAreNotAJsonObjectOfTextAreRefusedNamingTheOption() {
        assertThat(refused(settings("fs", "{\"root\": \"/tmp\"")).getMessage())
                .startsWith("portal.files.storage.dav.params: storage dav: not a JSON object");
        assertThat(refused(settings("fs", "[\"root\"]")).getMessage()).contains("params").contains("starting with {");
        assertThat(refused(settings("fs", "{\"root\": {\"a\": 1}}")).getMessage()).contains("member \"root\"").contains("not an object");
        assertThat(refused(settings("fs", "{\"root\": null}")).getMessage()).contains("member \"root\": null");
    }

    @Test
    void aMissingRequiredParamIsRefusedByTheServiceNamingTheOptionWithoutShowingValues() {
        String message = refused(settings("webdav", "{\"username\": \"portal\", \"password\": \"s3cr3t-v4lue\"}")).getMessage();
        assertThat(message).startsWith("portal.files.storage.dav.params: storage dav: OpenDAL's webdav service refuses its configuration")
                .containsIgnoringCase("endpoint").doesNotContain("s3cr3t-v4lue");
    }

    @Test
    void paramsParseAsFlatText() {
        assertThat(OperatorParams.parse(" {\"a\": \"x\\\"y\\u00e9\", \"n\": 42, \"b\": true} ")).containsExactly(
                Map.entry("a", "x\"y\u00e9"), Map.entry("n", "42"), Map.entry("b", "true"));
        assertThat(OperatorParams.parse("")).isEmpty();
        assertThatThrownBy(() -> OperatorParams.parse("{\"a\": 1, \"a\": 2}")).hasMessageContaining("given twice");
    }

    @Test
    void withoutTheNativeLibraryTheStorageFailsAtStartNamingItAndThePlatforms() {
        OpenDalNative missing = () -> {
            throw new OpenDalNative.Missing("linux-s390x", new UnsatisfiedLinkError("no opendal_java in java.library.path"));
        };
        String message = refused(new OpenDalStorageFactory(missing), settings("webdav", "{}")).getMessage();
        assertThat(message).startsWith("portal.files.storage.dav.type: storage dav (files:opendal) cannot start: "
                + "the OpenDAL native library cannot be loaded on linux-s390x (no opendal_java in java.library.path)")
                .contains("carries the library for linux-x86_64").contains("osx-aarch_64");
        assertThat(new OpenDalStorageFactory(missing).options().get(0).help()).contains("No service here");
    }

    /**
     * The real load failure: a JVM that takes itself for linux on ARM (os.arch, which is all the
     * binding looks at) looks for /native/linux-aarch_64/ in the jar, which carries linux-x86_64
     * only, and the storage fails at start naming itself.
     */
    @Test
    void onAPlatformWithoutTheLibraryTheRealLoadFailsAtStart() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dos.arch=aarch64", "-cp", System.getProperty("java.class.path"), OtherPlatformProbe.class.getName())
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).as(out).contains("CONFIG_INVALID portal.files.storage.dav.type: storage dav (files:opendal) cannot start: "
                + "the OpenDAL native library cannot be loaded on linux-aarch_64").contains("/native/linux-aarch_64/libopendal_java.so");
    }

    /** Run in the other JVM of {@link #onAPlatformWithoutTheLibraryTheRealLoadFailsAtStart}. */
    static final class OtherPlatformProbe {
        public static void main(String[] args) {
            try {
                new OpenDalStorageFactory().create(settings("fs", "{}"));
                System.out.println("started");
            } catch (PortalException e) {
                System.out.println(e.kind() + " " + e.getMessage());
            }
        }
    }

    @Test
    void capabilitiesFollowTheService(@TempDir Path dir) throws IOException {
        EnumSet<Capability> files = EnumSet.of(Capability.CREATE, Capability.MULTIPART, Capability.STREAM, Capability.RANGE,
                Capability.EXISTS, Capability.REMOVE, Capability.SCAN, Capability.COPY, Capability.MOVE);
        try (Storage fs = new OpenDalStorageFactory().create(settings("fs", "{\"root\": " + OpenDalContract.json(dir.toString()) + "}"))) {
            assertThat(fs.capabilities()).isEqualTo(files);
        }
        try (Storage memory = new OpenDalStorageFactory().create(settings("memory", "{}"))) {
            assertThat(memory.capabilities()).isEqualTo(EnumSet.of(Capability.CREATE, Capability.MULTIPART, Capability.STREAM,
                    Capability.RANGE, Capability.EXISTS, Capability.REMOVE, Capability.SCAN));
        }
    }
}
