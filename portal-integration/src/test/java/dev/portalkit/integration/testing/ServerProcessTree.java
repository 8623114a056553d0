package dev.portalkit.integration.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An app server a test started as a child process (WildFly's start script and its JVM, Payara
 * Micro's JVM): {@link #stop()} sends SIGTERM to it and to every process below it, gives them 30 s
 * each before killing them, and then runs a last clean-up of its own. It stops once, either when
 * asked or when the test JVM itself exits (a shutdown hook), so no server outlives the test run.
 */
final class ServerProcessTree {
    private final Process process;
    private final Runnable afterStop;
    private final Thread reaper;
    private final AtomicBoolean stopped = new AtomicBoolean();

    /**
     * @param name      the server's name, for the shutdown hook's thread
     * @param afterStop run once every process has ended (e.g. kill what a pid file names)
     */
    ServerProcessTree(Process process, String name, Runnable afterStop) {
        this.process = process;
        this.afterStop = afterStop;
        this.reaper = new Thread(this::stop, name + "-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() != reaper) {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException e) {
                // already shutting down: the hook would find the tree stopped
            }
        }
        List<ProcessHandle> below = new ArrayList<>(process.descendants().toList());
        process.destroy();
        below.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        for (ProcessHandle child : below) {
            try {
                child.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                child.destroyForcibly();
            }
        }
        afterStop.run();
    }
}
