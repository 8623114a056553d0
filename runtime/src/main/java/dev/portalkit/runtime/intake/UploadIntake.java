package dev.portalkit.runtime.intake;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.action.ActionRegistry;
import dev.portalkit.runtime.files.FilesPlugin;
import dev.portalkit.runtime.files.IUploadTargets;
import dev.portalkit.runtime.files.UploadTarget;
import dev.portalkit.runtime.files.managed.ManagedStorageImpl;
import dev.portalkit.runtime.files.registry.Storages;
import dev.portalkit.runtime.action.FieldFailure;
import dev.portalkit.runtime.plugin.PluginSet;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the portal accepts of an action request, decided before its body is read and before each
 * file part is written anywhere: the one place the HTTP layer asks, so that it knows nothing of
 * storages or auth. {@link #admit} takes the request's head (action, caller, method, declared
 * length); the {@link Admission} it answers takes each file part (field, file name, the text
 * fields sent before it) and answers a {@link FilePlan} (the target storage's limit and hash
 * algorithm, a pipe into it) or refuses it:
 *
 * <ul>
 *   <li>an unknown action: NOT_FOUND; an action that is not side-effect free, read with GET or
 *       HEAD: {@link MethodRefused};</li>
 *   <li>a caller the action's auth refuses whatever the data ({@code AuthRegistry.decidedWithoutData}:
 *       an anonymous caller of an action that needs an account, a non-sysadmin where no auth
 *       function exists): PERMISSION_DENIED before the body is read;</li>
 *   <li>a declared length beyond the {@code max_size} of the action's storage (when the storage
 *       does not depend on the fields, as for resource uploads and images) plus {@link #ALLOWANCE}
 *       for the other fields: TOO_LARGE before the body is read;</li>
 *   <li>a file part to an action that takes none, or in a field its {@link UploadTarget} does not
 *       name: BAD_REQUEST naming the field; uploads disabled ({@code portal.uploads_enabled}):
 *       PERMISSION_DENIED; a denial by the action's auth function on the fields sent before the
 *       part: PERMISSION_DENIED (an auth function that fails because fields are missing has not
 *       decided: the action decides once everything arrived); the length left for the part beyond
 *       its storage's {@code max_size} plus {@link #ALLOWANCE}: TOO_LARGE.</li>
 * </ul>
 *
 * <p>Accepted parts are spooled in this process's {@link SpoolArea} ({@link Admission#files}).
 */
@ApplicationScoped
public class UploadIntake {
    private static final Logger LOG = Logger.getLogger(UploadIntake.class.getName());
    /** Room for the other fields of a request beside a file of its storage's {@code max_size}. */
    public static final long ALLOWANCE = 1024L * 1024L;

    @Inject
    Portal portal;

    private SpoolArea spools;
    private volatile Targets targets;

    /** The upload targets of the plugins of one start of the portal. */
    private record Targets(PluginSet plugins, Map<String, UploadTarget> byAction) {
    }

    /** For CDI. */
    public UploadIntake() {
    }

    /** Outside CDI (tests, tools). */
    public UploadIntake(Portal portal) {
        this.portal = portal;
    }

    /**
     * Loads now, on a low-priority daemon thread, what the first upload would otherwise load on its
     * request thread: the content-type database (Tika's ~1,500 types read from XML, 0.6-0.9 s in a
     * fresh JVM; {@code ContentTypes.prepare}). A server calls it once it answers.
     */
    public static void prepareInBackground() {
        Thread prepare = new Thread(dev.portalkit.runtime.files.content.ContentTypes::prepare, "portal-prepare-types");
        prepare.setDaemon(true);
        prepare.setPriority(Thread.MIN_PRIORITY);
        prepare.start();
    }

    /** A read method (GET, HEAD) on an action that changes state: the action answers only POST. */
    public static final class MethodRefused extends PortalException {
        MethodRefused(String action) {
            super(ErrorKind.BAD_REQUEST, "Action " + action + " changes state: call it with POST (GET and HEAD run only actions "
                    + "that only read)");
        }

        /** The methods the action answers. */
        public String allowed() {
            return "POST";
        }
    }

    /**
     * Admits a request, or refuses it before its body is read.
     *
     * @param read           whether the request's method only reads (GET, HEAD)
     * @param declaredLength the request's Content-Length, or -1
     * @param multipart      whether the body is {@code multipart/form-data}
     * @param pipeUploads    whether accepted parts may be piped into their storage while they arrive
     * @throws PortalException NOT_FOUND, {@link MethodRefused}, PERMISSION_DENIED or TOO_LARGE
     */
    public Admission admit(String action, Optional<UserRef> user, boolean read, long declaredLength, boolean multipart,
                           boolean pipeUploads) {
        ActionRegistry.Entry entry = portal.dispatcher().actions().get(action);
        if (entry == null) {
            throw PortalException.notFound("Action '" + action + "' does not exist");
        }
        Action found = entry.base();
        if (read && !found.sideEffectFree()) {
            throw new MethodRefused(action);
        }
        Optional<AuthResult> early = portal.dispatcher().auth().decidedWithoutData(action, portal.context(user, false));
        if (early.isPresent() && !early.get().allowed()) {
            throw PortalException.denied(early.get().message());
        }
        Admission admission = new Admission(action, found, user, early.isPresent(), pipeUploads);
        if (multipart && declaredLength > 0 && found.acceptsUploads()) {
            admission.checkDeclaredLength(declaredLength);
        }
        return admission;
    }

    /** Resumable (tus) uploads, their parts gathered in this process's spool area. */
    public ResumableIntake resumable() {
        return new ResumableIntake(portal, spools());
    }

    /** Removes the spools of processes that are gone ({@link SpoolArea#sweep}); call it when the server starts. */
    public SpoolArea.Swept sweepDeadSpools() {
        return SpoolArea.sweep(tmp());
    }

    private Path tmp() {
        return portal.dataDirectory().resolve("tmp");
    }

    private synchronized SpoolArea spools() {
        if (spools == null) {
            spools = new SpoolArea(tmp());
        }
        return spools;
    }

    /** Removes this process's spool directory (the server stopped). */
    @PreDestroy
    public synchronized void close() {
        if (spools != null) {
            spools.close();
            spools = null;
        }
    }

    private Map<String, UploadTarget> targets() {
        PluginSet plugins = portal.plugins();
        Targets t = targets;
        if (t == null || t.plugins() != plugins) {
            Map<String, UploadTarget> byAction = new LinkedHashMap<>();
            for (PluginSet.Named<IUploadTargets> named : plugins.implementing(IUploadTargets.class)) {
                byAction.putAll(named.plugin().uploadTargets());
            }
            t = new Targets(plugins, Map.copyOf(byAction));
            targets = t;
        }
        return t.byAction();
    }

    private Optional<Storages> storages() {
        if (portal.plugins().implementing(FilesPlugin.class).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(FilesPlugin.of(portal).storages());
    }

    /** One admitted request: decides its file parts, gives them spool files. */
    public final class Admission implements PartPlanner {
        private final String action;
        private final Action definition;
        private final Optional<UserRef> user;
        private final boolean authDecided;
        private final boolean pipeUploads;
        private final UploadTarget target;

        Admission(String action, Action definition, Optional<UserRef> user, boolean authDecided, boolean pipeUploads) {
            this.action = action;
            this.definition = definition;
            this.user = user;
            this.authDecided = authDecided;
            this.pipeUploads = pipeUploads;
            this.target = definition.acceptsUploads() ? targets().get(action) : null;
        }

        /** TOO_LARGE when the declared length is beyond what the action's fixed storage takes. */
        void checkDeclaredLength(long declaredLength) {
            if (target == null || !target.fixedStorage() || target.fileFields().size() != 1) {
                return;
            }
            String field = target.fileFields().iterator().next();
            settings(safeStorage(field, Map.of())).ifPresent(s -> {
                if (s.maxSize() > 0 && declaredLength > s.maxSize() + ALLOWANCE) {
                    throw FieldFailure.on(field, FilesException.tooLarge(s.name(), s.maxSize()));
                }
            });
        }

        /**
         * The file parts of this request, decided here and spooled (see {@link SpooledParts}).
         *
         * @param maxFileParts the most file parts of one request
         * @param option       the option that sets it, for the error
         */
        public FileParts files(int maxFileParts, String option) {
            return new SpooledParts(this, maxFileParts, option);
        }

        @Override
        public FilePlan filePart(String field, String filename, Map<String, Object> fields, long remaining) {
            if (!definition.acceptsUploads()) {
                throw FieldFailure.of(ErrorKind.BAD_REQUEST, field, "Action " + action + " takes no files, but the part '"
                        + field + "' is one");
            }
            if (target != null && !target.fileFields().contains(field)) {
                throw FieldFailure.of(ErrorKind.BAD_REQUEST, field, "Field '" + field + "' takes no file (" + action
                        + " takes files in: " + String.join(", ", new TreeSet<>(target.fileFields())) + ")");
            }
            Map<String, Object> sofar = new LinkedHashMap<>(fields);
            Optional<String> storageName = target == null ? Optional.empty() : safeStorage(field, sofar);
            Optional<StorageSettings> settings = settings(storageName);
            if (storageName.isPresent()) {
                storages().ifPresent(s -> s.requireUploads(field));
            }
            boolean allowed = authDecided || authorized(sofar);
            long maxSize = settings.map(StorageSettings::maxSize).filter(m -> m > 0).orElse(Long.MAX_VALUE);
            if (maxSize != Long.MAX_VALUE && remaining > maxSize + ALLOWANCE) {
                throw FieldFailure.on(field, FilesException.tooLarge(settings.get().name(), maxSize));
            }
            String algorithm = settings.map(StorageSettings::hashingAlgorithm).orElseGet(this::sharedAlgorithm);
            FilePlan.PipeStarter pipe = allowed && pipeUploads && user.isPresent() ? pipeStarter(field, sofar) : null;
            return new FilePlan(algorithm, maxSize, settings.map(StorageSettings::name).orElse(null), pipe);
        }

        @Override
        public Path newSpool() throws IOException {
            return spools().newFile();
        }

        /**
         * Whether the action's auth function lets the caller through on the fields sent so far: a
         * denial is thrown; a function that fails (a field it needs has not arrived) has not decided.
         */
        private boolean authorized(Map<String, Object> sofar) {
            AuthResult result;
            try {
                result = portal.inTransaction(() -> portal.context(user, false).checkAccess(action, sofar));
            } catch (RuntimeException e) {
                if (LOG.isLoggable(Level.FINE)) {
                    LOG.log(Level.FINE, "the auth check of " + action + " has not decided on the fields sent so far: " + e);
                }
                return false;
            }
            if (!result.allowed()) {
                throw PortalException.denied(result.message() == null ? "Not authorized to call " + action : result.message());
            }
            return true;
        }

        private Optional<String> safeStorage(String field, Map<String, Object> sofar) {
            try {
                return target.storage(field, sofar);
            } catch (RuntimeException e) {
                return Optional.empty(); // the action reports what is wrong with the fields
            }
        }

        private Optional<StorageSettings> settings(Optional<String> storageName) {
            return storageName.flatMap(name -> storages().map(s -> s.configured().get(name)));
        }

        /** The algorithm every storage records, else the default storage's (or none without storages). */
        private String sharedAlgorithm() {
            return storages().map(s -> {
                Map<String, StorageSettings> configured = s.configured();
                long distinct = configured.values().stream().map(c -> c.hashingAlgorithm().toLowerCase(Locale.ROOT)).distinct().count();
                if (distinct == 1) {
                    return configured.values().iterator().next().hashingAlgorithm();
                }
                StorageSettings fallback = configured.get(s.defaultName());
                return fallback == null ? null : fallback.hashingAlgorithm();
            }).orElse(null);
        }

        /**
         * A pipe into the storage the part is predicted to go to, at the location it makes of the
         * name the action would store it under (only for a caller the auth function admitted: the
         * pipe writes to the backend before the action runs).
         */
        private FilePlan.PipeStarter pipeStarter(String field, Map<String, Object> sofar) {
            if (target == null) {
                return null;
            }
            return (uploadName, contentType, spool, expected) -> {
                Optional<UploadTarget.Destination> destination;
                try {
                    destination = target.predicted(field, uploadName, sofar);
                } catch (RuntimeException e) {
                    return Optional.empty();
                }
                if (destination.isEmpty()
                        || !(storages().map(s -> s.all().get(destination.get().storage())).orElse(null) instanceof ManagedStorageImpl storage)) {
                    return Optional.empty();
                }
                return storage.pipe(destination.get().name(), uploadName, contentType, spool, expected);
            };
        }
    }
}
