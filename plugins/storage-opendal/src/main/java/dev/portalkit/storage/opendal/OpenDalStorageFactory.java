package dev.portalkit.storage.opendal;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.opendal.OpenDALException;
import org.apache.opendal.Operator;

/**
 * The {@code files:opendal} adapter (seed 003's {@code files:opendal}): any service of Apache
 * OpenDAL's native library, chosen by {@code scheme}, configured by the JSON object {@code params}
 * handed to the operator as it is. What a storage can do follows the service's capabilities.
 */
public final class OpenDalStorageFactory implements StorageFactory {
    public static final String TYPE = "files:opendal";

    static final String SCHEME = "scheme";
    static final String PARAMS = "params";
    static final String BUFFER_SIZE = "buffer_size";
    static final String ONE_SHOT_MAX_SIZE = "one_shot_max_size";

    private final OpenDalNative library;

    public OpenDalStorageFactory() {
        this(OpenDalNative.BUNDLED_LIBRARY);
    }

    /** With another view of the native library: tests of what happens where it cannot be loaded. */
    OpenDalStorageFactory(OpenDalNative library) {
        this.library = library;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "Any service of Apache OpenDAL " + OpenDalNative.VERSION + " (webdav, sftp, s3, azblob, gcs, ...), chosen by scheme";
    }

    @Override
    public List<ConfigOption> options() {
        return List.of(
                ConfigOption.of(SCHEME, "The OpenDAL service (webdav, sftp, s3, fs, ...). " + servicesHere()).asRequired(),
                ConfigOption.of(PARAMS, "JSON object handed to the OpenDAL operator as its configuration, members as the "
                        + "service's documentation names them, e.g. {\"endpoint\": \"https://dav.example.org\", \"root\": \"/portal\"}. "
                        + "Values are strings, numbers or booleans. A secret (it holds credentials): never printed.")
                        .asSecret().defaultValue("{}"),
                ConfigOption.of(BUFFER_SIZE, "Bytes handed to the native library per write call and read per call of a byte range, "
                        + "4KiB to 64MiB (held in memory once per transfer).").type(ConfigType.SIZE).defaultValue("256KiB"),
                ConfigOption.of(ONE_SHOT_MAX_SIZE, "Largest file written to a service whose OpenDAL writer takes a whole file in one "
                        + "request (webdav): such a write is held in memory, larger ones are refused. 0 to 1GiB; services that "
                        + "write in parts (fs, sftp, s3, ...) stream and ignore it.").type(ConfigType.SIZE).defaultValue("16MiB"));
    }

    /** The services of the native library here, for {@code files adapters -v}; what fails instead when it does not load. */
    private String servicesHere() {
        try {
            return "Services of the native library on " + OpenDalNative.platform() + ": " + String.join(", ", library.services()) + ".";
        } catch (OpenDalNative.Missing e) {
            return "No service here: " + e.getMessage() + ".";
        }
    }

    @Override
    public Storage create(StorageSettings settings) {
        Set<String> services;
        try {
            services = library.services();
        } catch (OpenDalNative.Missing e) {
            throw PortalException.config(settings.key("type") + ": storage " + settings.name() + " (" + TYPE + ") cannot start: "
                    + e.getMessage() + "; this plugin jar carries the library for " + OpenDalNative.BUNDLED
                    + " (OpenDAL " + OpenDalNative.VERSION + " publishes " + String.join(", ", OpenDalNative.PUBLISHED) + ")");
        }
        String scheme = settings.option(SCHEME) == null ? "" : settings.option(SCHEME).trim();
        if (!services.contains(scheme)) {
            throw PortalException.config(settings.key(SCHEME) + ": storage " + settings.name() + ": '" + scheme
                    + "' is not an OpenDAL service of this native library; it has " + String.join(", ", services));
        }
        Map<String, String> params;
        try {
            params = OperatorParams.parse(settings.secret(PARAMS));
        } catch (IllegalArgumentException e) {
            throw PortalException.config(settings.key(PARAMS) + ": storage " + settings.name() + ": " + e.getMessage());
        }
        long buffer = settings.size(BUFFER_SIZE);
        if (buffer < 4 * 1024 || buffer > 64L * 1024 * 1024) {
            throw PortalException.config(settings.key(BUFFER_SIZE) + ": storage " + settings.name() + ": must be between 4KiB and 64MiB");
        }
        long oneShot = settings.size(ONE_SHOT_MAX_SIZE);
        if (oneShot < 0 || oneShot > 1024L * 1024 * 1024) {
            throw PortalException.config(settings.key(ONE_SHOT_MAX_SIZE) + ": storage " + settings.name() + ": must be between 0 and 1GiB");
        }
        Operator operator;
        try {
            operator = Operator.of(scheme, params);
        } catch (OpenDALException e) {
            throw PortalException.config(settings.key(PARAMS) + ": storage " + settings.name() + ": OpenDAL's " + scheme
                    + " service refuses its configuration: " + OpenDalFailures.shown(e, params));
        }
        org.apache.opendal.Capability can = operator.info.fullCapability;
        if (!can.write || !can.stat) {
            operator.close();
            throw PortalException.config(settings.key(SCHEME) + ": storage " + settings.name() + ": OpenDAL's " + scheme
                    + " service cannot " + (!can.write ? "write" : "stat") + " files (with these params)");
        }
        return new OpenDalStorage(settings, scheme, operator, params, (int) buffer, (int) oneShot);
    }
}
