package dev.portalkit.storage.s3;

import dev.portalkit.storage.support.Trust;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import dev.portalkit.api.files.StorageSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.TrustManager;

/**
 * The options both S3 adapters share (connection, bucket creation, downloads, keys), declared with
 * keys relative to the storage, and their parsed values.
 *
 * @param region           the region, or {@code null} to ask the SDK's chain (profile, environment)
 * @param host             a custom S3-compatible endpoint, or {@code null} for AWS
 * @param profile          a profile of the AWS config and credentials files, or {@code null}
 * @param accessKey        a static access key (secret), or {@code null}
 * @param secretKey        a static secret key (secret), or {@code null}
 * @param pathStyle        path-style addressing ({@code host/bucket/key}) instead of virtual hosts
 * @param createBucket     create missing buckets (at start; s3-dynamic: each period's, ahead of time)
 * @param bucketPolicy     the policy document applied to buckets this storage creates, or {@code null}
 * @param bucketVersioning enable versioning on buckets this storage creates
 * @param proxy            how downloads are delivered
 * @param nginxLocation    the internal location prefix of {@code proxy = nginx}
 * @param prefix           prefix of every object key ({@code ""} or ending with {@code /})
 * @param partSize         part size of multipart uploads the adapter makes itself
 * @param directUrlLifetime how long the presigned part URLs of direct uploads work
 * @param trust            the trust managers of ca_bundle / trust_store, or {@code null} for the JVM's
 */
record S3Options(String region, URI host, String profile, String accessKey, String secretKey, boolean pathStyle,
                 boolean createBucket, String bucketPolicy, boolean bucketVersioning, Proxy proxy, String nginxLocation,
                 String prefix, long partSize, Duration directUrlLifetime, TrustManager[] trust) {
    static final String REGION = "region";
    static final String HOST = "host";
    static final String PROFILE = "profile";
    static final String ACCESS_KEY = "access_key";
    static final String SECRET_KEY = "secret_key";
    static final String ADDRESSING_STYLE = "addressing_style";
    static final String CREATE_BUCKET = "create_bucket";
    static final String BUCKET_POLICY_FILE = "bucket_policy_file";
    static final String BUCKET_VERSIONING = "bucket_versioning";
    static final String PROXY = "proxy";
    static final String NGINX_LOCATION = "nginx_location";
    static final String PREFIX = "prefix";
    static final String PART_SIZE = "part_size";
    static final String DIRECT_URL_LIFETIME = "direct_url_lifetime";
    /** Indico's free text about the storage, shown by files_storage_list (its bucket info API). */
    static final String META = "meta";
    /** The longest a presigned URL (signature version 4) works: 7 days. */
    static final int MAX_URL_LIFETIME = 7 * 24 * 3600;
    static final int DEFAULT_URL_LIFETIME = 3600;

    /** S3's smallest part but the last. */
    static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    /** S3's largest single PUT and part. */
    static final long MAX_PUT_SIZE = 5L * 1024 * 1024 * 1024;

    /** How downloads of a file leave the portal ({@code StorageReader.delivery}). */
    enum Proxy {
        /** Redirect the client to a presigned URL carrying the file name and type. */
        REDIRECT,
        /** Stream the object through the portal (ranges included). */
        PROXY,
        /** Answer with {@code X-Accel-Redirect} to an nginx location that fetches a presigned URL. */
        NGINX
    }

    /** The shared options; {@code createBucketDefault} differs between the adapters. */
    static List<ConfigOption> declarations(boolean createBucketDefault) {
        List<ConfigOption> out = new ArrayList<>(List.of(
                ConfigOption.of(REGION, "AWS region of the bucket(s), e.g. eu-central-1. Default: the SDK's (AWS_REGION, the profile's "
                        + "region), or us-east-1 with a custom host."),
                ConfigOption.of(HOST, "Endpoint URL of an S3-compatible service, e.g. https://s3.example.org or http://127.0.0.1:9000. "
                        + "Default: AWS."),
                ConfigOption.of(PROFILE, "Profile of ~/.aws/config and ~/.aws/credentials to take credentials (and the region) from. "
                        + "Default: the SDK's default chain."),
                ConfigOption.of(ACCESS_KEY, "Access key id. Prefer the SDK's default chain (environment, ~/.aws files, instance "
                        + "or container roles); set both keys or neither.").asSecret(),
                ConfigOption.of(SECRET_KEY, "Secret access key; see access_key.").asSecret(),
                ConfigOption.of(ADDRESSING_STYLE, "auto, path (host/bucket/key) or virtual (bucket.host/key). auto: path with a "
                        + "custom host, virtual on AWS.").defaultValue("auto").oneOf("auto", "path", "virtual"),
                ConfigOption.of(CREATE_BUCKET, "Create missing buckets, with bucket_policy_file and bucket_versioning: at start "
                        + "(like initialize) and, for files:s3-dynamic, each period's bucket ahead of time.")
                        .type(ConfigType.BOOLEAN).defaultValue(Boolean.toString(createBucketDefault)),
                ConfigOption.of(BUCKET_POLICY_FILE, "File with a bucket policy (JSON) applied to buckets this storage creates.")
                        .type(ConfigType.PATH),
                ConfigOption.of(BUCKET_VERSIONING, "Enable versioning on buckets this storage creates.")
                        .type(ConfigType.BOOLEAN).defaultValue("false"),
                ConfigOption.of(PROXY, "How downloads are delivered: redirect (to a presigned URL with the file name and type), "
                        + "proxy (streamed through the portal, with ranges) or nginx (X-Accel-Redirect to nginx_location, "
                        + "see docs/storage-s3.md).").defaultValue("redirect").oneOf("redirect", "proxy", "nginx"),
                ConfigOption.of(NGINX_LOCATION, "Internal nginx location of proxy = nginx; the presigned URL follows it as "
                        + "<scheme>/<host>/<path>?<query>.").defaultValue("/.xsf/s3/"),
                ConfigOption.of(PREFIX, "Prefix of every object key, e.g. portal/ (a / is added when missing).").defaultValue(""),
                ConfigOption.of(PART_SIZE, "Part size of the multipart uploads the adapter makes for uploads of unknown or "
                        + "large size (at least 5MiB; one part is buffered in memory per such upload).")
                        .type(ConfigType.SIZE).defaultValue("8MiB"),
                ConfigOption.of(DIRECT_URL_LIFETIME, "Seconds the presigned part URLs of direct uploads (files_multipart_start "
                        + "with direct=true) work, 1 to 604800 (7 days); files_multipart_refresh signs new ones.")
                        .type(ConfigType.INT).defaultValue(Integer.toString(DEFAULT_URL_LIFETIME))));
        out.add(ConfigOption.of(META, "Free text about the storage (as Indico's meta), shown by files_storage_list and "
                + "files storages -v for scripts that read them; nothing else uses it.").defaultValue(""));
        out.addAll(Trust.declarations());
        return List.copyOf(out);
    }

    /** Parses the shared options; every problem names its full key. */
    static S3Options parse(StorageSettings settings) {
        List<String> problems = new ArrayList<>();
        String region = blankToNull(settings.option(REGION));
        URI host = null;
        String hostText = blankToNull(settings.option(HOST));
        if (hostText != null) {
            try {
                host = URI.create(hostText);
                if (host.getScheme() == null || !List.of("http", "https").contains(host.getScheme().toLowerCase(Locale.ROOT))
                        || host.getHost() == null) {
                    problems.add(settings.key(HOST) + ": must be an http or https URL, e.g. https://s3.example.org");
                    host = null;
                }
            } catch (IllegalArgumentException e) {
                problems.add(settings.key(HOST) + ": not a URL");
            }
        }
        String accessKey = blankToNull(settings.secret(ACCESS_KEY));
        String secretKey = blankToNull(settings.secret(SECRET_KEY));
        if ((accessKey == null) != (secretKey == null)) {
            problems.add(settings.key(accessKey == null ? ACCESS_KEY : SECRET_KEY) + ": set both access_key and secret_key, or neither");
        }
        String style = settings.option(ADDRESSING_STYLE);
        boolean pathStyle = "path".equals(style) || (!"virtual".equals(style) && host != null);
        String policy = null;
        String policyFile = blankToNull(settings.option(BUCKET_POLICY_FILE));
        if (policyFile != null) {
            try {
                policy = Files.readString(Path.of(policyFile));
                if (policy.isBlank()) {
                    problems.add(settings.key(BUCKET_POLICY_FILE) + ": the file is empty");
                }
            } catch (IOException | RuntimeException e) {
                problems.add(settings.key(BUCKET_POLICY_FILE) + ": cannot read " + policyFile + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        Proxy proxy = settings.choice(PROXY, Proxy.class);
        String nginx = settings.option(NGINX_LOCATION);
        if (!nginx.startsWith("/")) {
            problems.add(settings.key(NGINX_LOCATION) + ": must start with /");
        }
        nginx = nginx.endsWith("/") ? nginx : nginx + "/";
        String prefix = settings.option(PREFIX);
        if (!prefix.isEmpty()) {
            prefix = prefix.endsWith("/") ? prefix : prefix + "/";
            for (String segment : prefix.substring(0, prefix.length() - 1).split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    problems.add(settings.key(PREFIX) + ": segments must not be empty, . or ..");
                    break;
                }
            }
        }
        long partSize = settings.size(PART_SIZE);
        if (partSize < MIN_PART_SIZE || partSize > 1024L * 1024 * 1024) {
            problems.add(settings.key(PART_SIZE) + ": must be between 5MiB and 1GiB");
        }
        Duration lifetime = Duration.ofSeconds(DEFAULT_URL_LIFETIME);
        try {
            // The host applies the declared default; settings made without it (tests) get it here.
            if (blankToNull(settings.option(DIRECT_URL_LIFETIME)) != null) {
                lifetime = Duration.ofSeconds(settings.integer(DIRECT_URL_LIFETIME, 1, MAX_URL_LIFETIME));
            }
        } catch (PortalException e) {
            problems.add(e.getMessage());
        }
        TrustManager[] trust = Trust.load(settings, problems);
        if (!problems.isEmpty()) {
            throw PortalException.config("invalid configuration: " + String.join("; ", problems));
        }
        return new S3Options(region, host, blankToNull(settings.option(PROFILE)), accessKey, secretKey, pathStyle,
                settings.flag(CREATE_BUCKET) || settings.initialize(), policy, settings.flag(BUCKET_VERSIONING), proxy, nginx,
                prefix, partSize, lifetime, trust);
    }

    /** The host (and port) this storage talks to, as messages name it. */
    String endpointHost() {
        if (host != null) {
            return host.getPort() < 0 ? host.getHost() : host.getHost() + ":" + host.getPort();
        }
        return "s3." + (region == null ? "<region>" : region) + ".amazonaws.com";
    }

    /** The values that must never appear in a message. */
    List<String> secrets() {
        List<String> out = new ArrayList<>();
        if (accessKey != null) {
            out.add(accessKey);
        }
        if (secretKey != null) {
            out.add(secretKey);
        }
        return out;
    }

    @Override
    public String toString() {
        // Records print every component; these hold secrets.
        return "S3Options[region=" + region + ", host=" + host + ", profile=" + profile + ", pathStyle=" + pathStyle
                + ", proxy=" + proxy + ", prefix=" + prefix + "]";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
