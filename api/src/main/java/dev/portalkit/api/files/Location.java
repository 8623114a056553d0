package dev.portalkit.api.files;

/**
 * A location inside a storage (a relative path, an object key, a row id) that went through the
 * storage's {@code prepareLocation} (its location transformers). Untrusted names become
 * locations only that way; adapters still refuse locations that would leave their root.
 *
 * @param value the location text, never empty
 */
public record Location(String value) {
    public Location {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a location cannot be empty");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
