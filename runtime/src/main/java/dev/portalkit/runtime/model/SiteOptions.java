package dev.portalkit.runtime.model;

import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.files.IUploader;
import dev.portalkit.api.files.Upload;
import dev.portalkit.runtime.core.CoreConfig;
import dev.portalkit.runtime.files.registry.StorageRoles;
import dev.portalkit.runtime.uploader.EntityUploads;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * CKAN's runtime-editable configuration: {@code config_option_update} stores the options of
 * {@link #EDITABLE} in the database (CKAN's {@code system_info} table), where they take precedence
 * over the config file for the portal that stored them (right after the commit) and for every
 * process at start or at its next upkeep. A {@code logo_upload} goes into the {@code admin}
 * storage through the image uploader (or a plugin's {@link IUploader}) and {@code portal.site_logo}
 * becomes its URL, as CKAN 2.12 stores the logo's permanent link; a replaced or cleared uploaded
 * logo is deleted after the commit.
 */
final class SiteOptions {
    /** The options a sysadmin may change while the portal runs (CKAN's update_configuration_schema, without theme and custom CSS). */
    static final List<String> EDITABLE = List.of(CoreConfig.SITE_TITLE, ModelConfig.SITE_DESCRIPTION, ModelConfig.SITE_LOGO,
            ModelConfig.SITE_ABOUT, ModelConfig.SITE_INTRO_TEXT);
    /** CKAN's fields of the logo upload. */
    static final String LOGO_UPLOAD = "logo_upload";
    static final String CLEAR_LOGO_UPLOAD = "clear_logo_upload";
    /** The owner id of the site's admin uploads (owner type {@code admin}). */
    static final String SITE = "site";
    /** Longest value of an option, in characters. */
    static final int MAX_VALUE = 100_000;

    private final ModelStore store;
    private final EntityUploads uploads;
    private final Consumer<Runnable> afterCommit;
    private final Consumer<Map<String, String>> apply;

    /**
     * @param afterCommit runs a step once the running call committed
     * @param apply       makes stored values the running portal's (the config's runtime values)
     */
    SiteOptions(ModelStore store, EntityUploads uploads, Consumer<Runnable> afterCommit, Consumer<Map<String, String>> apply) {
        this.store = store;
        this.uploads = uploads;
        this.afterCommit = afterCommit;
        this.apply = apply;
    }

    void register(Map<String, Action> actions, Map<String, AuthFunction> auth) {
        actions.put("config_option_update", Action.acceptingUploads(Action.withTaskQueue(this::update)));
        actions.put("config_option_list", Action.sideEffectFree((ctx, data) -> EDITABLE));
        // CKAN: sysadmins only (every model auth function lets them pass).
        auth.put("config_option_update", (ctx, data) -> AuthResult.deny(Permissions.who(ctx) + " is not authorized to update configuration options"));
        auth.put("config_option_list", (ctx, data) -> AuthResult.deny(Permissions.who(ctx) + " is not authorized to list configuration options"));
    }

    /** The stored values, by key (in the caller's transaction, or a short one of its own). */
    @SuppressWarnings("unchecked")
    Map<String, String> load() {
        return store.read(() -> {
            Map<String, String> values = new LinkedHashMap<>();
            for (Object[] row : (List<Object[]>) store.em().createNativeQuery(
                    "SELECT config_key, config_value FROM portal_system_info ORDER BY config_key").getResultList()) {
                values.put(String.valueOf(row[0]), String.valueOf(row[1]));
            }
            return values;
        });
    }

    private Object update(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> input = new LinkedHashMap<>(data);
        Upload logo = EntityUploads.takeUpload(input, LOGO_UPLOAD);
        boolean clear = EntityUploads.takeFlag(input, CLEAR_LOGO_UPLOAD);
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Object> errors = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : input.entrySet()) {
            // CKAN's names are accepted too: ckan.site_title is portal.site_title.
            String key = e.getKey().startsWith("ckan.") ? "portal." + e.getKey().substring("ckan.".length()) : e.getKey();
            Object value = e.getValue();
            if (!EDITABLE.contains(key)) {
                errors.put(e.getKey(), List.of("Configuration option '" + e.getKey() + "' can not be updated (these can: "
                        + String.join(", ", EDITABLE) + ")"));
            } else if (value != null && !(value instanceof String)) {
                errors.put(e.getKey(), List.of("Must be a string"));
            } else if (value != null && ((String) value).length() > MAX_VALUE) {
                errors.put(e.getKey(), List.of("Must be at most " + MAX_VALUE + " characters"));
            } else {
                values.put(key, value == null ? "" : ((String) value).strip());
            }
        }
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        String current = ctx.config().get(ModelConfig.SITE_LOGO).orElse("");
        if (logo != null) {
            IUploader.Handler handler = uploads.images(ctx, IUploader.ImageOwner.ADMIN, LOGO_UPLOAD);
            IUploader.Stored stored = handler.store(ctx, SITE, logo);
            releaseLogo(ctx, current);
            values.put(ModelConfig.SITE_LOGO, stored.fileId() == null ? stored.url()
                    : uploads.displayUrl(ctx, IUploader.ImageOwner.ADMIN, SITE, stored.url()));
        } else if (clear || (values.containsKey(ModelConfig.SITE_LOGO) && !values.get(ModelConfig.SITE_LOGO).equals(current))) {
            releaseLogo(ctx, current);
            if (clear) {
                values.put(ModelConfig.SITE_LOGO, values.getOrDefault(ModelConfig.SITE_LOGO, ""));
            }
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        for (Map.Entry<String, String> e : values.entrySet()) {
            store.em().createNativeQuery("DELETE FROM portal_system_info WHERE config_key = ?1").setParameter(1, e.getKey()).executeUpdate();
            store.em().createNativeQuery("INSERT INTO portal_system_info (config_key, config_value, modified) VALUES (?1, ?2, ?3)")
                    .setParameter(1, e.getKey()).setParameter(2, e.getValue()).setParameter(3, now).executeUpdate();
        }
        afterCommit.accept(() -> apply.accept(load()));
        return new LinkedHashMap<>(values);
    }

    /**
     * The logo {@code current} names is no longer used: a tracked file of the site's admin uploads
     * whose URL it is is deleted (its record now, its bytes after the commit); a logo a plugin's
     * uploader stored is handed to its remove. A plain link is left alone.
     */
    @SuppressWarnings("unchecked")
    private void releaseLogo(ActionContext ctx, String current) {
        if (current == null || current.isBlank()) {
            return;
        }
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("owner_type", EntityUploads.ownerType(IUploader.ImageOwner.ADMIN));
        query.put("owner_id", SITE);
        Object found = ctx.withIgnoreAuth(true).call("files_file_search", query);
        List<Map<String, Object>> files = new ArrayList<>();
        if (found instanceof Map<?, ?> m && m.get("results") instanceof List<?> results) {
            results.forEach(r -> files.add((Map<String, Object>) r));
        }
        for (Map<String, Object> file : files) {
            String location = String.valueOf(file.get("location"));
            String id = String.valueOf(file.get("id"));
            if (current.equals(location) || current.endsWith("/" + location) || current.endsWith("/" + id)) {
                uploads.release(ctx, null, SITE, new IUploader.Stored(current, id, -1, null, null));
                return;
            }
        }
        if (uploads.ownStorage(StorageRoles.Role.ADMIN).isEmpty()) {
            // A plugin's uploader may have stored it: it tells its own logos from links.
            IUploader.Handler remover = uploads.imageRemover(ctx, IUploader.ImageOwner.ADMIN, LOGO_UPLOAD);
            uploads.release(ctx, remover, SITE, new IUploader.Stored(current, null, -1, null, null));
        }
    }
}
