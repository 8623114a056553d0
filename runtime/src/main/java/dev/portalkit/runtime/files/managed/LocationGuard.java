package dev.portalkit.runtime.files.managed;

import dev.portalkit.runtime.files.content.FileNames;
import dev.portalkit.runtime.files.content.LocationRules;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.LocationTransformer;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The location rules of a managed storage: the configured {@code location_transformers} applied
 * to an untrusted name, {@link LocationRules} for every location, and for a storage readable by
 * anyone at the backend no hidden ({@code .}) segment in a location it writes or serves.
 */
final class LocationGuard {
    private static final Set<String> UNIQUE_TRANSFORMERS = Set.of("uuid", "uuid_prefix", "uuid_with_extension");
    private static final Set<String> KEEP_UNIQUE_TRANSFORMERS = Set.of("fix_extension", "datetime_prefix", "safe_relative_path");

    private final StorageSettings settings;
    private final List<LocationTransformer> transformers;
    /** Files are readable without the portal: {@code public = true}, or the backend makes public links (a web server's folder). */
    private final boolean readableByAnyone;

    /**
     * @param adapter the adapter's own capabilities (before {@code disabled_capabilities})
     * @param available every known transformer by name (the configured ones were validated at start)
     */
    LocationGuard(StorageSettings settings, Set<Capability> adapter, Map<String, LocationTransformer> available) {
        this.settings = settings;
        this.transformers = settings.locationTransformers().stream().map(name -> {
            LocationTransformer t = available.get(name);
            if (t == null) {
                throw PortalException.config(settings.key("location_transformers") + ": unknown transformer '" + name + "'");
            }
            return t;
        }).toList();
        this.readableByAnyone = settings.publicStorage() || adapter.contains(Capability.PUBLIC_LINK);
    }

    /** The location the transformers make of {@code untrusted} for {@code sample}, checked by {@link #check(Location)}. */
    Location prepare(String untrusted, Upload sample) {
        String location = untrusted == null ? "" : untrusted;
        if (readableByAnyone && FileNames.hidden(location)) {
            throw hiddenRefused(location);
        }
        for (LocationTransformer transformer : transformers) {
            location = transformer.transform(location, sample, settings);
            if (location == null) {
                throw FilesException.badLocation(untrusted, "a location transformer gave nothing");
            }
        }
        return check(new Location(LocationRules.check(location)));
    }

    /** Whether {@link #prepare} gives every upload a new location: a uuid transformer, and after it only ones that keep it. */
    boolean uniqueLocations() {
        List<String> names = settings.locationTransformers();
        int last = -1;
        for (int i = 0; i < names.size(); i++) {
            if (UNIQUE_TRANSFORMERS.contains(names.get(i))) {
                last = i;
            }
        }
        return last >= 0 && KEEP_UNIQUE_TRANSFORMERS.containsAll(names.subList(last + 1, names.size()));
    }

    /** A location this storage works with: {@link LocationRules}, and for a storage readable by anyone no hidden segment. */
    Location check(Location location) {
        checkAny(location);
        if (readableByAnyone && FileNames.hidden(location.value())) {
            throw hiddenRefused(location.value());
        }
        return location;
    }

    FileData check(FileData data) {
        if (data == null) {
            throw FilesException.badLocation("", "it is missing");
        }
        check(data.location());
        return data;
    }

    /** {@link LocationRules} only: what removing (and asking for) a file needs, so that anything stored can be cleaned up. */
    static Location checkAny(Location location) {
        if (location == null) {
            throw FilesException.badLocation("", "it is missing");
        }
        LocationRules.check(location.value());
        return location;
    }

    static FileData checkAny(FileData data) {
        if (data == null) {
            throw FilesException.badLocation("", "it is missing");
        }
        checkAny(data.location());
        return data;
    }

    private FilesException hiddenRefused(String location) {
        return FilesException.badLocation(location, "storage " + settings.name() + " is readable by anyone at the backend (a web server may "
                + "serve its folder), so no name or folder of it may start with '.' (.htaccess, .user.ini, .git/...)");
    }
}
