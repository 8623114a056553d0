package dev.portalkit.runtime.files.content;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Cached pools of daemon helper threads that work beside a request thread (hashing, piping an upload). */
public final class HelperThreads {
    private HelperThreads() {
    }

    /** A cached pool whose threads are daemons named {@code <prefix>-<n>}. */
    public static ExecutorService pool(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
