package dev.portalkit.runtime.plugins;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.IActions;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.auth.IAuthFunctions;
import dev.portalkit.api.config.ConfigDeclaration;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.config.ConfigType;
import dev.portalkit.api.config.IConfigDeclarations;
import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.api.task.ITasks;
import dev.portalkit.api.task.TaskHandler;
import dev.portalkit.api.validation.IValidators;
import dev.portalkit.api.validation.Schema;
import dev.portalkit.api.validation.Validator;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test plugin that records what runs: actions that queue tasks, task handlers that can be told
 * to fail, an action to chain. State is static so it survives a portal restart within the JVM.
 */
@ApplicationScoped
public class RecordingPlugin implements PortalPlugin, IActions, IAuthFunctions, ITasks, IValidators, IConfigDeclarations {
    /** What task handlers ran: "label|index|previous|action-result-id". */
    public static final List<String> RAN = new CopyOnWriteArrayList<>();
    /** Remaining failures per task label. */
    public static final Map<String, AtomicInteger> FAILURES = new ConcurrentHashMap<>();
    private static final AtomicInteger IDS = new AtomicInteger();

    public static void reset() {
        RAN.clear();
        FAILURES.clear();
    }

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public void declareConfig(ConfigDeclaration d) {
        d.namespace("portal.recording.");
        d.option(ConfigOption.of("portal.recording.limit", "A number.").type(ConfigType.INT).defaultValue("5"));
        d.option(ConfigOption.of("portal.recording.mode", "A choice.").oneOf("fast", "slow").defaultValue("fast"));
        d.option(ConfigOption.of("portal.recording.token", "A secret.").asSecret());
        d.option(ConfigOption.of("portal.recording.store.<name>.path", "Path of a store.").type(ConfigType.PATH).asRequired());
        d.option(ConfigOption.of("portal.recording.store.<name>.size", "Size of a store.").type(ConfigType.SIZE).defaultValue("1MiB"));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Action> actions() {
        return Map.of(
                // Queues one task per label; fails after queueing when asked.
                "rec_do", Action.withTaskQueue((ctx, data) -> {
                    String id = "r" + IDS.incrementAndGet();
                    for (Object label : (List<Object>) data.getOrDefault("labels", List.of())) {
                        ctx.tasks().add("rec_task", Map.of("label", label));
                    }
                    if (data.containsKey("validate")) {
                        ctx.validate(Schema.empty().with("value", "rec_queue_from_validator"), Map.of("value", data.get("validate")));
                    }
                    if (Boolean.TRUE.equals(data.get("fail"))) {
                        throw PortalException.badRequest("failing on purpose");
                    }
                    return Map.of("id", id);
                }),
                // Calls rec_do inside the same transaction, then fails when asked.
                "rec_outer", Action.withTaskQueue((ctx, data) -> {
                    Object inner = ctx.call("rec_do", Map.of("labels", data.getOrDefault("labels", List.of())));
                    if (Boolean.TRUE.equals(data.get("fail"))) {
                        throw PortalException.badRequest("outer fails after inner succeeded");
                    }
                    return Map.of("id", "outer", "inner", inner);
                }),
                // No task queue: adding a task must fail.
                "rec_no_queue", (ctx, data) -> {
                    ctx.tasks().add("rec_task", Map.of("label", "never"));
                    return null;
                },
                // The action chained by the alpha and beta plugins.
                "rec_echo", (ctx, data) -> new ArrayList<>(List.of("base")),
                "rec_members", (ctx, data) -> "members only");
    }

    @Override
    public Map<String, AuthFunction> authFunctions() {
        return Map.of(
                "rec_do", AuthFunction.allowAnonymous((ctx, data) -> AuthResult.allow()),
                "rec_outer", AuthFunction.allowAnonymous((ctx, data) -> AuthResult.allow()),
                "rec_no_queue", AuthFunction.allowAnonymous((ctx, data) -> AuthResult.allow()),
                "rec_echo", AuthFunction.allowAnonymous((ctx, data) -> ctx.user().isPresent() ? AuthResult.allow()
                        : AuthResult.deny("log in to echo")),
                "rec_strict", AuthFunction.forSysadminsToo((ctx, data) -> AuthResult.deny("nobody, not even sysadmins")),
                // Not marked allowAnonymous: the host refuses anonymous callers before it runs (counted in RAN).
                "rec_members", (ctx, data) -> {
                    RAN.add("auth:rec_members");
                    return AuthResult.allow();
                });
    }

    @Override
    public Map<String, TaskHandler> taskHandlers() {
        return Map.of("rec_task", run -> {
            String label = String.valueOf(run.payload().get("label"));
            AtomicInteger failures = FAILURES.get(label);
            if (failures != null && failures.getAndDecrement() > 0) {
                throw new IllegalStateException("task " + label + " fails on purpose");
            }
            Object resultId = run.actionResult() instanceof Map<?, ?> m ? m.get("id") : null;
            RAN.add(label + "|" + run.index() + "|" + run.previousResult() + "|" + resultId);
            if ("call-action".equals(label)) {
                // Tasks may call actions; the queued ones run after this task's own commit.
                run.context().call("rec_do", Map.of("labels", List.of("from-task")));
            }
            return "done-" + label;
        });
    }

    @Override
    public Map<String, Validator> validators() {
        return Map.of("rec_queue_from_validator",
                field -> field.context().tasks().add("rec_task", Map.of("label", "validator-" + field.value())));
    }
}
