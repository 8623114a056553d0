package dev.portalkit.runtime.action;

import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.config.PortalConfig;
import dev.portalkit.api.job.JobQueue;
import dev.portalkit.api.task.TaskQueue;
import dev.portalkit.api.validation.Schema;
import dev.portalkit.runtime.validation.Validation;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The host's {@link ActionContext}: immutable user and flag, shared attributes. */
public final class ActionContextImpl implements ActionContext {
    private final ActionDispatcher dispatcher;
    private final Validation validation;
    private final PortalConfig config;
    private final Optional<UserRef> user;
    private final boolean ignoreAuth;
    private final Map<String, Object> attributes;

    public ActionContextImpl(ActionDispatcher dispatcher, Validation validation, PortalConfig config,
                             Optional<UserRef> user, boolean ignoreAuth) {
        this(dispatcher, validation, config, user, ignoreAuth, new HashMap<>());
    }

    private ActionContextImpl(ActionDispatcher dispatcher, Validation validation, PortalConfig config,
                              Optional<UserRef> user, boolean ignoreAuth, Map<String, Object> attributes) {
        this.dispatcher = dispatcher;
        this.validation = validation;
        this.config = config;
        this.user = user;
        this.ignoreAuth = ignoreAuth;
        this.attributes = attributes;
    }

    @Override
    public Optional<UserRef> user() {
        return user;
    }

    @Override
    public boolean ignoreAuth() {
        return ignoreAuth;
    }

    @Override
    public ActionContext withIgnoreAuth(boolean flag) {
        return new ActionContextImpl(dispatcher, validation, config, user, flag, attributes);
    }

    @Override
    public ActionContext withUser(Optional<UserRef> other) {
        return new ActionContextImpl(dispatcher, validation, config, other, ignoreAuth, attributes);
    }

    @Override
    public Object call(String action, Map<String, Object> data) {
        return dispatcher.call(action, this, data);
    }

    @Override
    public AuthResult checkAccess(String name, Map<String, Object> data) {
        Map<String, Object> given = data == null ? Map.of() : data;
        // Auth functions read the database (memberships): asked outside an action (a page deciding
        // whether to draw a form or a button), they get a transaction of their own, as a call would.
        if (dispatcher.transactions() == null) {
            return dispatcher.auth().check(name, this, given);
        }
        return dispatcher.outermost(() -> dispatcher.auth().check(name, this, given));
    }

    @Override
    public Map<String, Object> validate(String schemaName, Map<String, Object> data) {
        return validation.validate(schemaName, data, this);
    }

    @Override
    public Map<String, Object> validate(Schema schema, Map<String, Object> data) {
        return validation.validate(schema, data, this);
    }

    @Override
    public TaskQueue tasks() {
        return dispatcher.taskQueue();
    }

    @Override
    public JobQueue jobs() {
        return dispatcher.jobQueue(user);
    }

    @Override
    public Connection jdbc() {
        return dispatcher.transactions().connection();
    }

    @Override
    public PortalConfig config() {
        return config;
    }

    /** The host's dispatcher (for core actions that describe the action registry). */
    public ActionDispatcher dispatcher() {
        return dispatcher;
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }
}
