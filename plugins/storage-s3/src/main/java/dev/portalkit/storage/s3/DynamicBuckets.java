package dev.portalkit.storage.s3;

import dev.portalkit.api.files.FilesException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.Bucket;

/**
 * {@code files:s3-dynamic}: a bucket per period of the {@link BucketTemplate}. New files go to the
 * bucket of the current period (by the storage's clock); each file records its bucket, so files of
 * past periods stay readable. With {@code create_bucket}, a task owned by the storage, started and
 * stopped with it, creates the bucket of the next period {@code create_ahead} before the period
 * begins (and the current one if missing), every {@code check_interval}; a new bucket gets the
 * policy, versioning and the CORS rules of the bucket before it.
 */
final class DynamicBuckets implements Buckets {
    private static final Logger LOG = Logger.getLogger(DynamicBuckets.class.getName());

    private final String storage;
    private final BucketTemplate template;
    private final Clock clock;
    private final BucketAdmin admin;
    private final S3Connection connection;
    private final S3Failures failures;
    private final boolean createBuckets;
    private final Duration ahead;
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;

    DynamicBuckets(String storage, BucketTemplate template, Clock clock, BucketAdmin admin, S3Connection connection,
                   S3Failures failures, boolean createBuckets, Duration ahead, Duration checkInterval) {
        this.storage = storage;
        this.template = template;
        this.clock = clock;
        this.admin = admin;
        this.connection = connection;
        this.failures = failures;
        this.createBuckets = createBuckets;
        this.ahead = ahead;
        if (createBuckets) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "s3-dynamic-buckets-" + storage);
                t.setDaemon(true);
                return t;
            });
            // At start (now, before the storage is used): the current and, if due, the next period's bucket.
            createDueQuietly();
            scheduler.scheduleWithFixedDelay(this::createDueQuietly, checkInterval.toMillis(), checkInterval.toMillis(),
                    TimeUnit.MILLISECONDS);
        } else {
            scheduler = null;
        }
    }

    @Override
    public String forWrite() {
        String bucket = template.bucketAt(clock.instant());
        if (createBuckets && !known.contains(bucket)) {
            // The task normally created it ahead of time; if not (it failed, or the storage just started), now.
            admin.create(bucket, template.bucketAt(previousPeriod(clock.instant())));
            known.add(bucket);
        }
        return bucket;
    }

    /**
     * Creates the buckets that are due: the current period's, and the next period's once its start
     * is less than {@code create_ahead} away.
     *
     * @return the buckets created
     */
    List<String> createDue() {
        Instant now = clock.instant();
        List<String> created = new ArrayList<>();
        String current = template.bucketAt(now);
        if (!known.contains(current)) {
            if (admin.create(current, template.bucketAt(previousPeriod(now)))) {
                created.add(current);
            }
            known.add(current);
        }
        Instant next = template.nextPeriodStart(now);
        if (!next.isAfter(now.plus(ahead))) {
            String upcoming = template.bucketAt(next);
            if (!known.contains(upcoming)) {
                if (admin.create(upcoming, current)) {
                    created.add(upcoming);
                }
                known.add(upcoming);
            }
        }
        return created;
    }

    private void createDueQuietly() {
        if (Thread.currentThread().isInterrupted()) {
            return;
        }
        try {
            List<String> created = createDue();
            if (!created.isEmpty()) {
                LOG.info(() -> "storage " + storage + ": created bucket(s) " + String.join(", ", created));
            }
        } catch (FilesException | SdkException e) {
            LOG.warning("storage " + storage + ": creating the buckets due failed (tried again in a while): " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warning("storage " + storage + ": creating the buckets due failed: " + e);
        }
    }

    /** A moment in the period before the one that contains {@code now}. */
    private Instant previousPeriod(Instant now) {
        return template.periodStart(now).minusSeconds(1);
    }

    @Override
    public List<String> all() {
        try {
            List<String> out = new ArrayList<>();
            for (Bucket bucket : connection.client.listBuckets().buckets()) {
                if (template.owns(bucket.name())) {
                    out.add(bucket.name());
                }
            }
            out.sort(Comparator.naturalOrder());
            return out;
        } catch (SdkException e) {
            throw failures.of("listing buckets", null, "(all)", e);
        }
    }

    @Override
    public boolean createContainer() {
        known.clear();
        return !createDue().isEmpty();
    }

    @Override
    public void configureCors(List<String> origins) {
        // The current bucket, and the next one if it exists already; buckets created later copy these rules.
        Instant now = clock.instant();
        String current = template.bucketAt(now);
        if (!admin.exists(current)) {
            throw FilesException.backend(storage, "bucket " + current + " of the current period does not exist yet "
                    + "(create it with `portalkit files create-container -s " + storage + "`)", null);
        }
        admin.configureCors(current, origins);
        String next = template.bucketAt(template.nextPeriodStart(now));
        if (admin.exists(next)) {
            admin.configureCors(next, origins);
        }
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
