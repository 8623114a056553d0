package dev.portalkit.integration.web;

import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import dev.portalkit.api.config.IConfigDeclarations;
import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.runtime.config.ConfigValues;
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
    public static final String DIRECT_WIDGET_STORAGES = "portal.upload_widget.direct_storages";
    public static final String MAX_PARTS = "portal.http.max_parts";
    public static final String MAX_FILE_PARTS = "portal.http.max_file_parts";
    public static final String MAX_CONNECTIONS = "portal.http.max_connections";
    public static final String MAX_CONNECTIONS_PER_ADDRESS = "portal.http.max_connections_per_address";
    public static final String MAX_BODY_READS = "portal.http.max_body_reads";
    public static final String MAX_BODY_READS_PER_ADDRESS = "portal.http.max_body_reads_per_address";
    public static final String BUFFERED_BODY_SIZE = "portal.http.buffered_body_size";
    public static final String MIN_BODY_RATE = "portal.http.min_body_rate";
    public static final String BODY_RATE_GRACE = "portal.http.body_rate_grace";
    public static final String HEAD_TIMEOUT = "portal.http.head_timeout";
    public static final String IDLE_TIMEOUT = "portal.http.idle_timeout";
    public static final String PROXY_ADDRESSES = "portal.http.proxy_addresses";
    public static final String DRAIN_DELAY = "portal.http.drain_delay";
    public static final String SHUTDOWN_GRACE = "portal.http.shutdown_grace";
    /** The standalone server's request threads; {@link #MAX_BODY_READS} must leave some of them to other requests. */
    public static final int THREADS = 200;
    private static final int RESERVED_THREADS = 20;

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
        d.option(ConfigOption.of(PIPE_UPLOADS, "Send the file part of a files_file_create, resource or image upload to its storage while the "
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
        d.option(ConfigOption.of(MAX_CONNECTIONS, "Standalone server: most open connections; beyond, new ones wait in the "
                + "kernel's queue until one closes. (In a WAR the app server's limits apply.)").type(ConfigType.INT)
                .defaultValue("1000"));
        d.option(ConfigOption.of(MAX_CONNECTIONS_PER_ADDRESS, "Standalone server: most open connections from one client "
                + "address; one more is closed at once. 0: no limit. Behind a reverse proxy list it in "
                + PROXY_ADDRESSES + ".").type(ConfigType.INT).defaultValue("64"));
        d.option(ConfigOption.of(MAX_BODY_READS, "Standalone server: most requests whose body (larger than "
                + BUFFERED_BODY_SIZE + ", or chunked, or with Expect: 100-continue) is read at once, each by a thread; one "
                + "more is answered 503 with Retry-After and Connection: close, its body unread. At most " + (THREADS - RESERVED_THREADS)
                + " (the server has " + THREADS + " request threads).").type(ConfigType.INT).defaultValue("100"));
        d.option(ConfigOption.of(MAX_BODY_READS_PER_ADDRESS, "Standalone server: most of those from one client address; "
                + "one more is answered 429 with Retry-After and Connection: close, its body unread. 0: no limit.")
                .type(ConfigType.INT).defaultValue("8"));
        d.option(ConfigOption.of(BUFFERED_BODY_SIZE, "Standalone server: a request body of at most this size (by its "
                + "Content-Length, without Expect: 100-continue) is received in full before the request gets a thread, "
                + "without holding one; such requests do not count against " + MAX_BODY_READS + ". At most 1MiB.")
                .type(ConfigType.SIZE).defaultValue("64KiB"));
        d.option(ConfigOption.of(MIN_BODY_RATE, "Standalone server: a request body must arrive at least this fast, in bytes "
                + "per second over every window of " + BODY_RATE_GRACE + " seconds from its start; a slower one is "
                + "dropped (408, or its read fails and the request ends) and its spool removed. 0: no minimum.")
                .type(ConfigType.SIZE).defaultValue("1KiB"));
        d.option(ConfigOption.of(BODY_RATE_GRACE, "Standalone server: seconds a request body has before " + MIN_BODY_RATE
                + " is first checked (and the window the rate is measured over).").type(ConfigType.INT).defaultValue("10"));
        d.option(ConfigOption.of(HEAD_TIMEOUT, "Standalone server: seconds a connection has to send a complete request head, "
                + "from its opening or the previous answer, else it is closed (stops clients that hold connections by "
                + "sending headers slowly; also ends unused keep-alive connections). 0: no limit.").type(ConfigType.INT)
                .defaultValue("10"));
        d.option(ConfigOption.of(IDLE_TIMEOUT, "Standalone server: seconds a connection may stay silent (no byte read or "
                + "written) before it is closed.").type(ConfigType.INT).defaultValue("30"));
        d.option(ConfigOption.of(DIRECT_WIDGET_STORAGES, "Storages whose files the pages' upload widget sends straight from "
                + "the browser to the object store, in parts the portal signs (files_multipart_start with direct=true; S3, Azure). "
                + "Set the bucket's CORS rules first (portalkit files fix-cors -s STORAGE ORIGIN). Storages that cannot sign part "
                + "uploads are ignored. Empty by default: the widget sends files to the portal over tus.")
                .type(ConfigType.LIST).defaultValue(""));
        d.option(ConfigOption.of(PROXY_ADDRESSES, "Standalone server: IP addresses of reverse proxies in front of it. Their "
                + "connections carry many clients, so the per-address limits do not apply to them (the totals do). "
                + "Empty by default.").type(ConfigType.LIST).defaultValue(""));
        d.option(ConfigOption.of(DRAIN_DELAY, "Standalone server, on SIGTERM: seconds it keeps serving with its readiness "
                + "(/health/ready) DOWN before it stops accepting connections, so that a load balancer polling it stops sending "
                + "it requests first. 0: stop accepting at once.").type(ConfigType.INT).defaultValue("5"));
        d.option(ConfigOption.of(SHUTDOWN_GRACE, "Standalone server, on SIGTERM, after " + DRAIN_DELAY + ": seconds the requests "
                + "in flight (uploads and downloads included) have to finish once it stopped accepting connections; those still "
                + "running then are cut. Then its task and job leases are released and it exits. 0: cut them at once.")
                .type(ConfigType.INT).defaultValue("30"));
        range(d, DRAIN_DELAY, 0, 3600);
        range(d, SHUTDOWN_GRACE, 0, 86_400);
        range(d, MAX_PARTS, 1, Integer.MAX_VALUE);
        range(d, MAX_FILE_PARTS, 0, Integer.MAX_VALUE);
        range(d, MAX_CONNECTIONS, 1, Integer.MAX_VALUE);
        range(d, MAX_CONNECTIONS_PER_ADDRESS, 0, Integer.MAX_VALUE);
        range(d, MAX_BODY_READS, 1, THREADS - RESERVED_THREADS);
        range(d, MAX_BODY_READS_PER_ADDRESS, 0, Integer.MAX_VALUE);
        range(d, BODY_RATE_GRACE, 1, 3600);
        range(d, HEAD_TIMEOUT, 0, 3600);
        range(d, IDLE_TIMEOUT, 1, 86_400);
        String buffered = d.valuesUnder(BUFFERED_BODY_SIZE).get(BUFFERED_BODY_SIZE);
        if (buffered != null) {
            try {
                if (ConfigValues.parseSize(buffered) > MAX_BUFFERED_BODY) {
                    d.reject(BUFFERED_BODY_SIZE, "must be at most 1MiB (got " + buffered.trim() + ")");
                }
            } catch (RuntimeException e) {
                // the type check names it
            }
        }
        String proxies = d.valuesUnder(PROXY_ADDRESSES).get(PROXY_ADDRESSES);
        if (proxies != null) {
            for (String address : proxies.split("[\\s,]+")) {
                if (!address.isBlank() && ipAddress(address) == null) {
                    d.reject(PROXY_ADDRESSES, "'" + address + "' is not an IP address");
                }
            }
        }
    }

    /** The largest {@link #BUFFERED_BODY_SIZE}: each connection may hold that much while its body arrives. */
    public static final long MAX_BUFFERED_BODY = 1024L * 1024L;

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

    /** {@code text} as an IP address (a literal: never a name to look up), or {@code null}. */
    public static java.net.InetAddress ipAddress(String text) {
        String t = text.trim();
        boolean v4 = t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (v4) {
            for (String octet : t.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return null;
                }
            }
        } else if (!(t.contains(":") && t.matches("[0-9A-Fa-f:.]+"))) {
            return null;
        }
        try {
            return java.net.InetAddress.getByName(t);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
