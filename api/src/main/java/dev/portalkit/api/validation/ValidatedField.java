package dev.portalkit.api.validation;

import dev.portalkit.api.action.ActionContext;
import java.util.Map;

/**
 * The field a {@link Validator} works on, inside the object being validated. Validators run in
 * chain order; each may read and convert the value, record errors, or stop the chain.
 */
public interface ValidatedField {
    /** The field's key in its object, e.g. {@code "url"}. */
    String name();

    /** The full path for messages, e.g. {@code "resources.0.url"}. */
    String path();

    /** True when the key is absent from the input. */
    boolean isMissing();

    /** The current value ({@code null} when missing or null). */
    Object value();

    /** Sets (converts) the value; a missing field becomes present. */
    void set(Object value);

    /** Removes the key from the output. */
    void remove();

    /** The object the field belongs to (its siblings), as converted so far. */
    Map<String, Object> data();

    /** Records an error for this field; the chain continues unless {@link #stop()} is called. */
    void error(String message);

    /** Stops the rest of this field's chain (CKAN's {@code StopOnError}). */
    void stop();

    /** The action that runs the validation: the user, the task queue, other actions. */
    ActionContext context();
}
