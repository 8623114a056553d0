package dev.portalkit.storage.s3;

import dev.portalkit.storage.support.Trust;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileSystemSetting;

/**
 * {@code files:s3-dynamic}: a bucket per year, month or week, named from {@code bucket_template}
 * and made unguessable with {@code bucket_secret} (see {@link BucketTemplate}); files record their
 * bucket. The clock decides the period (the system's UTC clock in a portal; tests pass their own).
 */
public final class S3DynamicStorageFactory implements StorageFactory {
    public static final String TYPE = "files:s3-dynamic";
    static final String BUCKET_TEMPLATE = "bucket_template";
    static final String BUCKET_SECRET = "bucket_secret";
    static final String CREATE_AHEAD = "create_ahead";
    /** The property of an AWS profile that stands in for bucket_secret. */
    static final String PROFILE_SECRET = "portal_bucket_secret";
    /** Indico's name of that property, read too. */
    static final String INDICO_PROFILE_SECRET = "indico_bucket_secret";
    static final String CHECK_INTERVAL = "check_interval";

    private final Clock clock;

    public S3DynamicStorageFactory(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "Objects in a bucket per year, month or week (S3 or S3-compatible)";
    }

    @Override
    public List<ConfigOption> options() {
        List<ConfigOption> out = new ArrayList<>();
        out.add(ConfigOption.of(BUCKET_TEMPLATE, "Bucket name template with <year> and optionally <month> (01-12) or <week> "
                + "(ISO week; <year> is then the week's year), e.g. portal-files-<year>-<month>. The name gets a secret "
                + "suffix.").asRequired());
        out.add(ConfigOption.of(BUCKET_SECRET, "Secret (at least 8 characters) whose HMAC suffix makes bucket names "
                + "unguessable. Changing it makes the storage lose track of its buckets for new files (recorded files "
                + "keep their bucket). Default, as in Indico: " + PROFILE_SECRET + " (or " + INDICO_PROFILE_SECRET
                + ") of the AWS profile (profile, else AWS_PROFILE or default) in ~/.aws/credentials or ~/.aws/config.")
                .asSecret());
        out.add(ConfigOption.of(CREATE_AHEAD, "How long (in hours) before a period begins its bucket is created.")
                .type(ConfigType.INT).defaultValue("72"));
        out.add(ConfigOption.of(CHECK_INTERVAL, "How often (in seconds) the storage's task checks for buckets to create.")
                .type(ConfigType.INT).defaultValue("3600"));
        out.addAll(S3Options.declarations(true));
        return out;
    }

    @Override
    public Storage create(StorageSettings settings) {
        S3Options options = S3Options.parse(settings);
        String secret = settings.secret(BUCKET_SECRET);
        if (secret == null || secret.isBlank()) {
            secret = profileSecret(settings, options);
        }
        BucketTemplate.Result parsed = BucketTemplate.parse(settings.option(BUCKET_TEMPLATE).trim(), secret);
        if (parsed.problem() != null) {
            throw PortalException.config((parsed.problem().startsWith("bucket_secret") ? settings.key(BUCKET_SECRET)
                    : settings.key(BUCKET_TEMPLATE)) + ": " + parsed.problem());
        }
        int ahead = settings.integer(CREATE_AHEAD);
        int interval = settings.integer(CHECK_INTERVAL);
        if (ahead < 0) {
            throw PortalException.config(settings.key(CREATE_AHEAD) + ": must not be negative");
        }
        if (interval < 1) {
            throw PortalException.config(settings.key(CHECK_INTERVAL) + ": must be at least 1");
        }
        List<String> secrets = new ArrayList<>(options.secrets());
        secrets.add(secret);
        S3Failures failures = new S3Failures(settings.name(), secrets, options.endpointHost(), settings.key(Trust.CA_BUNDLE));
        S3Connection connection = S3Connection.open(settings, options);
        try {
            BucketAdmin admin = new BucketAdmin(connection, options, failures);
            DynamicBuckets buckets = new DynamicBuckets(settings.name(), parsed.template(), clock, admin, connection, failures,
                    options.createBucket(), Duration.ofHours(ahead), Duration.ofSeconds(interval));
            return new S3Storage(settings, options, connection, buckets, failures);
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * The bucket secret of the AWS profile of this storage (its {@code profile}, else the SDK's default:
     * AWS_PROFILE, aws.profile or {@code default}), from the credentials and config files, as Indico takes
     * {@code indico_bucket_secret} from its boto3 session's profile.
     */
    private static String profileSecret(StorageSettings settings, S3Options options) {
        String name = options.profile() != null ? options.profile()
                : ProfileFileSystemSetting.AWS_PROFILE.getStringValue().orElse("default");
        Optional<Profile> profile;
        try {
            profile = S3Connection.withPluginClassLoader(() -> ProfileFile.defaultProfileFile().profile(name));
        } catch (RuntimeException e) {
            throw PortalException.config(settings.key(BUCKET_SECRET) + ": not set, and the AWS profile files cannot be read ("
                    + e.getMessage() + ")");
        }
        return profile.flatMap(p -> p.property(PROFILE_SECRET).or(() -> p.property(INDICO_PROFILE_SECRET)))
                .filter(v -> !v.isBlank())
                .orElseThrow(() -> PortalException.config(settings.key(BUCKET_SECRET) + ": not set, and AWS profile " + name
                        + " has no " + PROFILE_SECRET + " or " + INDICO_PROFILE_SECRET + " (~/.aws/credentials, ~/.aws/config)"));
    }
}
