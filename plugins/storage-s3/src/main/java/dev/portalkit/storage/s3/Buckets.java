package dev.portalkit.storage.s3;

import dev.portalkit.api.files.FileData;
import java.util.List;

/** Which bucket a storage writes to and reads from: one fixed bucket, or one per period. */
interface Buckets extends AutoCloseable {
    /** The key of {@link FileData#storageData()} that records a file's bucket. */
    String BUCKET = "bucket";

    /** The bucket new files go to (created first when the storage creates buckets). */
    String forWrite();

    /** The bucket of a file: the one recorded with it, else the one new files go to. */
    default String forRead(FileData data) {
        Object recorded = data.storageData().get(BUCKET);
        return recorded instanceof String name && !name.isBlank() ? name : forWrite();
    }

    /** Every existing bucket of the storage, oldest first (what a scan covers). */
    List<String> all();

    /** Creates the storage's bucket(s) if missing; true when one was created. */
    boolean createContainer();

    /** Replaces the CORS rules of the storage's bucket(s). */
    void configureCors(List<String> origins);

    @Override
    default void close() {
    }

    /** {@code files:s3}: one bucket. */
    final class Fixed implements Buckets {
        private final String bucket;
        private final BucketAdmin admin;

        Fixed(String bucket, BucketAdmin admin) {
            this.bucket = bucket;
            this.admin = admin;
        }

        @Override
        public String forWrite() {
            return bucket;
        }

        @Override
        public List<String> all() {
            return List.of(bucket);
        }

        @Override
        public boolean createContainer() {
            return admin.create(bucket, null);
        }

        @Override
        public void configureCors(List<String> origins) {
            admin.configureCors(bucket, origins);
        }
    }
}
