package dev.portalkit.runtime.files.managed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.Manager;
import dev.portalkit.api.files.StorageReader;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.files.memory.MemoryStorage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The retry layer alone, over a {@code files:memory} adapter whose calls fail on demand: TRANSIENT
 * failures of calls that can be repeated are retried with a growing pause, other failures and
 * writes are not, and the last failure carries the earlier ones.
 */
class RetryLayerTest {
    private final StorageSettings settings = new StorageSettings("retried", null, "files:memory", 0, List.of(), false, List.of(),
            false, false, Set.of(), "md5", 0, Map.of());
    private final MemoryStorage adapter = new MemoryStorage(settings);
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();
    private ErrorKind failAs = ErrorKind.TRANSIENT;

    @AfterEach
    void close() {
        adapter.close();
    }

    /** Fails the next {@link #failures} calls with {@link #failAs}, counting every call. */
    private void maybeFail() {
        calls.incrementAndGet();
        if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new FilesException(failAs, "storage retried: the backend is down (call " + calls.get() + ")");
        }
    }

    private final Manager flakyManager = new Manager() {
        @Override
        public Set<Capability> capabilities() {
            return adapter.manager().capabilities();
        }

        @Override
        public boolean exists(FileData data) {
            maybeFail();
            return adapter.manager().exists(data);
        }

        @Override
        public boolean remove(FileData data) {
            maybeFail();
            return adapter.manager().remove(data);
        }

        @Override
        public FileData copy(Location target, FileData source, boolean overwrite) {
            maybeFail();
            return adapter.manager().copy(target, source, overwrite);
        }
    };

    private final StorageReader flakyReader = new StorageReader() {
        @Override
        public Set<Capability> capabilities() {
            return EnumSet.of(Capability.STREAM);
        }

        @Override
        public InputStream stream(FileData data) {
            maybeFail();
            return adapter.reader().stream(data);
        }
    };

    private FileData stored(String name, String content) {
        return adapter.uploader().upload(new Location(name), Upload.of(content.getBytes(StandardCharsets.UTF_8), name, "text/plain"), false);
    }

    @Test
    void aTransientFailureOfARepeatableCallIsRetriedUntilItWorks() throws Exception {
        FileData file = stored("a.txt", "hello");
        RetryLayer layer = new RetryLayer(2, Duration.ofMillis(1));
        failures.set(2);
        assertThat(layer.manager("retried", flakyManager).exists(file)).isTrue();
        assertThat(calls.get()).as("two failures, then the call that works").isEqualTo(3);
        failures.set(1);
        try (InputStream in = layer.reader("retried", flakyReader).stream(file)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        }
        assertThat(calls.get()).isEqualTo(5);
        failures.set(1);
        assertThat(layer.manager("retried", flakyManager).remove(file)).isTrue();
        assertThat(adapter.manager().exists(file)).isFalse();
    }

    @Test
    void pastItsRetriesTheLastFailureIsThrownWithTheEarlierOnes() {
        FileData file = stored("b.txt", "x");
        RetryLayer layer = new RetryLayer(2, Duration.ofMillis(1));
        failures.set(10);
        FilesException e = catchThrowableOfType(FilesException.class, () -> layer.manager("retried", flakyManager).exists(file));
        assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(e.getMessage()).contains("call 3");
        assertThat(calls.get()).as("one call and two retries").isEqualTo(3);
        assertThat(e.getSuppressed()).hasSize(1);
        assertThat(e.getSuppressed()[0].getMessage()).contains("call 1");
        assertThat(e.getSuppressed()[0].getSuppressed()[0].getMessage()).contains("call 2");
    }

    @Test
    void otherFailuresWritesAndALayerWithoutRetriesAreCalledOnce() {
        FileData file = stored("c.txt", "x");
        RetryLayer layer = new RetryLayer(3, Duration.ofMillis(1));
        failAs = ErrorKind.PERMISSION_DENIED;
        failures.set(1);
        assertThat(catchThrowableOfType(FilesException.class, () -> layer.manager("retried", flakyManager).exists(file)).kind())
                .isEqualTo(ErrorKind.PERMISSION_DENIED);
        assertThat(calls.get()).isEqualTo(1);

        failAs = ErrorKind.TRANSIENT;
        failures.set(1);
        assertThat(catchThrowableOfType(FilesException.class,
                () -> layer.manager("retried", flakyManager).copy(new Location("d.txt"), file, false))).isNotNull();
        assertThat(calls.get()).as("a copy is a write: not repeated").isEqualTo(2);

        failures.set(1);
        assertThat(RetryLayer.NONE.manager("retried", flakyManager)).isSameAs(flakyManager);
        assertThat(catchThrowableOfType(FilesException.class, () -> RetryLayer.NONE.manager("retried", flakyManager).exists(file)))
                .isNotNull();
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void thePauseDoublesFromTheFirstDelay() {
        FileData file = stored("e.txt", "x");
        RetryLayer layer = new RetryLayer(2, Duration.ofMillis(40));
        failures.set(2);
        long start = System.nanoTime();
        assertThat(layer.manager("retried", flakyManager).exists(file)).isTrue();
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(waitedMillis).as("40 ms, then 80 ms: at least their sum").isGreaterThanOrEqualTo(120);
    }
}
