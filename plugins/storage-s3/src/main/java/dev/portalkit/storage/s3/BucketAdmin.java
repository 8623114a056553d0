package dev.portalkit.storage.s3;

import java.util.List;
import java.util.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CORSRule;
import software.amazon.awssdk.services.s3.model.CreateBucketConfiguration;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * Creates buckets as a storage's options say (policy, versioning) and sets their CORS rules.
 */
final class BucketAdmin {
    private static final Logger LOG = Logger.getLogger(BucketAdmin.class.getName());

    /** Methods browsers use for direct and multipart uploads and downloads. */
    static final List<String> CORS_METHODS = List.of("GET", "PUT", "POST", "HEAD");
    /** Request headers of direct (presigned PUT / POST) and multipart uploads and of ranged downloads. */
    static final List<String> CORS_HEADERS = List.of("Authorization", "Content-Type", "Content-MD5", "Content-Disposition",
            "Content-Encoding", "Cache-Control", "Range", "x-amz-*");
    /** Response headers scripts may read: multipart clients need each part's ETag. */
    static final List<String> CORS_EXPOSED = List.of("ETag", "Content-Length", "Content-Range", "Content-Disposition",
            "x-amz-version-id");

    private final S3Connection connection;
    private final S3Options options;
    private final S3Failures failures;

    BucketAdmin(S3Connection connection, S3Options options, S3Failures failures) {
        this.connection = connection;
        this.options = options;
        this.failures = failures;
    }

    boolean exists(String bucket) {
        try {
            connection.client.headBucket(b -> b.bucket(bucket));
            return true;
        } catch (NoSuchBucketException e) {
            return false;
        } catch (SdkException e) {
            if (S3Failures.status(e) == 404) {
                return false;
            }
            throw failures.of("checking bucket " + bucket, null, bucket, e);
        }
    }

    /**
     * Creates {@code bucket} unless it exists, then applies the policy and versioning of the
     * options, and the CORS rules of {@code corsFrom} if given and it has any.
     *
     * @return whether it was created
     */
    boolean create(String bucket, String corsFrom) {
        if (exists(bucket)) {
            return false;
        }
        try {
            CreateBucketRequest.Builder request = CreateBucketRequest.builder().bucket(bucket);
            Region region = connection.region;
            if (options.host() == null && !Region.US_EAST_1.equals(region)) {
                request.createBucketConfiguration(CreateBucketConfiguration.builder()
                        .locationConstraint(BucketLocationConstraint.fromValue(region.id())).build());
            }
            connection.client.createBucket(request.build());
        } catch (BucketAlreadyOwnedByYouException e) {
            return false;
        } catch (SdkException e) {
            if (S3Failures.code(e).equals("BucketAlreadyOwnedByYou")) {
                return false;
            }
            throw failures.of("creating bucket " + bucket, null, bucket, e);
        }
        LOG.info(() -> "created bucket " + bucket);
        if (options.bucketPolicy() != null) {
            try {
                connection.client.putBucketPolicy(p -> p.bucket(bucket).policy(options.bucketPolicy()));
            } catch (SdkException e) {
                throw failures.of("bucket " + bucket + " was created, but applying " + S3Options.BUCKET_POLICY_FILE, null, bucket, e);
            }
        }
        if (options.bucketVersioning()) {
            try {
                connection.client.putBucketVersioning(v -> v.bucket(bucket)
                        .versioningConfiguration(c -> c.status(BucketVersioningStatus.ENABLED)));
            } catch (SdkException e) {
                throw failures.of("bucket " + bucket + " was created, but enabling versioning", null, bucket, e);
            }
        }
        if (corsFrom != null) {
            List<CORSRule> rules = corsRules(corsFrom);
            if (!rules.isEmpty()) {
                try {
                    connection.client.putBucketCors(c -> c.bucket(bucket).corsConfiguration(r -> r.corsRules(rules)));
                } catch (SdkException e) {
                    LOG.warning("bucket " + bucket + " was created, but copying the CORS rules of " + corsFrom + " failed: "
                            + failures.describe(e));
                }
            }
        }
        return true;
    }

    /** The CORS rules of {@code bucket}; none when it has none or is missing. */
    List<CORSRule> corsRules(String bucket) {
        try {
            return connection.client.getBucketCors(c -> c.bucket(bucket)).corsRules();
        } catch (SdkException e) {
            int status = S3Failures.status(e);
            if (status == 404 || status == 501) {
                return List.of();
            }
            throw failures.of("reading the CORS rules of bucket " + bucket, null, bucket, e);
        }
    }

    /** Replaces the CORS rules of {@code bucket} with one rule for {@code origins}. */
    void configureCors(String bucket, List<String> origins) {
        CORSRule rule = CORSRule.builder().allowedOrigins(origins).allowedMethods(CORS_METHODS).allowedHeaders(CORS_HEADERS)
                .exposeHeaders(CORS_EXPOSED).maxAgeSeconds(3000).build();
        try {
            connection.client.putBucketCors(c -> c.bucket(bucket).corsConfiguration(r -> r.corsRules(rule)));
        } catch (SdkException e) {
            throw failures.of("setting the CORS rules of bucket " + bucket, null, bucket, e);
        }
    }
}
