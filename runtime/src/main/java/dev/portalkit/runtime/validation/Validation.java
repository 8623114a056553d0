package dev.portalkit.runtime.validation;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.validation.IDatasetForm;
import dev.portalkit.api.validation.IGroupForm;
import dev.portalkit.api.validation.IUserForm;
import dev.portalkit.api.validation.Schema;
import dev.portalkit.runtime.plugin.PluginSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The effective named schemas (core base schemas changed by every enabled schema modifier:
 * built-in plugins first, then configured plugins in {@code portal.plugins} order), compiled at
 * start so that a bad validator name fails start.
 */
public final class Validation {
    private final ValidatorRegistry registry;
    private final Map<String, Schema> schemas = new TreeMap<>();
    private final Map<String, CompiledSchema> compiled = new TreeMap<>();
    private final Map<Schema, CompiledSchema> adHoc = new ConcurrentHashMap<>();

    public Validation(PluginSet plugins, ValidatorRegistry registry, Map<String, Schema> base) {
        this.registry = registry;
        for (Map.Entry<String, Schema> e : base.entrySet()) {
            schemas.put(e.getKey(), modify(plugins, e.getKey(), e.getValue()));
        }
        Schema packageCreate = schemas.get("package_create");
        Schema packageUpdate = schemas.get("package_update");
        if (packageCreate != null && packageCreate.nested("resources") != null) {
            schemas.put("resource_create", packageCreate.nested("resources"));
        }
        if (packageUpdate != null && packageUpdate.nested("resources") != null) {
            schemas.put("resource_update", packageUpdate.nested("resources"));
        }
        schemas.forEach((name, schema) -> compiled.put(name, CompiledSchema.compile(schema, registry, "schema " + name)));
    }

    private static Schema modify(PluginSet plugins, String name, Schema schema) {
        Schema out = schema;
        switch (name) {
            case "package_create" -> out = apply(plugins, IDatasetForm.class, out, (p, s) -> p.createPackageSchema(s));
            case "package_update" -> out = apply(plugins, IDatasetForm.class, out, (p, s) -> p.updatePackageSchema(s));
            case "package_show" -> out = apply(plugins, IDatasetForm.class, out, (p, s) -> p.showPackageSchema(s));
            case "group_create" -> out = apply(plugins, IGroupForm.class, out, (p, s) -> p.createGroupSchema(s, false));
            case "group_update" -> out = apply(plugins, IGroupForm.class, out, (p, s) -> p.updateGroupSchema(s, false));
            case "group_show" -> out = apply(plugins, IGroupForm.class, out, (p, s) -> p.showGroupSchema(s, false));
            case "organization_create" -> out = apply(plugins, IGroupForm.class, out, (p, s) -> p.createGroupSchema(s, true));
            case "organization_update" -> out = apply(plugins, IGroupForm.class, out, (p, s) -> p.updateGroupSchema(s, true));
            case "organization_show" -> out = apply(plugins, IGroupForm.class, out, (p, s) -> p.showGroupSchema(s, true));
            case "user_create" -> out = apply(plugins, IUserForm.class, out, (p, s) -> p.createUserSchema(s));
            case "user_update" -> out = apply(plugins, IUserForm.class, out, (p, s) -> p.updateUserSchema(s));
            default -> {
            }
        }
        return out;
    }

    private static <T> Schema apply(PluginSet plugins, Class<T> point, Schema schema, BiFunction<T, Schema, Schema> step) {
        List<PluginSet.Named<T>> modifiers = new ArrayList<>(plugins.implementing(point).stream().filter(PluginSet.Named::builtIn).toList());
        modifiers.addAll(plugins.implementing(point).stream().filter(n -> !n.builtIn()).toList());
        Schema out = schema;
        for (PluginSet.Named<T> modifier : modifiers) {
            out = step.apply(modifier.plugin(), out);
            if (out == null) {
                throw PortalException.config("plugin '" + modifier.name() + "' returned no schema from " + point.getSimpleName());
            }
        }
        return out;
    }

    /** The effective schema of that name. */
    public Schema schema(String name) {
        Schema schema = schemas.get(name);
        if (schema == null) {
            throw PortalException.notFound("schema '" + name + "' does not exist (known: " + String.join(", ", schemas.keySet()) + ")");
        }
        return schema;
    }

    public Map<String, Object> validate(String schemaName, Map<String, Object> data, ActionContext context) {
        schema(schemaName);
        return compiled.get(schemaName).validate(data, context);
    }

    public Map<String, Object> validate(Schema schema, Map<String, Object> data, ActionContext context) {
        return adHoc.computeIfAbsent(schema, s -> CompiledSchema.compile(s, registry, "schema")).validate(data, context);
    }

    public ValidatorRegistry registry() {
        return registry;
    }
}
