package dev.portalkit.storage.s3;

import dev.portalkit.storage.support.Trust;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/** {@code files:s3}: objects in one S3 bucket. */
public final class S3StorageFactory implements StorageFactory {
    public static final String TYPE = "files:s3";
    static final String BUCKET = "bucket";
    private static final Logger LOG = Logger.getLogger(S3StorageFactory.class.getName());

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "Objects in an S3 bucket (AWS or an S3-compatible service)";
    }

    @Override
    public List<ConfigOption> options() {
        List<ConfigOption> out = new ArrayList<>();
        out.add(ConfigOption.of(BUCKET, "Name of the bucket.").asRequired());
        out.addAll(S3Options.declarations(false));
        return out;
    }

    @Override
    public Storage create(StorageSettings settings) {
        S3Options options = S3Options.parse(settings);
        String bucket = settings.option(BUCKET).trim();
        S3Failures failures = new S3Failures(settings.name(), options.secrets(), options.endpointHost(), settings.key(Trust.CA_BUNDLE));
        S3Connection connection = S3Connection.open(settings, options);
        try {
            BucketAdmin admin = new BucketAdmin(connection, options, failures);
            if (options.createBucket()) {
                admin.create(bucket, null);
            } else {
                checkBucket(settings, bucket, admin);
            }
            return new S3Storage(settings, options, connection, new Buckets.Fixed(bucket, admin), failures);
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** A missing or unreachable bucket is worth a warning at start, not a portal that does not start. */
    static void checkBucket(StorageSettings settings, String bucket, BucketAdmin admin) {
        try {
            if (!admin.exists(bucket)) {
                LOG.warning("storage " + settings.name() + ": bucket " + bucket + " does not exist; create it with `portalkit "
                        + "files create-container -s " + settings.name() + "` or set " + settings.key(S3Options.CREATE_BUCKET) + " = true");
            }
        } catch (PortalException e) {
            LOG.warning("storage " + settings.name() + ": cannot check bucket " + bucket + " at start: " + e.getMessage());
        }
    }
}
