package dev.portalkit.runtime.action;

import dev.portalkit.api.action.Action;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The built-in actions' documentation ({@link Action#documentation()}), kept as a text resource
 * beside the code rather than in Java strings: {@code actions.txt} in this package, one section
 * per action, each opened by a line {@code == action_name}. Plugins document their actions with
 * {@link Action#documented(String, Action)}.
 */
public final class ActionDocs {
    private static final Map<String, String> TEXTS = load();

    private ActionDocs() {
    }

    /**
     * The same actions, each given its text from the resource (an action the resource does not
     * name is left as it is; {@code BuiltInActionDocsTest} finds it).
     */
    public static Map<String, Action> document(Map<String, Action> actions) {
        Map<String, Action> out = new LinkedHashMap<>();
        actions.forEach((name, action) -> {
            String text = TEXTS.get(name);
            out.put(name, text == null ? action : Action.documented(text, action));
        });
        return out;
    }

    /**
     * {@code call} with everything {@code model} declares: its flags ({@link Action#supportsTasks()},
     * {@link Action#sideEffectFree()}, {@link Action#acceptsUploads()}), documentation and schema. For
     * a built-in plugin that puts a step in front of one of its own actions.
     */
    public static Action sameKind(Action model, Action call) {
        Action out = call;
        if (model.supportsTasks()) {
            out = Action.withTaskQueue(out);
        }
        if (model.sideEffectFree()) {
            out = Action.sideEffectFree(out);
        }
        if (model.acceptsUploads()) {
            out = Action.acceptingUploads(out);
        }
        if (model.schemaName() != null) {
            out = Action.validating(model.schemaName(), out);
        } else if (model.schema() != null) {
            out = Action.validating(model.schema(), out);
        }
        return model.documentation().isEmpty() ? out : Action.documented(model.documentation(), out);
    }

    /** A section's text under each name its header lists. */
    private static void put(Map<String, String> texts, String names, StringBuilder text) {
        if (names != null) {
            for (String name : names.split("\\s+")) {
                texts.put(name, text.toString().strip());
            }
        }
    }

    private static Map<String, String> load() {
        try (InputStream in = ActionDocs.class.getResourceAsStream("actions.txt")) {
            if (in == null) {
                throw new IllegalStateException("dev/portalkit/runtime/action/actions.txt is missing from the runtime jar");
            }
            Map<String, String> texts = new LinkedHashMap<>();
            String name = null;
            StringBuilder text = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
                if (line.startsWith("== ")) {
                    put(texts, name, text);
                    name = line.substring(3).strip();
                    text.setLength(0);
                } else if (name != null) {
                    text.append(line).append('\n');
                }
            }
            put(texts, name, text);
            return Map.copyOf(texts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
