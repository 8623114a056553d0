package dev.portalkit.runtime.core;

import dev.portalkit.api.ValidationException;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.IActions;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.auth.IAuthFunctions;
import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.IConfigDeclarations;
import dev.portalkit.api.plugin.IMigrations;
import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.api.validation.IValidators;
import dev.portalkit.api.validation.Validator;
import dev.portalkit.api.validation.ValidatorFactory;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.action.ActionContextImpl;
import dev.portalkit.runtime.action.ActionDocs;
import dev.portalkit.runtime.action.ActionRegistry;
import dev.portalkit.runtime.config.PortalConfigImpl;
import dev.portalkit.runtime.job.JobActions;
import dev.portalkit.runtime.plugin.BuiltIn;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;

/** The core, as a built-in plugin: core actions, auth functions, validators, options and migrations. */
@BuiltIn
@ApplicationScoped
public class CorePlugin implements PortalPlugin, IActions, IAuthFunctions, IValidators, IConfigDeclarations, IMigrations {
    public static final String VERSION = "0.1.0";

    @Inject
    Portal portal;

    @Override
    public String name() {
        return "core";
    }

    @Override
    public String description() {
        return "Portalkit core: status, config, core validators and schemas, the task outbox, background jobs";
    }

    @Override
    public Map<String, Action> actions() {
        Map<String, Action> actions = new LinkedHashMap<>();
        actions.put("status_show", Action.sideEffectFree((ctx, data) -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("site_title", ctx.config().string(CoreConfig.SITE_TITLE));
            out.put("site_url", ctx.config().string(CoreConfig.SITE_URL));
            out.put("portalkit_version", VERSION);
            out.put("extensions", ctx.config().list(CoreConfig.PLUGINS));
            return out;
        }));
        actions.put("config_option_show", Action.sideEffectFree((ctx, data) -> {
            Object key = data.get("key");
            if (!(key instanceof String name) || name.isBlank()) {
                throw ValidationException.of("key", "Missing value");
            }
            PortalConfigImpl config = (PortalConfigImpl) ctx.config();
            ConfigOption option = config.declared().find(name);
            if (option == null) {
                throw PortalException.notFound("Configuration option '" + name + "' is not declared");
            }
            if (option.secret()) {
                throw PortalException.denied("Configuration option '" + name + "' is a secret");
            }
            return config.get(name).orElse(null);
        }));
        actions.put("help_show", Action.sideEffectFree((ctx, data) -> {
            Object name = data.get("name");
            if (!(name instanceof String action) || action.isBlank()) {
                throw ValidationException.of("name", "Missing value");
            }
            ActionRegistry.Entry entry = ((ActionContextImpl) ctx).dispatcher().actions().get(action);
            if (entry == null) {
                throw PortalException.notFound("Action '" + action + "' does not exist");
            }
            String documentation = entry.base().documentation();
            if (!documentation.isEmpty()) {
                return documentation;
            }
            // An undocumented action (a plugin's): what the registry knows about it.
            return "Action " + action + ": defined by plugin '" + entry.owner() + "'"
                    + (entry.wrappers().isEmpty() ? "" : ", wrapped by " + entry.wrappers().size() + " chained action(s)")
                    + (entry.base().supportsTasks() ? "; supports post-commit tasks" : "")
                    + (entry.base().sideEffectFree() ? "; side-effect free (GET or POST)" : "; POST only")
                    + (entry.base().acceptsUploads() ? "; takes file uploads" : "") + ".";
        }));
        actions.putAll(new JobActions(() -> portal.jobs()).actions());
        return ActionDocs.document(actions);
    }

    @Override
    public Map<String, AuthFunction> authFunctions() {
        Map<String, AuthFunction> auth = new LinkedHashMap<>();
        auth.put("status_show", AuthFunction.allowAnonymous((ctx, data) -> AuthResult.allow()));
        auth.put("help_show", AuthFunction.allowAnonymous((ctx, data) -> AuthResult.allow()));
        auth.put("config_option_show", (ctx, data) -> AuthResult.deny("Only sysadmins may read configuration options"));
        auth.putAll(JobActions.authFunctions());
        return auth;
    }

    @Override
    public Map<String, Validator> validators() {
        return CoreValidators.validators();
    }

    @Override
    public Map<String, ValidatorFactory> validatorFactories() {
        return CoreValidators.factories();
    }

    @Override
    public void declareConfig(ConfigDeclaration declaration) {
        CoreConfig.declare(declaration);
        dev.portalkit.runtime.cluster.ClusterNodes.declare(declaration);
    }

    @Override
    public String migrationLocation() {
        return "db/migration/core";
    }
}
