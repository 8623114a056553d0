package dev.portalkit.runtime.model;

import dev.portalkit.runtime.testing.PortalTestBase;
import java.util.List;
import java.util.Map;

/**
 * The portal model's tests: one real portal per test class and database ({@link PortalTestBase}),
 * and datasets with a link resource.
 */
abstract class ModelTestBase extends PortalTestBase {
    protected Map<String, Object> newDataset(Map<String, Object> org, boolean isPrivate) {
        return dict("package_create", SYSADMIN, map("name", unique("ds"), "title", "A dataset", "owner_org", org.get("id"),
                "private", isPrivate, "resources", List.of(map("name", "data.csv", "url", "http://example.org/data.csv"))));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> resourcesOf(Map<String, Object> dataset) {
        return (List<Map<String, Object>>) dataset.get("resources");
    }
}
