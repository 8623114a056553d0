package dev.portalkit.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.validation.Schema;
import dev.portalkit.runtime.plugins.ChainRecorder;
import dev.portalkit.runtime.testing.TestPortal;
import dev.portalkit.runtime.validation.ValidatorExpression;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Core validators, schemas with nested lists, per-field errors, schema modifiers in plugin order. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValidationTest {
    private TestPortal portal;
    private ActionContext ctx;

    @BeforeAll
    void start() {
        ChainRecorder.reset();
        // Datasets without an organization, so the named dataset schema can be exercised on its own
        // (by default the model's owner_org_validator requires one, as CKAN does).
        portal = TestPortal.builder().plugins("beta alpha recording").option("portal.auth.create_unowned_dataset", "true").start();
        ctx = portal.portal().context(TestPortal.ALICE, false);
    }

    @AfterAll
    void stop() {
        portal.close();
    }

    private Map<String, Object> validate(Schema schema, Map<String, Object> data) {
        return ctx.validate(schema, data);
    }

    private Map<String, Object> errors(Schema schema, Map<String, Object> data) {
        try {
            ctx.validate(schema, data);
        } catch (ValidationException e) {
            return e.errors();
        }
        throw new AssertionError("expected a validation error for " + data);
    }

    private static Map<String, Object> data(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void missingAndEmptyValues() {
        Schema s = Schema.empty().with("a", "ignore_missing", "int_validator").with("b", "ignore_empty").with("c", "not_empty")
                .with("d", "not_missing");
        assertThat(errors(s, data("c", "", "d", null))).containsExactly(
                Map.entry("c", List.of("Missing value")), Map.entry("d", List.of("Missing value")));
        Map<String, Object> out = validate(s, data("a", null, "b", "", "c", "x", "d", "y"));
        assertThat(out).doesNotContainKeys("a", "b").containsEntry("c", "x");
    }

    @Test
    void conversions() {
        Schema s = Schema.empty().with("n", "int_validator").with("b", "boolean_validator").with("t", "unicode_safe", "strip_value")
                .with("d", "default(7)", "int_validator").with("flag", "default(false)");
        assertThat(validate(s, data("n", " 42 ", "b", "yes", "t", 12)))
                .containsEntry("n", 42).containsEntry("b", true).containsEntry("t", "12").containsEntry("d", 7).containsEntry("flag", false);
        assertThat(validate(s, data("n", "5000000000", "t", "  padded  "))).containsEntry("n", 5_000_000_000L).containsEntry("t", "padded")
                .containsEntry("b", false);
        assertThat(errors(s, data("n", "4.5", "t", Map.of()))).containsEntry("n", List.of("Invalid integer"))
                .containsEntry("t", List.of("Must be a string"));
        assertThat(errors(s, data("n", true))).containsEntry("n", List.of("Invalid integer"));
        // Unlike CKAN, unknown text is refused rather than read as false ("private": "ture" must not publish a dataset);
        // an object or a list is no boolean at all.
        assertThat(errors(s, data("b", "perhaps"))).containsEntry("b", List.of("Must be a boolean: true or false"));
        assertThat(errors(s, data("b", "ture"))).containsEntry("b", List.of("Must be a boolean: true or false"));
        assertThat(validate(s, data("b", " Off "))).containsEntry("b", false);
        assertThat(validate(s, data("b", "no"))).containsEntry("b", false);
        assertThat(validate(s, data("b", ""))).containsEntry("b", false);
        assertThat(validate(s, data("b", 1))).containsEntry("b", true);
        assertThat(errors(s, data("b", Map.of()))).containsEntry("b", List.of("Must be a boolean: true or false"));
        assertThat(errors(s, data("b", List.of(true)))).containsEntry("b", List.of("Must be a boolean: true or false"));
    }

    /**
     * Whole numbers as CKAN's int_validator reads them (JSON integers, JSON numbers without a
     * fraction, digit strings with spaces around) and nothing else; never narrowed: a number beyond
     * the field's range is an error naming the range.
     */
    @Test
    void wholeNumbersAreReadOneWayAndNeverWrap() {
        Schema s = Schema.empty().with("n", "ignore_missing", "int_validator").with("k", "ignore_missing", "natural_number_validator")
                .with("rows", "ignore_missing", "int_range(0, portal.search.rows_max)").with("part", "ignore_missing", "int_range(1, 10000)");
        // Accepted.
        assertThat(validate(s, data("n", 12.0, "k", " 12 ", "rows", "+7", "part", 1e3)))
                .containsEntry("n", 12).containsEntry("k", 12).containsEntry("rows", 7).containsEntry("part", 1000);
        assertThat(validate(s, data("n", 4294967297L))).containsEntry("n", 4294967297L);
        assertThat(validate(s, data("n", "-9223372036854775808"))).containsEntry("n", Long.MIN_VALUE);
        // Not whole numbers.
        for (Object bad : new Object[] {"1e10", "0x10", "12.0", "1_000", "12abc", "٣", 1.5, true, List.of(1), Map.of()}) {
            assertThat(errors(s, data("n", bad))).as("%s", bad).containsEntry("n", List.of("Invalid integer"));
        }
        // Beyond the type or the field's bound: refused, never wrapped (4294967297 is 1 as an int).
        assertThat(errors(s, data("part", "4294967297"))).containsEntry("part", List.of("Must be a whole number from 1 to 10000"));
        assertThat(errors(s, data("part", 0))).containsEntry("part", List.of("Must be a whole number from 1 to 10000"));
        assertThat(errors(s, data("rows", 4294967297L))).containsEntry("rows", List.of("Must be a whole number from 0 to 1000"));
        assertThat(errors(s, data("rows", 1e10))).containsEntry("rows", List.of("Must be a whole number from 0 to 1000"));
        assertThat(errors(s, data("rows", -1))).containsEntry("rows", List.of("Must be a whole number from 0 to 1000"));
        assertThat(errors(s, data("k", -1))).containsEntry("k", List.of("Must be a natural number"));
        String tooBig = "Must be a whole number from -9223372036854775808 to 9223372036854775807";
        assertThat(errors(s, data("n", "9223372036854775808"))).containsEntry("n", List.of(tooBig));
        assertThat(errors(s, data("n", new java.math.BigInteger("1" + "0".repeat(30))))).containsEntry("n", List.of(tooBig));
        assertThat(errors(s, data("k", 1e300))).containsEntry("k", List.of(tooBig));
        assertThat(errors(s, data("n", "9".repeat(5000)))).containsEntry("n", List.of(tooBig));
        // int_range's bounds are whole numbers or option keys, checked when the schema is built.
        assertThatThrownBy(() -> ctx.validate(Schema.empty().with("x", "int_range(0, lots)"), new HashMap<>()))
                .hasMessageContaining("'lots' is neither a whole number nor an option key");
    }

    @Test
    void formats() {
        Schema s = Schema.empty().with("url", "ignore_missing", "url_validator").with("email", "ignore_missing", "email_validator")
                .with("name", "ignore_missing", "name_validator").with("state", "ignore_missing", "one_of(active, \"in review\")");
        assertThat(validate(s, data("url", "https://example.org/x?y=1", "email", "a.b@example.org", "name", "my-data_1",
                "state", "in review"))).hasSize(4);
        Map<String, Object> errors = errors(s, data("url", "javascript:alert(1)", "email", "nope@", "name", "Has Caps",
                "state", "gone"));
        assertThat(errors).containsEntry("url", List.of("Please provide a valid URL"))
                .containsEntry("email", List.of("Email nope@ is not a valid format"))
                .containsEntry("name", List.of("Must be purely lowercase alphanumeric (ascii) characters and these symbols: -_"))
                .containsEntry("state", List.of("Value must be one of [active, in review]"));
        assertThat(errors(s, data("name", "x"))).containsEntry("name", List.of("Must be at least 2 characters long"));
        assertThat(errors(s, data("name", "edit"))).containsEntry("name", List.of("That name cannot be used"));
        assertThat(errors(s, data("name", "a".repeat(101)))).containsEntry("name", List.of("Name must be a maximum of 100 characters long"));
    }

    @Test
    void nestedListsReportErrorsPerItem() {
        Map<String, Object> errors = errors(Schema.empty().with("name", "not_empty").withNested("resources",
                Schema.empty().with("url", "not_empty").with("position", "ignore_missing", "int_validator"), "ignore_missing"),
                data("name", "", "resources", List.of(Map.of("url", "http://a"), Map.of("position", "x"), "not an object")));
        assertThat(errors).containsEntry("name", List.of("Missing value"));
        assertThat(errors.get("resources")).asList().containsExactly(
                Map.of(),
                Map.of("url", List.of("Missing value"), "position", List.of("Invalid integer")),
                Map.of("__type", List.of("Must be an object")));
        assertThat(errors(Schema.empty().withNested("resources", Schema.empty(), "ignore_missing"), data("resources", "x")))
                .containsEntry("resources", List.of("Must be a list"));
    }

    @Test
    void theNamedDatasetSchemaValidatesNestedResourcesAndRefusesUnknownFields() {
        // An unknown dataset key is refused naming it (CKAN drops it without a word); the keys
        // package_show computes are accepted and dropped, so a shown dataset can be sent back.
        assertThatThrownBy(() -> ctx.validate("package_create", data("name", "ok-name", "junk", 1)))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors())
                        .containsOnlyKeys("junk").containsEntry("junk", List.of("The input field junk was not expected.")));
        Map<String, Object> out = ctx.validate("package_create", data("name", "ok-name", "num_tags", 3, "isopen", true,
                "resources", List.of(data("url", "http://x", "position", "2", "junk", 1))));
        assertThat(out).doesNotContainKeys("num_tags", "isopen");
        // Resources keep keys their schema does not name, as CKAN keeps them (stored as resource extras).
        assertThat((List<?>) out.get("resources")).singleElement().isEqualTo(Map.of("url", "http://x", "position", 2, "junk", 1));
        assertThatThrownBy(() -> ctx.validate("package_create", data("name", "ok-name", "resources", List.of(Map.of(), Map.of("size", -1)))))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors().get("resources"))
                        .asList().containsExactly(Map.of(), Map.of("size", List.of("Must be a natural number"))));
    }

    @Test
    void unknownFieldsCanBeRejectedOrKept() {
        assertThat(errors(Schema.empty().withUnknown(Schema.UnknownFields.REJECT), data("x", 1)))
                .containsEntry("x", List.of("The input field x was not expected."));
        assertThat(validate(Schema.empty().withUnknown(Schema.UnknownFields.KEEP), data("x", 1))).containsEntry("x", 1);
    }

    @Test
    void schemaModifiersRunBuiltInsFirstThenConfiguredPluginsInOrder() {
        ChainRecorder.SCHEMA_ORDER.clear();
        ctx.validate("package_create", data("name", "ordered", "title", "T"));
        assertThat(ChainRecorder.SCHEMA_ORDER).containsExactly("beta", "alpha");
    }

    @Test
    void validatorExpressionsParseArguments() {
        assertThat(ValidatorExpression.parse("not_empty").arguments()).isNull();
        assertThat(ValidatorExpression.parse("one_of(a, b c, 'd,e', \"\")").arguments()).containsExactly("a", "b c", "d,e", "");
        assertThat(ValidatorExpression.parse("f()").arguments()).isEmpty();
        assertThatThrownBy(() -> ValidatorExpression.parse("bad name")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ValidatorExpression.parse("f('x)")).hasMessageContaining("unclosed quote");
    }

    @Test
    void unknownValidatorsAndBadArgumentsAreNamed() {
        assertThatThrownBy(() -> ctx.validate(Schema.empty().with("x", "no_such_validator"), new HashMap<>()))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFIG_INVALID))
                .hasMessageContaining("field 'x': unknown validator 'no_such_validator'");
        assertThatThrownBy(() -> ctx.validate(Schema.empty().with("x", "one_of()"), new HashMap<>()))
                .hasMessageContaining("one_of needs at least one allowed value");
        assertThatThrownBy(() -> ctx.validate(Schema.empty().with("x", "one_of"), new HashMap<>()))
                .hasMessageContaining("needs arguments");
    }
}
