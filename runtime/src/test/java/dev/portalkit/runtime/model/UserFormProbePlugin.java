package dev.portalkit.runtime.model;

import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.api.validation.IUserForm;
import dev.portalkit.api.validation.IValidators;
import dev.portalkit.api.validation.Invalid;
import dev.portalkit.api.validation.Schema;
import dev.portalkit.api.validation.Validator;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * A test plugin (enabled as "user-form-probe") changing the user schemas through {@link IUserForm}:
 * an {@code orcid} field, checked by its own validator, on user_create and user_update.
 */
@ApplicationScoped
public class UserFormProbePlugin implements PortalPlugin, IUserForm, IValidators {
    @Override
    public String name() {
        return "user-form-probe";
    }

    @Override
    public Schema createUserSchema(Schema schema) {
        return schema.with("orcid", "ignore_missing", "unicode_safe", "probe_orcid");
    }

    @Override
    public Schema updateUserSchema(Schema schema) {
        return createUserSchema(schema);
    }

    @Override
    public Map<String, Validator> validators() {
        return Map.of("probe_orcid", field -> {
            if (field.value() instanceof String s && !s.matches("\\d{4}-\\d{4}-\\d{4}-\\d{3}[\\dX]")) {
                throw new Invalid("Not an ORCID iD (0000-0002-1825-0097): " + s);
            }
        });
    }
}
