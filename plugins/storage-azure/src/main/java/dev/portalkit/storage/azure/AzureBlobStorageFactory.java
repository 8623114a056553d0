package dev.portalkit.storage.azure;

import dev.portalkit.storage.support.Trust;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import java.net.URI;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code files:azure_blob} adapter: files as block blobs in one container of an Azure Storage
 * account (or Azurite). One storage per configured name; several storages may share a container
 * with different {@code prefix}es.
 *
 * <p>Credentials, exactly one of: {@code connection_string}; {@code account_name} +
 * {@code account_key}; {@code sas_token} (with {@code account_name} or {@code endpoint}). Only a
 * shared key (a connection string with an {@code AccountKey}, or {@code account_key}) can sign
 * the SAS URLs of temporal links and redirected downloads.
 */
public final class AzureBlobStorageFactory implements StorageFactory {
    public static final String TYPE = "files:azure_blob";

    static final String CONTAINER = "container";
    static final String CONNECTION_STRING = "connection_string";
    static final String ACCOUNT_NAME = "account_name";
    static final String ACCOUNT_KEY = "account_key";
    static final String SAS_TOKEN = "sas_token";
    static final String ENDPOINT = "endpoint";
    static final String CREATE_CONTAINER = "create_container";
    static final String PREFIX = "prefix";
    static final String DOWNLOAD = "download";
    static final String BLOCK_SIZE = "block_size";
    static final String MAX_RETRIES = "max_retries";
    static final String DIRECT_URL_LIFETIME = "direct_url_lifetime";
    static final int DEFAULT_URL_LIFETIME = 3600;
    /** The longest lifetime of the SAS URLs of direct uploads: 7 days. */
    static final int MAX_URL_LIFETIME = 7 * 24 * 3600;

    /** Largest block Azure accepts (service versions since 2019-12-12). */
    static final long MAX_BLOCK_SIZE = 4000L * 1024 * 1024;
    /** Largest block_size: an upload holds one block in memory. */
    static final long MAX_BUFFERED_BLOCK = 256L * 1024 * 1024;

    /**
     * The JDK HTTP client sets Content-Length itself and refuses it as a request header; the SDK
     * sets it on every upload and then warns, once per request, that it was dropped. Only that
     * logger is quieted (JUL holds loggers weakly: keep it).
     */
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(AzureBlobStorageFactory.class.getName());
    private static final java.util.logging.Logger RESTRICTED_HEADER_WARNINGS = java.util.logging.Logger.getLogger(
            com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder.class.getPackageName() + ".JdkHttpClient");

    static {
        RESTRICTED_HEADER_WARNINGS.setLevel(java.util.logging.Level.SEVERE);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "Block blobs in an Azure Storage container (or Azurite)";
    }

    @Override
    public List<ConfigOption> options() {
        List<ConfigOption> out = new ArrayList<>(List.of(
                ConfigOption.of(CONTAINER, "Name of the blob container (3-63 lower case letters, digits and dashes).").asRequired(),
                ConfigOption.of(CONNECTION_STRING, "Connection string of the storage account "
                        + "(DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;EndpointSuffix=...). "
                        + "Alternative to account_name + account_key or sas_token.").asSecret(),
                ConfigOption.of(ACCOUNT_NAME, "Storage account name, with account_key or sas_token."),
                ConfigOption.of(ACCOUNT_KEY, "Shared key of the account (base64), with account_name.").asSecret(),
                ConfigOption.of(SAS_TOKEN, "A SAS token (account or container SAS with read, write, delete, list) instead of a key. "
                        + "Without a key the storage cannot make temporal links; downloads are then streamed.").asSecret(),
                ConfigOption.of(ENDPOINT, "Blob service endpoint, e.g. http://127.0.0.1:10000/devstoreaccount1 for Azurite or a "
                        + "sovereign cloud's https://<account>.blob.core.chinacloudapi.cn. Default: "
                        + "https://<account_name>.blob.core.windows.net, or the connection string's."),
                ConfigOption.of(CREATE_CONTAINER, "Create the container at start if it does not exist (the common initialize "
                        + "option does too); public storages get one with public read access to blobs.")
                        .type(ConfigType.BOOLEAN).defaultValue("false"),
                ConfigOption.of(PREFIX, "Folder inside the container for this storage's blobs, e.g. resources/ (several storages "
                        + "may share a container). Empty: the container's root.").defaultValue(""),
                ConfigOption.of(DOWNLOAD, "How downloads leave: redirect (to a short-lived SAS URL carrying the file name and type; "
                        + "needs a shared key) or proxy (streamed through the portal).").defaultValue("redirect").oneOf("redirect", "proxy"),
                ConfigOption.of(BLOCK_SIZE, "Block size of uploads: files are sent in blocks of this size (one block in memory "
                        + "per upload), 64KiB to 256MiB; at most 50,000 blocks make a blob, so 8MiB allows 390 GiB.")
                        .type(ConfigType.SIZE).defaultValue("8MiB"),
                ConfigOption.of(MAX_RETRIES, "Retries of a failed request (exponential back-off from 0.5 s, at most 30 s) before "
                        + "the operation fails as transient.").type(ConfigType.INT).defaultValue("3"),
                ConfigOption.of(DIRECT_URL_LIFETIME, "Seconds the SAS URLs of direct uploads (files_multipart_start with "
                        + "direct=true; needs a shared key) work, 1 to 604800 (7 days); files_multipart_refresh signs new ones.")
                        .type(ConfigType.INT).defaultValue(Integer.toString(DEFAULT_URL_LIFETIME))));
        out.addAll(Trust.declarations());
        return List.copyOf(out);
    }

    @Override
    public Storage create(StorageSettings settings) {
        return create(settings, Clock.systemUTC());
    }

    /** With the clock that dates SAS links (tests move it). */
    static AzureBlobStorage create(StorageSettings settings, Clock clock) {
        AzureConnection connection = AzureConnection.of(settings);
        AzureBlobStorage storage = new AzureBlobStorage(settings, connection, clock);
        try {
            boolean create = settings.flag(CREATE_CONTAINER) || settings.initialize();
            if (create) {
                try {
                    storage.createContainer();
                } catch (RuntimeException e) {
                    throw PortalException.config(settings.key(CONTAINER) + ": cannot create container '" + connection.container() + "' at "
                            + connection.endpoint() + ": " + connection.redact(e instanceof PortalException ? e.getMessage() : AzureFailures.describe(e)));
                }
            } else {
                checkContainer(settings, connection, storage);
            }
            return storage;
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
    }

    /**
     * A missing or unreachable container is worth a warning at start, not a portal that does not
     * start: {@code portalkit files create-container} opens the storage to create it, and an account
     * that is down for a moment should not keep the rest of the portal down.
     */
    private static void checkContainer(StorageSettings settings, AzureConnection connection, AzureBlobStorage storage) {
        try {
            if (!storage.containerClient().exists()) {
                LOG.warning("storage " + settings.name() + ": container " + connection.container() + " does not exist at "
                        + connection.endpoint() + "; create it with `portalkit files create-container -s " + settings.name()
                        + "` or set " + settings.key(CREATE_CONTAINER) + " = true");
            }
        } catch (RuntimeException e) {
            LOG.warning("storage " + settings.name() + ": cannot check container " + connection.container() + " at "
                    + connection.endpoint() + " at start: " + connection.redact(AzureFailures.describe(e)));
        }
    }

    /** The account, credentials and container of one storage, validated; knows its secrets to redact them. */
    record AzureConnection(String container, String endpoint, String prefix, long blockSize, int maxRetries, boolean redirect,
                           String connectionString, String accountName, String accountKey, String sasToken,
                           Duration directUrlLifetime, TrustManager[] trust, String caBundleKey) {

        static AzureConnection of(StorageSettings s) {
            List<String> problems = new ArrayList<>();
            String container = s.option(CONTAINER);
            if (container != null && !container.matches("\\$root|[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")) {
                problems.add(s.key(CONTAINER) + ": '" + container + "' is not a container name (3-63 lower case letters, digits "
                        + "and single dashes, starting and ending with a letter or digit)");
            }
            String connectionString = blankToNull(s.secret(CONNECTION_STRING));
            String accountName = blankToNull(s.option(ACCOUNT_NAME));
            String accountKey = blankToNull(s.secret(ACCOUNT_KEY));
            String sasToken = blankToNull(s.secret(SAS_TOKEN));
            if (sasToken != null && sasToken.startsWith("?")) {
                sasToken = sasToken.substring(1);
            }
            String endpoint = blankToNull(s.option(ENDPOINT));
            int credentials = (connectionString != null ? 1 : 0) + (accountKey != null ? 1 : 0) + (sasToken != null ? 1 : 0);
            if (credentials != 1) {
                problems.add(s.key(CONNECTION_STRING) + ": give exactly one of " + s.key(CONNECTION_STRING) + ", "
                        + s.key(ACCOUNT_KEY) + " (with " + s.key(ACCOUNT_NAME) + ") or " + s.key(SAS_TOKEN)
                        + (credentials == 0 ? "" : " (several are set)"));
            }
            if (accountKey != null && accountName == null) {
                problems.add(s.key(ACCOUNT_NAME) + ": missing value (" + s.key(ACCOUNT_KEY) + " needs it)");
            }
            if (sasToken != null && accountName == null && endpoint == null) {
                problems.add(s.key(ENDPOINT) + ": missing value (" + s.key(SAS_TOKEN) + " needs " + s.key(ACCOUNT_NAME) + " or "
                        + s.key(ENDPOINT) + ")");
            }
            if (connectionString != null && accountName != null) {
                problems.add(s.key(ACCOUNT_NAME) + ": the connection string names the account; give " + s.key(ACCOUNT_NAME)
                        + " only with " + s.key(ACCOUNT_KEY) + " or " + s.key(SAS_TOKEN));
            }
            if (connectionString != null) {
                String fromString = connectionStringValue(connectionString, "BlobEndpoint");
                String name = connectionStringValue(connectionString, "AccountName");
                if (endpoint == null) {
                    if (fromString != null) {
                        endpoint = fromString;
                    } else if (name != null) {
                        String protocol = valueOr(connectionStringValue(connectionString, "DefaultEndpointsProtocol"), "https");
                        String suffix = valueOr(connectionStringValue(connectionString, "EndpointSuffix"), "core.windows.net");
                        endpoint = protocol + "://" + name + ".blob." + suffix;
                    }
                }
                if (endpoint == null) {
                    problems.add(s.key(CONNECTION_STRING) + ": names neither AccountName nor BlobEndpoint");
                }
                accountName = name;
                // A shared key in the connection string signs SAS links like account_key.
                accountKey = connectionStringValue(connectionString, "AccountKey");
                if (accountKey == null) {
                    sasToken = connectionStringValue(connectionString, "SharedAccessSignature");
                }
            } else if (endpoint == null && accountName != null) {
                endpoint = "https://" + accountName + ".blob.core.windows.net";
            }
            if (endpoint != null) {
                try {
                    URI uri = new URI(endpoint);
                    if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                            || uri.getHost() == null) {
                        problems.add(s.key(ENDPOINT) + ": '" + endpoint + "' is not an http(s) URL");
                    }
                } catch (URISyntaxException e) {
                    problems.add(s.key(ENDPOINT) + ": '" + endpoint + "' is not a URL");
                }
                while (endpoint.endsWith("/")) {
                    endpoint = endpoint.substring(0, endpoint.length() - 1);
                }
            }
            String prefix = valueOr(s.option(PREFIX), "").trim();
            if (!prefix.isEmpty()) {
                if (!prefix.endsWith("/")) {
                    prefix = prefix + "/";
                }
                String bare = prefix.substring(0, prefix.length() - 1);
                if (bare.startsWith("/") || bare.contains("//") || bare.contains("\\") || List.of(bare.split("/")).contains("..")
                        || List.of(bare.split("/")).contains(".")) {
                    problems.add(s.key(PREFIX) + ": '" + s.option(PREFIX) + "' is not a relative folder such as resources/");
                }
            }
            // The host applies the declared defaults; the fallbacks serve settings made without it (tests).
            long blockSize = 8L << 20;
            int maxRetries = 3;
            try {
                blockSize = blankToNull(s.option(BLOCK_SIZE)) == null ? blockSize : s.size(BLOCK_SIZE);
                if (blockSize < 64 * 1024 || blockSize > MAX_BUFFERED_BLOCK) {
                    problems.add(s.key(BLOCK_SIZE) + ": must be between 64KiB and 256MiB");
                }
            } catch (PortalException e) {
                problems.add(e.getMessage());
            }
            try {
                maxRetries = blankToNull(s.option(MAX_RETRIES)) == null ? maxRetries : s.integer(MAX_RETRIES, 0, 20);
            } catch (PortalException e) {
                problems.add(e.getMessage());
            }
            int lifetime = DEFAULT_URL_LIFETIME;
            try {
                lifetime = blankToNull(s.option(DIRECT_URL_LIFETIME)) == null ? lifetime
                        : s.integer(DIRECT_URL_LIFETIME, 1, MAX_URL_LIFETIME);
            } catch (PortalException e) {
                problems.add(e.getMessage());
            }
            TrustManager[] trust = Trust.load(s, problems);
            if (!problems.isEmpty()) {
                throw PortalException.config("invalid configuration: " + String.join("; ", problems));
            }
            boolean redirect = !"proxy".equals(valueOr(s.option(DOWNLOAD), "redirect").trim().toLowerCase(Locale.ROOT));
            return new AzureConnection(container, endpoint, prefix, blockSize, maxRetries, redirect, connectionString, accountName,
                    accountKey, sasToken, Duration.ofSeconds(lifetime), trust, s.key(Trust.CA_BUNDLE));
        }

        /** Whether SAS URLs can be signed here (a shared key is known). */
        boolean canSign() {
            return accountKey != null && accountName != null;
        }

        BlobServiceClient serviceClient(HttpClient http) {
            BlobServiceClientBuilder builder = new BlobServiceClientBuilder().httpClient(http)
                    .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, maxRetries + 1, (Integer) null, 500L, 30_000L, null));
            if (connectionString != null) {
                builder.connectionString(connectionString).endpoint(endpoint);
            } else if (accountKey != null) {
                builder.endpoint(endpoint).credential(new StorageSharedKeyCredential(accountName, accountKey));
            } else {
                builder.endpoint(endpoint).sasToken(sasToken);
            }
            return builder.buildClient();
        }

        /** The HTTP client of this storage: the JDK's, trusting ca_bundle / trust_store when set, else the JVM's trust. */
        HttpClient httpClient() {
            JdkHttpClientBuilder builder;
            if (trust == null) {
                builder = new JdkHttpClientBuilder();
            } else {
                try {
                    SSLContext context = SSLContext.getInstance("TLS");
                    context.init(null, trust, null);
                    builder = new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder().sslContext(context));
                } catch (GeneralSecurityException e) {
                    throw PortalException.config(caBundleKey + ": cannot make a TLS context of the certificates (" + e.getMessage() + ")");
                }
            }
            return builder.connectionTimeout(Duration.ofSeconds(20)).build();
        }

        /** The host (and port) of the endpoint, as messages name it. */
        String endpointHost() {
            try {
                URI uri = new URI(endpoint);
                return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            } catch (URISyntaxException | RuntimeException e) {
                return endpoint;
            }
        }

        /** {@code text} with every secret of this connection replaced by {@code ***}. */
        String redact(String text) {
            return AzureFailures.redact(text, connectionString, accountKey, sasToken);
        }

        @Override
        public String toString() {
            return "azure container " + container + " at " + endpoint;
        }

        private static String connectionStringValue(String connectionString, String name) {
            for (String part : connectionString.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0 && part.substring(0, eq).trim().equalsIgnoreCase(name)) {
                    return blankToNull(part.substring(eq + 1).trim());
                }
            }
            return null;
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value.trim();
        }

        private static String valueOr(String value, String fallback) {
            return value == null || value.isBlank() ? fallback : value;
        }
    }
}
