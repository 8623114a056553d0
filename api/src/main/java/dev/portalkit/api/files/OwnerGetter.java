package dev.portalkit.api.files;

import dev.portalkit.api.action.ActionContext;
import java.util.Map;
import java.util.Optional;

/** Looks up an owner entity of one owner type (package, resource, group, ...) by id. */
@FunctionalInterface
public interface OwnerGetter {
    Optional<Map<String, Object>> find(ActionContext context, String ownerId);
}
