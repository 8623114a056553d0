package dev.portalkit.api.validation;

/** Thrown by a validator: records {@link #getMessage()} as the field's error and stops its chain. */
public class Invalid extends RuntimeException {
    public Invalid(String message) {
        super(message, null, false, false);
    }
}
