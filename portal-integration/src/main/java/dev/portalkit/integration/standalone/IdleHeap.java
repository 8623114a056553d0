package dev.portalkit.integration.standalone;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Lets an idle {@code serve} hand the heap it no longer uses back to the system (issue 16: idle
 * RSS under 250 MB with the README's plain {@code java -jar portalkit.jar serve}, no JVM options).
 * Start-up fills the heap with garbage (Weld, Hibernate and Flyway boot objects) and G1 keeps what
 * it committed; with these settings, once no collection has run for {@value #PERIODIC_GC_MS} ms (the
 * process is idle), G1 runs a concurrent cycle and uncommits the free part of the heap beyond
 * {@value #MAX_FREE}% (JEP 346). A busy server collects anyway, so the periodic cycle does not run
 * there. After {@value #SETTLE_S} s the interval becomes {@value #IDLE_PERIODIC_GC_MS} ms: the start-up
 * heap is back by then, and an idle node then spends one short cycle a minute instead of one every
 * few seconds (about 1 % of a core, measured). Only manageable flags are set, at run time, and only those still at their default: an
 * operator's {@code -XX:G1PeriodicGCInterval}, {@code -XX:MaxHeapFreeRatio} or
 * {@code -XX:MinHeapFreeRatio} win, and other collectors are left alone.
 */
final class IdleHeap {
    private static final Logger LOG = Logger.getLogger(IdleHeap.class.getName());
    static final long PERIODIC_GC_MS = 2_000;
    static final long IDLE_PERIODIC_GC_MS = 60_000;
    static final long SETTLE_S = 30;
    static final int MAX_FREE = 30;
    static final int MIN_FREE = 10;

    private IdleHeap() {
    }

    /** Sets what it can; returns the flags it set (empty when not on G1, or when all were given). */
    static Map<String, String> apply() {
        return apply(Duration.ofSeconds(SETTLE_S));
    }

    /** {@link #apply()}, with the periodic interval lengthened after {@code settle}. */
    static Map<String, String> apply(Duration settle) {
        Map<String, String> set = new LinkedHashMap<>();
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (vm == null || !"true".equals(vm.getVMOption("UseG1GC").getValue())) {
                return set;
            }
            // MinHeapFreeRatio must stay <= MaxHeapFreeRatio at each step: lower the minimum first.
            setIfDefault(vm, "MinHeapFreeRatio", Integer.toString(MIN_FREE), set);
            setIfDefault(vm, "MaxHeapFreeRatio", Integer.toString(MAX_FREE), set);
            setIfDefault(vm, "G1PeriodicGCInterval", Long.toString(PERIODIC_GC_MS), set);
            if (set.containsKey("G1PeriodicGCInterval")) {
                CompletableFuture.runAsync(() -> relax(vm), CompletableFuture.delayedExecutor(settle.toMillis(), TimeUnit.MILLISECONDS));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "cannot tune the idle heap: " + e.getMessage(), e);
        }
        return set;
    }

    /** The longer interval, unless someone changed ours meanwhile (e.g. with jcmd). */
    private static void relax(HotSpotDiagnosticMXBean vm) {
        try {
            if (Long.toString(PERIODIC_GC_MS).equals(vm.getVMOption("G1PeriodicGCInterval").getValue())) {
                vm.setVMOption("G1PeriodicGCInterval", Long.toString(IDLE_PERIODIC_GC_MS));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "cannot lengthen G1PeriodicGCInterval: " + e.getMessage(), e);
        }
    }

    private static void setIfDefault(HotSpotDiagnosticMXBean vm, String name, String value, Map<String, String> set) {
        VMOption option = vm.getVMOption(name);
        if (option.getOrigin() != VMOption.Origin.DEFAULT && option.getOrigin() != VMOption.Origin.ERGONOMIC) {
            return;
        }
        try {
            vm.setVMOption(name, value);
            set.put(name, value);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.FINE, "cannot set " + name + "=" + value + ": " + e.getMessage());
        }
    }
}
