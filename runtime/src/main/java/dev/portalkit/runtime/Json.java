package dev.portalkit.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON and JSON-friendly data: one mapper for the whole runtime. No Jackson modules are looked up
 * ({@code findAndRegisterModules}): the portal ships none, and in a WAR the lookup finds the app
 * server's (Payara's Jackson modules, of its own Jackson, fail with "not a subtype").
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new PortalException(ErrorKind.INTERNAL, "value is not JSON-friendly: " + e.getOriginalMessage());
        }
    }

    /** Parses JSON text into maps, lists and scalars; {@code null} stays {@code null}. */
    public static Object read(String json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new PortalException(ErrorKind.INTERNAL, "stored JSON is broken: " + e.getOriginalMessage());
        }
    }

    /** A deep, mutable copy of JSON-friendly data (maps and lists copied, other values shared). */
    @SuppressWarnings("unchecked")
    public static <T> T copy(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), copy(v)));
            return (T) out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(copy(v)));
            return (T) out;
        }
        return value;
    }

    /** The objects of a JSON-like list (other items and non-lists give nothing): a dict's list of dicts. */
    @SuppressWarnings("unchecked")
    public static java.util.List<java.util.Map<String, Object>> objects(Object value) {
        java.util.List<java.util.Map<String, Object>> out = new java.util.ArrayList<>();
        if (value instanceof java.util.List<?> list) {
            for (Object item : list) {
                if (item instanceof java.util.Map<?, ?> m) {
                    out.add((java.util.Map<String, Object>) m);
                }
            }
        }
        return out;
    }
}
