package dev.portalkit.runtime.files;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.files.OwnerGetter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The owner getters of the portal model's entities, for the File API's owners of files. */
final class ModelOwners {
    private ModelOwners() {
    }

    /** Owners of the portal model, looked up through its show actions (auth skipped; deleted ones are not found). */
    static Map<String, OwnerGetter> getters() {
        Map<String, OwnerGetter> getters = new LinkedHashMap<>();
        for (String type : List.of("package", "resource", "group", "organization", "user")) {
            getters.put(type, viaShowAction(type + "_show"));
        }
        // Images of organizations are owned by type "group" (CKAN keeps both in one table).
        OwnerGetter group = getters.get("group");
        OwnerGetter organization = getters.get("organization");
        getters.put("group", (ctx, id) -> {
            Optional<Map<String, Object>> found = group.find(ctx, id);
            return found.isPresent() ? found : organization.find(ctx, id);
        });
        // The site's admin uploads (the logo config_option_update stores): one owner, "site".
        getters.put("admin", (ctx, id) -> "site".equals(id) ? Optional.of(Map.of("id", "site")) : Optional.empty());
        return getters;
    }

    private static OwnerGetter viaShowAction(String action) {
        return (ctx, id) -> {
            try {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("id", id);
                Object found = ctx.withIgnoreAuth(true).call(action, data);
                if (found instanceof Map<?, ?> m && !"deleted".equals(m.get("state"))) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> owner = (Map<String, Object>) m;
                    return Optional.of(owner);
                }
                return Optional.empty();
            } catch (PortalException e) {
                if (e.kind() == ErrorKind.NOT_FOUND) {
                    return Optional.empty();
                }
                throw e;
            }
        };
    }

}
