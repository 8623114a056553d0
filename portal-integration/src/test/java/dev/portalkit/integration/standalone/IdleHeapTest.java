package dev.portalkit.integration.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** IdleHeap sets G1's idle-time uncommit flags that are still at their defaults, and leaves given ones alone. */
class IdleHeapTest {
    @Test
    void setsTheManageableFlagsOnG1ThenLengthensThePeriod() throws InterruptedException {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        boolean g1 = "true".equals(vm.getVMOption("UseG1GC").getValue());
        Map<String, String> set = IdleHeap.apply(Duration.ofMillis(300));
        if (!g1) {
            assertThat(set).isEmpty();
            return;
        }
        for (Map.Entry<String, String> e : set.entrySet()) {
            assertThat(vm.getVMOption(e.getKey()).getValue()).as(e.getKey()).isEqualTo(e.getValue());
        }
        // Either this call set the periodic collection, or an earlier one (same JVM) or the command line did.
        assertThat(Long.parseLong(vm.getVMOption("G1PeriodicGCInterval").getValue())).isPositive();
        assertThat(Integer.parseInt(vm.getVMOption("MaxHeapFreeRatio").getValue()))
                .isLessThanOrEqualTo(set.containsKey("MaxHeapFreeRatio") ? IdleHeap.MAX_FREE : 100);
        // A second call finds its own values, not defaults, and sets nothing again.
        assertThat(IdleHeap.apply()).isEmpty();
        if (set.containsKey("G1PeriodicGCInterval")) {
            assertThat(vm.getVMOption("G1PeriodicGCInterval").getValue()).isEqualTo(Long.toString(IdleHeap.PERIODIC_GC_MS));
            String interval = null;
            for (int i = 0; i < 100; i++) { // up to 10 s
                interval = vm.getVMOption("G1PeriodicGCInterval").getValue();
                if (!interval.equals(Long.toString(IdleHeap.PERIODIC_GC_MS))) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(interval).isEqualTo(Long.toString(IdleHeap.IDLE_PERIODIC_GC_MS));
        }
    }
}
