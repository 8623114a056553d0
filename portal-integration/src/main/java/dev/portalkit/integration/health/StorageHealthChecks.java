package dev.portalkit.integration.health;

import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.Location;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.files.StorageMonitoring;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness, one check per open storage, named {@code storage:<name>}: the storage's server
 * answers a cheap request, whether a fixed probe location exists (an S3 HEAD, an Azure blob
 * property read, a Redis EXISTS, a file system stat); the answer itself does not matter, only
 * that one came, within {@link PortalHealth#PROBE_TIMEOUT}. A storage that cannot tell whether a
 * file exists is UP with {@code probe: none}. Data: the storage's type, never its credentials.
 */
@Readiness
@ApplicationScoped
public class StorageHealthChecks implements HealthCheckGroup {
    /** The location asked about; it need not exist. */
    static final Location PROBE_LOCATION = new Location("portalkit-health-probe");

    @Inject
    Portal portal;

    @Inject
    PortalHealth health;

    private final Map<String, TimedProbe> probes = new ConcurrentHashMap<>();

    @Override
    public String groupName() {
        return "storages";
    }

    @Override
    public List<HealthCheckResponse> responses() {
        List<HealthCheckResponse> out = new ArrayList<>();
        for (Map.Entry<String, ManagedStorage> e : StorageMonitoring.open(portal).entrySet()) {
            ManagedStorage storage = e.getValue();
            out.add(probes.computeIfAbsent(e.getKey() + "\u0000" + System.identityHashCode(storage), k -> new TimedProbe(
                    "storage:" + e.getKey(), PortalHealth.PROBE_TIMEOUT, PortalHealth.PROBE_CACHE, () -> probe(storage),
                    health.probeThreads())).call());
        }
        return out;
    }

    private static Map<String, Object> probe(ManagedStorage storage) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", storage.settings().type());
        if (storage.supports(Capability.EXISTS)) {
            storage.manager().exists(FileData.of(PROBE_LOCATION));
        } else {
            data.put("probe", "none");
        }
        return data;
    }
}
