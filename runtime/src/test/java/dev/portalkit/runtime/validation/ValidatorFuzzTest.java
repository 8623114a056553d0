package dev.portalkit.runtime.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.validation.Schema;
import dev.portalkit.runtime.Portal;
import dev.portalkit.runtime.core.CoreSchemas;
import dev.portalkit.runtime.testing.TestPortal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every registered validator (core, model, files), a few validator factories, and the core
 * schemas on any JSON value a client can send: the data is converted, or refused with a client
 * error (409 and the like), never with a failure that would be a 5xx.
 */
class ValidatorFuzzTest {
    /** What a refusal of client data may be; anything else would reach the client as a 5xx. */
    static final Set<ErrorKind> CLIENT_ERRORS = Set.of(ErrorKind.INVALID, ErrorKind.BAD_REQUEST, ErrorKind.NOT_FOUND,
            ErrorKind.ALREADY_EXISTS, ErrorKind.CONFLICT, ErrorKind.PERMISSION_DENIED, ErrorKind.TOO_LARGE, ErrorKind.WRONG_TYPE);
    /** Factories with arguments a schema could give them (their arity is checked when a schema is compiled). */
    private static final List<String> FACTORIES = List.of("one_of(a, b)", "default(x)", "default(1)", "files_ensure_name(name)",
            "files_accept_file_with_type(text/plain)", "files_accept_file_with_storage(default)", "files_content_type_from_file(url)");
    private static final List<String> FIELDS = List.of("name", "title", "id", "url", "email", "password", "owner_org",
            "private", "state", "notes", "extras", "resources", "groups", "users", "image_url", "upload", "limit", "size",
            "storage", "package_id", "format", "sysadmin");

    private static TestPortal portal;
    private static List<String> expressions;
    private static List<String> schemas;

    @BeforeAll
    static void start() {
        portal = TestPortal.builder().start();
        ValidatorRegistry registry = portal.portal().validation().registry();
        List<String> plain = new ArrayList<>();
        for (String name : registry.names()) {
            try {
                registry.resolve(name);
                plain.add(name);
            } catch (IllegalArgumentException factoryNeedingArguments) {
                // covered by FACTORIES where it makes sense without a schema around it
            }
        }
        plain.addAll(FACTORIES);
        expressions = List.copyOf(plain);
        schemas = List.copyOf(CoreSchemas.all().keySet());
    }

    @AfterAll
    static void stop() {
        portal.close();
    }

    @FuzzTest(maxDuration = "10m")
    void anyValueIsConvertedOrRefusedAsTheClientsError(FuzzedDataProvider data) {
        Portal p = portal.portal();
        ActionContext ctx = p.context(data.consumeBoolean() ? TestPortal.SYSADMIN : TestPortal.ALICE, false);
        try {
            p.inTransaction(() -> {
                if (data.consumeBoolean()) {
                    String expression = expressions.get(data.consumeInt(0, expressions.size() - 1));
                    Map<String, Object> input = new LinkedHashMap<>();
                    input.put("field", value(data, 3));
                    return ctx.validate(Schema.empty().with("field", expression), input);
                }
                String schema = schemas.get(data.consumeInt(0, schemas.size() - 1));
                Map<String, Object> input = new LinkedHashMap<>();
                int fields = data.consumeInt(0, 8);
                for (int i = 0; i < fields; i++) {
                    input.put(data.consumeBoolean() ? FIELDS.get(data.consumeInt(0, FIELDS.size() - 1)) : data.consumeString(12),
                            value(data, 3));
                }
                return ctx.validate(schema, input);
            });
        } catch (PortalException e) {
            assertThat(e.kind()).as(e.getMessage()).isIn(CLIENT_ERRORS);
        }
    }

    /** A value as JSON decoding makes them: strings, whole and decimal numbers, booleans, null, lists and objects. */
    static Object value(FuzzedDataProvider data, int depth) {
        int kind = data.consumeInt(0, depth > 0 ? 8 : 6);
        return switch (kind) {
            case 0 -> null;
            case 1 -> data.consumeBoolean();
            case 2 -> data.consumeInt();
            case 3 -> data.consumeLong();
            case 4 -> data.consumeRegularDouble();
            case 5 -> data.consumeBoolean() ? new java.math.BigInteger(1, data.consumeBytes(16)) : data.consumeDouble();
            case 6 -> data.consumeString(64);
            case 7 -> {
                List<Object> list = new ArrayList<>();
                int n = data.consumeInt(0, 4);
                for (int i = 0; i < n; i++) {
                    list.add(value(data, depth - 1));
                }
                yield list;
            }
            default -> {
                Map<String, Object> map = new LinkedHashMap<>();
                int n = data.consumeInt(0, 4);
                for (int i = 0; i < n; i++) {
                    map.put(data.consumeBoolean() ? FIELDS.get(data.consumeInt(0, FIELDS.size() - 1)) : data.consumeString(8),
                            value(data, depth - 1));
                }
                yield map;
            }
        };
    }
}
