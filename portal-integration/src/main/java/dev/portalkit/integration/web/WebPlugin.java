package dev.portalkit.integration.web;

import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import dev.portalkit.api.config.IConfigDeclarations;
import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.runtime.plugin.BuiltIn;
import jakarta.enterprise.context.ApplicationScoped;

/** The web layer as a built-in plugin: it declares the {@code portal.http.*} options. */
@BuiltIn
@ApplicationScoped
public class WebPlugin implements PortalPlugin, IConfigDeclarations {
    public static final String HTTP_PORT = "portal.http.port";
    public static final String HTTP_HOST = "portal.http.host";
    public static final String MAX_BODY_SIZE = "portal.http.max_body_size";
    public static final String MAX_UPLOAD_SIZE = "portal.http.max_upload_size";
    public static final String PIPE_UPLOADS = "portal.http.pipe_uploads";
    public static final String MAX_PARTS = "portal.http.max_parts";
    public static final String MAX_FILE_PARTS = "portal.http.max_file_parts";
    /** The standalone server's request threads. */
    public static final int THREADS = 200;

    @Override
    public String name() {
        return "web";
    }

    @Override
    public String description() {
        return "Portalkit web layer: the action API over HTTP (/api/action/NAME), standalone server and WAR";
    }

    @Override
    public void declareConfig(ConfigDeclaration d) {
        d.namespace("portal.http.");
        d.option(ConfigOption.of(HTTP_PORT, "HTTP port of the standalone server (0 picks a free one). Set by --port.")
                .type(ConfigType.INT).defaultValue("5000"));
        d.option(ConfigOption.of(HTTP_HOST, "Address the standalone server listens on (0.0.0.0 for every interface).")
                .defaultValue("127.0.0.1"));
        d.option(ConfigOption.of(MAX_BODY_SIZE, "Largest request body the action API reads into memory: a JSON or "
                + "form body, and the text fields of a multipart request together. A bigger request is refused with "
                + "413 before any action runs.").type(ConfigType.SIZE).defaultValue("10MiB"));
        d.option(ConfigOption.of(MAX_UPLOAD_SIZE, "Largest multipart/form-data request (file parts are streamed to "
                + "<data_dir>/tmp, never held in memory, and deleted when the request ends). A bigger request is "
                + "refused with 413 before any action runs. In an app server, its own limit applies too "
                + "(WildFly: max-post-size of the HTTP listener).").type(ConfigType.SIZE).defaultValue("10GiB"));
        d.option(ConfigOption.of(PIPE_UPLOADS, "Send the file part of a files_file_create request to its storage while the "
                + "request is still arriving, instead of after it was spooled whole: for a caller the action's auth check "
                + "admits, a part of 8 MiB or more whose size the Content-Length tells, into a streaming storage (not "
                + "files:fs) that is not public and gives every upload a new location (a uuid location transformer). "
                + "The piped file is kept only after the action's checks, else removed; see docs/uploads.md.")
                .type(ConfigType.BOOLEAN).defaultValue("true"));
        d.option(ConfigOption.of(MAX_PARTS, "Most parts of a multipart/form-data request to the action API; one more is "
                + "refused with 400 naming this option.").type(ConfigType.INT).defaultValue("1000"));
        d.option(ConfigOption.of(MAX_FILE_PARTS, "Most file parts of a multipart/form-data request; one more is refused "
                + "with 400 before its bytes are read (empty file inputs of a form do not count).").type(ConfigType.INT)
                .defaultValue("10"));
        range(d, MAX_PARTS, 1, Integer.MAX_VALUE);
        range(d, MAX_FILE_PARTS, 0, Integer.MAX_VALUE);
    }

    /** Rejects a configured whole number of {@code key} outside {@code [min, max]}. */
    private static void range(ConfigDeclaration d, String key, long min, long max) {
        String value = d.valuesUnder(key).get(key);
        if (value == null || !value.trim().matches("-?\\d{1,18}")) {
            return; // absent, or the type check names it
        }
        long n = Long.parseLong(value.trim());
        if (n < min || n > max) {
            d.reject(key, "must be " + (max == Integer.MAX_VALUE ? "at least " + min : "from " + min + " to " + max) + " (got " + n + ")");
        }
    }
}
