package dev.portalkit.example;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.ChainedAction;
import dev.portalkit.api.action.IActions;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.auth.ChainedAuthFunction;
import dev.portalkit.api.auth.IAuthFunctions;
import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.IConfigDeclarations;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.event.EntityEvent;
import dev.portalkit.api.event.IEntityHooks;
import dev.portalkit.api.files.IFiles;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.job.IJobs;
import dev.portalkit.api.job.JobHandler;
import dev.portalkit.api.plugin.IMigrations;
import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.api.task.ITasks;
import dev.portalkit.api.task.TaskHandler;
import dev.portalkit.api.validation.IDatasetForm;
import dev.portalkit.api.validation.IValidators;
import dev.portalkit.api.validation.Invalid;
import dev.portalkit.api.validation.Schema;
import dev.portalkit.api.validation.ValidatorFactory;
import dev.portalkit.api.web.IAuthenticator;
import dev.portalkit.api.web.IBlueprint;
import dev.portalkit.api.web.ITemplateHelpers;
import dev.portalkit.api.web.ITemplates;
import dev.portalkit.api.web.Routes;
import dev.portalkit.api.web.TemplateHelper;
import dev.portalkit.api.web.WebRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The example plugin: one of each extension point a portal plugin usually needs (all but
 * IGroupForm, IUserForm, IUploader and ISearchIndex, which its README points to). Read it with its
 * README, which walks through it as a tutorial.
 */
@ApplicationScoped
public class ExamplePlugin implements PortalPlugin, IActions, IAuthFunctions, IValidators, IDatasetForm, ITasks,
        IConfigDeclarations, IMigrations, IFiles, IEntityHooks, IJobs, ITemplates, ITemplateHelpers, IBlueprint, IAuthenticator {

    static final String GREETING = "portal.example.greeting";
    static final String REFUSED_TITLE_WORD = "portal.example.refused_title_word";

    // ---- PortalPlugin ------------------------------------------------------------------------

    @Override
    public String name() {
        return "example";
    }

    @Override
    public String description() {
        return "Example plugin: one of most extension points (see plugins/example/README.md)";
    }

    // ---- IConfigDeclarations: options under our own namespace ---------------------------------

    @Override
    public void declareConfig(ConfigDeclaration declaration) {
        declaration.namespace("portal.example.");
        declaration.option(ConfigOption.of(GREETING, "Greeting used by the example_hello action.").defaultValue("Hello"));
        declaration.option(ConfigOption.of(ExampleWeb.TRUSTED_HEADER, "A request header that names the signed-in user "
                + "(single sign-on by a proxy that sets it and strips it from clients' requests). Empty: off.").defaultValue(""));
        declaration.option(ConfigOption.of(REFUSED_TITLE_WORD, "The example plugin's before hook refuses datasets whose title"
                + " contains this word (any case); empty: refuses none.").defaultValue("embargoed"));
    }

    // ---- IMigrations: our own tables -----------------------------------------------------------

    @Override
    public String migrationLocation() {
        return "db/migration/example";
    }

    // ---- IActions: a new action, an action with a task queue, and a chained core action --------

    private static final Schema HELLO = Schema.empty().with("name", "default(world)", "unicode_safe");
    private static final Schema NOTE = Schema.empty()
            .with("body", "not_empty", "unicode_safe", "strip_value")
            .with("audits", "default(1)", "int_validator");
    private static final Schema STATS = Schema.empty().with("fail", "default(false)", "boolean_validator");

    @Override
    public Map<String, Action> actions() {
        Map<String, Action> actions = new LinkedHashMap<>();
        // sideEffectFree: it only reads, so GET may call it (other actions are POST only).
        // acceptingUploads: it takes (and ignores) file parts; bench/upload-1g.sh measures parsing and spooling with it.
        // documented: help_show returns the text and /api/openapi.json describes the action with it;
        // validating: the description shows the fields of the schema the action validates with.
        actions.put("example_hello", Action.documented("""
                Greets someone with the configured greeting (portal.example.greeting).

                Parameters: name (default "world"); file parts are accepted and ignored.
                Returns: the greeting, e.g. "Hello, world!".
                Who: anyone, anonymous callers included.""",
                Action.validating(HELLO, Action.sideEffectFree(Action.acceptingUploads((ctx, data) -> {
                    Map<String, Object> valid = ctx.validate(HELLO, data);
                    return ctx.config().string(GREETING) + ", " + valid.get("name") + "!";
                })))));
        // withTaskQueue: this action (and validators it runs) may queue post-commit tasks.
        actions.put("example_note_add", Action.documented("""
                Adds a note; after the commit, post-commit tasks write its audit rows.

                Parameters: body (required); audits (default 1): how many audit tasks to queue.
                Returns: {id, body, author}.
                Who: logged-in users.""", Action.validating(NOTE, Action.withTaskQueue(this::addNote))));
        actions.put("example_note_list", Action.documented("""
                Lists the notes, oldest first, with how many audit rows each has.

                Parameters: none.
                Returns: a list of {id, body, author, audits}.
                Who: anyone.""", Action.sideEffectFree((ctx, data) -> listNotes(ctx))));
        // Slow work goes to a background job: the response carries the job's id, a worker runs it later.
        actions.put("example_note_stats", Action.documented("""
                Queues a background job that counts the notes and their words (see job_show for its result).

                Parameters: fail (default false): make the job fail, to show retries.
                Returns: {job_id}.
                Who: logged-in users.""", Action.validating(STATS, this::enqueueNoteStats)));
        actions.put("example_upload_digest", Action.documented("""
                Reads an uploaded file as it streams in and returns its size and SHA-256.

                Parameters: upload (required): a file part (multipart/form-data).
                Returns: {filename, content_type, size, sha256}.
                Who: anyone.""", Action.acceptingUploads((ctx, data) -> UploadDigest.of(data.get("upload")))));
        actions.put("example_event_list", Action.documented("""
                Lists the entity events (datasets, files, ...) the plugin's IEntityHooks recorded, in order.

                Parameters: none.
                Returns: a list of {entity, operation, action, entity_id, user_name}.
                Who: sysadmins only.""", Action.sideEffectFree((ctx, data) -> listEvents(ctx))));
        return actions;
    }

    @Override
    public Map<String, ChainedAction> chainedActions() {
        // Wrap the core's status_show: call the rest of the chain, then add to its result.
        return Map.of("status_show", (next, ctx, data) -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> status = new LinkedHashMap<>((Map<String, Object>) next.call(ctx, data));
            status.put("example_chained", true);
            return status;
        });
    }

    private Object addNote(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate(NOTE, data);
        String id = UUID.randomUUID().toString();
        String author = ctx.user().map(u -> u.name()).orElse(null);
        try (PreparedStatement ps = ctx.jdbc().prepareStatement(
                "INSERT INTO example_note (id, body, author, created_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, (String) valid.get("body"));
            ps.setString(3, author);
            ps.setTimestamp(4, Timestamp.from(Instant.now()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new PortalException(ErrorKind.TRANSIENT, "cannot store the note: " + e.getMessage(), e);
        }
        int audits = ((Number) valid.get("audits")).intValue();
        for (int i = 0; i < audits; i++) {
            ctx.tasks().add("example_audit", Map.of("label", "audit-" + i));
        }
        if ("fail after queueing".equals(valid.get("body"))) {
            // Shows that queued tasks vanish with a failed action.
            throw PortalException.badRequest("the example action failed on purpose after queueing tasks");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", id);
        result.put("body", valid.get("body"));
        result.put("author", author);
        return result;
    }

    private static List<Map<String, Object>> listNotes(ActionContext ctx) {
        List<Map<String, Object>> notes = new ArrayList<>();
        Connection c = ctx.jdbc();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT n.id, n.body, n.author, (SELECT COUNT(*) FROM example_audit a WHERE a.note_id = n.id)"
                        + " FROM example_note n ORDER BY n.created_at");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Map<String, Object> note = new LinkedHashMap<>();
                note.put("id", rs.getString(1));
                note.put("body", rs.getString(2));
                note.put("author", rs.getString(3));
                note.put("audits", rs.getInt(4));
                notes.add(note);
            }
        } catch (SQLException e) {
            throw new PortalException(ErrorKind.TRANSIENT, "cannot read notes: " + e.getMessage(), e);
        }
        return notes;
    }

    // ---- ITasks: runs after example_note_add committed -----------------------------------------

    @Override
    public Map<String, TaskHandler> taskHandlers() {
        return Map.of("example_audit", run -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> note = (Map<String, Object>) run.actionResult();
            String previous = run.previousResult() == null ? null : String.valueOf(run.previousResult());
            try (PreparedStatement ps = run.context().jdbc().prepareStatement(
                    "INSERT INTO example_audit (id, note_id, queue_index, previous, created_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, UUID.randomUUID().toString());
                ps.setString(2, (String) note.get("id"));
                ps.setInt(3, run.index());
                ps.setString(4, previous);
                ps.setTimestamp(5, Timestamp.from(Instant.now()));
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new PortalException(ErrorKind.TRANSIENT, "cannot write the audit row: " + e.getMessage(), e);
            }
            return run.payload().get("label");
        });
    }

    // ---- IJobs: background jobs, run by a worker after the enqueuing action committed ----------

    private Object enqueueNoteStats(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate(STATS, data);
        // Written in this action's transaction: if the action failed after this line, the job would vanish with it.
        String jobId = ctx.jobs().enqueue("default", "example_note_stats", "Count the example notes' words",
                Map.of("fail", valid.get("fail")));
        return Map.of("job_id", jobId);
    }

    @Override
    public Map<String, JobHandler> jobHandlers() {
        return Map.of("example_note_stats", run -> {
            if (Boolean.TRUE.equals(run.payload().get("fail"))) {
                // Shows a failing job: retried (portal.jobs.max_attempts), then dead-lettered with this message.
                throw PortalException.badRequest("the example job failed on purpose (attempt " + run.attempt() + ")");
            }
            long notes = 0;
            long words = 0;
            try (PreparedStatement ps = run.context().jdbc().prepareStatement("SELECT body FROM example_note");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    notes++;
                    String body = rs.getString(1).strip();
                    words += body.isEmpty() ? 0 : body.split("\\s+").length;
                }
            } catch (SQLException e) {
                throw new PortalException(ErrorKind.TRANSIENT, "cannot read the notes: " + e.getMessage(), e);
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("notes", notes);
            result.put("words", words);
            return result;
        });
    }

    // ---- IAuthFunctions: our own, and an override of a core one --------------------------------

    @Override
    public Map<String, AuthFunction> authFunctions() {
        Map<String, AuthFunction> auth = new LinkedHashMap<>();
        // allowAnonymous: anonymous callers reach the function (without it they are refused before it runs).
        auth.put("example_hello", AuthFunction.allowAnonymous((ctx, data) -> AuthResult.allow()));
        // Without allowAnonymous, the host refuses anonymous callers before the function runs: any user may add a note.
        auth.put("example_note_add", (ctx, data) -> AuthResult.allow());
        auth.put("example_note_list", AuthFunction.allowAnonymous((ctx, data) -> AuthResult.allow()));
        auth.put("example_note_stats", (ctx, data) -> AuthResult.allow());
        auth.put("example_upload_digest", AuthFunction.allowAnonymous((ctx, data) -> AuthResult.allow()));
        // Sysadmins pass every auth function unless it is registered forSysadminsToo: this one lets only them in.
        auth.put("example_event_list", (ctx, data) -> AuthResult.deny("Only sysadmins may list the example plugin's events"));
        return auth;
    }

    static final String FORBIDDEN_PREFIX = "forbidden-";

    @Override
    public Map<String, ChainedAuthFunction> chainedAuthFunctions() {
        Map<String, ChainedAuthFunction> auth = new LinkedHashMap<>();
        // The core lets only sysadmins read config options; we let anyone read ours.
        // allowAnonymous: anonymous callers reach this chain too (the core's function alone refuses them outright).
        auth.put("config_option_show", ChainedAuthFunction.allowAnonymous((next, ctx, data) -> {
            Object key = data.get("key");
            if (key instanceof String k && k.startsWith("portal.example.")) {
                return AuthResult.allow();
            }
            return next.check(ctx, data);
        }));
        // Deny some dataset names, else defer to the rest of the chain (the model's CKAN rules).
        // forSysadminsToo: sysadmins are checked by this chain too instead of passing outright.
        // Auth functions see the raw input, before validation, so strip and lower-case ourselves.
        auth.put("package_create", ChainedAuthFunction.forSysadminsToo((next, ctx, data) -> {
            Object name = data.get("name");
            if (name instanceof String n && n.strip().toLowerCase(Locale.ROOT).startsWith(FORBIDDEN_PREFIX)) {
                return AuthResult.deny("The example plugin forbids dataset names starting with " + FORBIDDEN_PREFIX);
            }
            return next.check(ctx, data);
        }));
        return auth;
    }

    // ---- IValidators + IDatasetForm: a validator factory used in the dataset schema ------------

    @Override
    public Map<String, ValidatorFactory> validatorFactories() {
        return Map.of("example_prefix", args -> {
            if (args.size() != 1 || args.get(0).isEmpty()) {
                throw new IllegalArgumentException("example_prefix takes one non-empty prefix");
            }
            String prefix = args.get(0).toUpperCase(Locale.ROOT);
            return field -> {
                if (!(field.value() instanceof String s) || !s.toUpperCase(Locale.ROOT).startsWith(prefix)) {
                    throw new Invalid("Must start with " + prefix);
                }
                field.set(s.toUpperCase(Locale.ROOT));
            };
        });
    }

    @Override
    public Schema createPackageSchema(Schema schema) {
        return withExampleFields(schema);
    }

    @Override
    public Schema updatePackageSchema(Schema schema) {
        return withExampleFields(schema);
    }

    @Override
    public Schema showPackageSchema(Schema schema) {
        return schema.with("example_code", "ignore_missing").with("attachment_id", "ignore_missing");
    }

    /**
     * {@code example_code}: our own validator factory. {@code attachment_id}: the files plugin's
     * validators (seed 003's "attach an uploaded file to a dataset"): the id must be a tracked file,
     * and once the dataset is saved the file is moved to it and pinned, by a post-commit task the
     * validator queues (so a dataset that fails validation moves nothing).
     */
    private static Schema withExampleFields(Schema schema) {
        return schema.with("example_code", "ignore_missing", "unicode_safe", "example_prefix(\"EX-\")")
                .with("attachment_id", "ignore_empty", "unicode_safe", "files_file_id_exists", "files_transfer_ownership(package)");
    }

    // ---- IEntityHooks: lifecycle hooks (the event API) -------------------------------------------

    /**
     * Inside the action, before the change is written: refuse datasets whose title holds the
     * configured word. A ValidationException names the field: the caller gets a 409 with the message
     * at {@code title}, and nothing is saved.
     */
    @Override
    public void before(ActionContext ctx, EntityEvent event) {
        if (event.entity() != EntityEvent.Entity.PACKAGE
                || (event.operation() != EntityEvent.Operation.CREATE && event.operation() != EntityEvent.Operation.UPDATE)) {
            return;
        }
        String word = ctx.config().get(REFUSED_TITLE_WORD).map(String::strip).orElse("");
        if (!word.isEmpty() && event.data().get("title") instanceof String title
                && title.toLowerCase(Locale.ROOT).contains(word.toLowerCase(Locale.ROOT))) {
            throw ValidationException.of("title", "The example plugin refuses titles containing \"" + word + "\"");
        }
    }

    /**
     * After the change committed (never for a rolled-back one): record it in our table. The hook
     * runs in a transaction of its own, so ctx.jdbc() works and the row commits when we return.
     */
    @Override
    public void after(ActionContext ctx, EntityEvent event) {
        try (PreparedStatement ps = ctx.jdbc().prepareStatement("INSERT INTO example_event"
                + " (entity, operation, action, entity_id, user_name, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, event.entity().name());
            ps.setString(2, event.operation().name());
            ps.setString(3, event.action());
            ps.setString(4, event.id());
            ps.setString(5, event.user().map(u -> u.name()).orElse(null));
            ps.setTimestamp(6, Timestamp.from(Instant.now()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new PortalException(ErrorKind.TRANSIENT, "cannot record the event: " + e.getMessage(), e);
        }
    }

    private static List<Map<String, Object>> listEvents(ActionContext ctx) {
        List<Map<String, Object>> events = new ArrayList<>();
        try (PreparedStatement ps = ctx.jdbc().prepareStatement(
                "SELECT entity, operation, action, entity_id, user_name FROM example_event ORDER BY seq");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("entity", rs.getString(1));
                event.put("operation", rs.getString(2));
                event.put("action", rs.getString(3));
                event.put("entity_id", rs.getString(4));
                event.put("user", rs.getString(5));
                events.add(event);
            }
        } catch (SQLException e) {
            throw new PortalException(ErrorKind.TRANSIENT, "cannot read events: " + e.getMessage(), e);
        }
        return events;
    }

    // ---- IFiles: a storage adapter (ExampleStorage, one class) ----------------------------------

    @Override
    public List<StorageFactory> storageFactories() {
        return List.of(new ExampleStorage.Factory());
    }

    // ---- The web face: templates, a helper, a page, an authenticator (see ExampleWeb) ----------

    @Override
    public String templateDirectory() {
        return "example-templates";
    }

    @Override
    public String publicDirectory() {
        return "example-public";
    }

    @Override
    public Map<String, TemplateHelper> templateHelpers() {
        return ExampleWeb.helpers("Hello");
    }

    @Override
    public void routes(Routes routes) {
        ExampleWeb.routes(routes);
    }

    @Override
    public Optional<String> identify(WebRequest request) {
        return ExampleWeb.identify(request);
    }
}
