package dev.portalkit.storage.s3;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.StorageSettings;
import java.time.Duration;
import java.util.function.Supplier;
import javax.net.ssl.TrustManager;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The SDK objects of one storage: a synchronous {@link S3Client} over the Apache HttpClient 4 client (no
 * Netty; HttpClient 5 needs jdk.net, which WildFly hides from deployments), a presigner with the same endpoint, region and credentials, and the credentials
 * provider (static keys, a profile, or the SDK's default chain: environment, ~/.aws files,
 * container and instance roles).
 */
final class S3Connection implements AutoCloseable {
    final S3Client client;
    /**
     * The same client without retries, for requests whose body streams from the upload: once a
     * byte of it was sent it cannot be sent again, so the first failure is the one to report.
     */
    final S3Client streaming;
    final S3Presigner presigner;
    final Region region;
    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;

    private S3Connection(S3Client client, S3Client streaming, S3Presigner presigner, Region region, SdkHttpClient http,
                         AwsCredentialsProvider credentials) {
        this.client = client;
        this.streaming = streaming;
        this.presigner = presigner;
        this.region = region;
        this.http = http;
        this.credentials = credentials;
    }

    static S3Connection open(StorageSettings settings, S3Options options) {
        // The SDK finds its interceptors and helpers through the thread's context class loader; in a
        // plugin jar of its own (standalone portal) that must be the plugin's loader, not the host's.
        return withPluginClassLoader(() -> build(settings, options));
    }

    static <T> T withPluginClassLoader(Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(S3Connection.class.getClassLoader());
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static S3Connection build(StorageSettings settings, S3Options options) {
        Region region = region(settings, options);
        AwsCredentialsProvider credentials = options.accessKey() != null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(options.accessKey(), options.secretKey()))
                : options.profile() != null ? ProfileCredentialsProvider.builder().profileName(options.profile()).build()
                : DefaultCredentialsProvider.builder().build();
        ApacheHttpClient.Builder httpBuilder = ApacheHttpClient.builder();
        if (options.trust() != null) {
            // ca_bundle / trust_store: only these certificates, for this storage's connections only.
            TrustManager[] trust = options.trust();
            httpBuilder.tlsTrustManagersProvider(() -> trust);
        }
        SdkHttpClient http = httpBuilder
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60))
                .build();
        var presigner = S3Presigner.builder()
                .region(region)
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(options.pathStyle()).build());
        if (options.host() != null) {
            presigner.endpointOverride(options.host());
        }
        try {
            S3Client client = client(http, region, credentials, options).build();
            S3Client streaming = client(http, region, credentials, options)
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
            return new S3Connection(client, streaming, presigner.build(), region, http, credentials);
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
    }

    private static S3ClientBuilder client(SdkHttpClient http, Region region, AwsCredentialsProvider credentials, S3Options options) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(http)
                .region(region)
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(options.pathStyle()).build());
        if (options.host() != null) {
            builder.endpointOverride(options.host());
            // S3-compatible services often refuse the flexible checksums AWS added to every upload
            // (aws-chunked trailers); send checksums only where the API requires them.
            builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return builder;
    }

    private static Region region(StorageSettings settings, S3Options options) {
        if (options.region() != null) {
            return Region.of(options.region());
        }
        try {
            if (options.profile() != null) {
                return new AwsProfileRegionProvider(null, options.profile()).getRegion();
            }
            // With a custom host, only what is configured (AWS_REGION, aws.region, ~/.aws/config): no instance
            // metadata lookups for a service that is not AWS.
            return options.host() != null
                    ? new AwsRegionProviderChain(new SystemSettingsRegionProvider(), new AwsProfileRegionProvider()).getRegion()
                    : new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            if (options.host() != null) {
                return Region.US_EAST_1;
            }
            throw PortalException.config(settings.key(S3Options.REGION) + ": not set, and the SDK found no region "
                    + "(AWS_REGION, the profile's region)");
        }
    }

    @Override
    public void close() {
        presigner.close();
        streaming.close();
        client.close();
        http.close();
        if (credentials instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // nothing held that matters
            }
        }
    }
}
