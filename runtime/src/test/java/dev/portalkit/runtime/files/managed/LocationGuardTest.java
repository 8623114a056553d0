package dev.portalkit.runtime.files.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.runtime.files.content.LocationRules;
import dev.portalkit.runtime.files.registry.BuiltInTransformers;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.LocationTransformer;
import dev.portalkit.api.files.StorageSettings;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The location rules layer alone: transformers in order, {@link LocationRules}, hidden names where anyone reads the backend. */
class LocationGuardTest {
    private static final Map<String, LocationTransformer> BUILT_IN = BuiltInTransformers.all();

    private static StorageSettings settings(boolean publicStorage, String... transformers) {
        return new StorageSettings("guarded", null, "files:memory", 0, List.of(), false, List.of(transformers), false, publicStorage,
                Set.of(), "md5", 0, Map.of());
    }

    private static LocationGuard guard(boolean publicStorage, String... transformers) {
        return new LocationGuard(settings(publicStorage, transformers), Set.of(), BUILT_IN);
    }

    private static void assertBadLocation(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String fragment) {
        assertThatThrownBy(call).isInstanceOfSatisfying(FilesException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.BAD_REQUEST))
                .hasMessageContaining(fragment);
    }

    @Test
    void transformersRunInOrderAndTheResultIsChecked() {
        assertThat(guard(false, "safe_relative_path").prepare("/a/../b\\c.txt", null).value()).isEqualTo("a/b/c.txt");
        assertThat(guard(false, "uuid_with_extension").prepare("photo.jpg", null).value()).matches("[0-9a-f-]{36}\\.jpg");
        assertBadLocation(() -> guard(false).prepare("../escape.txt", null), "escape.txt");
        LocationGuard nothing = new LocationGuard(settings(false, "void"), Set.of(), Map.of("void", (l, s, st) -> null));
        assertBadLocation(() -> nothing.prepare("a.txt", null), "a location transformer gave nothing");
    }

    @Test
    void anUnknownTransformerIsAConfigError() {
        assertThatThrownBy(() -> new LocationGuard(settings(false, "nope"), Set.of(), BUILT_IN)).isInstanceOf(PortalException.class)
                .hasMessageContaining("portal.files.storage.guarded.location_transformers: unknown transformer 'nope'");
    }

    @Test
    void hiddenNamesAreRefusedOnlyWhereAnyoneReadsTheBackend() {
        assertThat(guard(false).check(new Location("a/.htaccess")).value()).isEqualTo("a/.htaccess");
        assertBadLocation(() -> guard(true).check(new Location("a/.htaccess")), "readable by anyone");
        assertBadLocation(() -> guard(true).prepare(".git/config", null), "readable by anyone");
        LocationGuard publicLinks = new LocationGuard(settings(false), EnumSet.of(Capability.PUBLIC_LINK), BUILT_IN);
        assertBadLocation(() -> publicLinks.check(FileData.of(new Location(".user.ini"))), "readable by anyone");
        // Removing needs only the location rules, so that anything stored can be cleaned up.
        assertThat(LocationGuard.checkAny(new Location(".user.ini")).value()).isEqualTo(".user.ini");
        assertBadLocation(() -> LocationGuard.checkAny((Location) null), "it is missing");
        assertBadLocation(() -> guard(false).check((FileData) null), "it is missing");
    }

    @Test
    void onlyAUuidFollowedByKeepingTransformersMakesUniqueLocations() {
        assertThat(guard(false, "uuid").uniqueLocations()).isTrue();
        assertThat(guard(false, "safe_relative_path", "uuid_prefix", "fix_extension", "datetime_prefix").uniqueLocations()).isTrue();
        assertThat(guard(false).uniqueLocations()).isFalse();
        assertThat(guard(false, "uuid", "datetime_with_extension").uniqueLocations()).isFalse();
    }
}
