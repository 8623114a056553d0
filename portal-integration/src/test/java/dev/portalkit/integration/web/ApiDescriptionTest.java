package dev.portalkit.integration.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portalkit.api.action.Action;
import dev.portalkit.integration.testing.ApiDescriptionProbePlugin;
import dev.portalkit.integration.testing.HttpPortal;
import dev.portalkit.integration.testing.HttpProbe;
import dev.portalkit.runtime.action.ActionRegistry;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/openapi.json} describes every registered action (a plugin's included) with its
 * effective schema (a plugin's change to package_create included) and passes swagger-parser's
 * validation; {@code /api/docs/} serves Swagger UI from the WebJar under a self-only
 * Content-Security-Policy; help_show over HTTP returns an action's documentation. One server for
 * the class.
 */
class ApiDescriptionTest {
    static HttpPortal http;
    static HttpProbe probe;
    static OpenAPI api;
    static byte[] document;

    @BeforeAll
    static void start() {
        http = HttpPortal.start(HttpPortal.builder().plugins(ApiDescriptionProbePlugin.NAME));
        probe = new HttpProbe(http.uri());
        HttpProbe.Reply reply = probe.get("api/openapi.json");
        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("application/json");
        document = reply.body();
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIParser().readContents(new String(document, StandardCharsets.UTF_8), null, options);
        assertThat(parsed.getMessages()).as("the validator's messages").isEmpty();
        api = parsed.getOpenAPI();
        assertThat(api).isNotNull();
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
    }

    @Test
    void everyRegisteredActionIsAnOperationWithItsMethodsAndDocumentation() {
        ActionRegistry registry = http.portal().portal().dispatcher().actions();
        Set<String> described = new TreeSet<>();
        api.getPaths().keySet().forEach(path -> described.add(path.substring("/action/".length())));
        assertThat(described).isEqualTo(new TreeSet<>(registry.names())).contains("probe_echo", "probe_undocumented");
        assertThat(api.getServers().get(0).getUrl()).isEqualTo("/api");
        for (String name : registry.names()) {
            Action action = registry.get(name).base();
            PathItem item = api.getPaths().get("/action/" + name);
            assertThat(item.getPost()).as(name).isNotNull();
            assertThat(item.getPost().getOperationId()).isEqualTo(name);
            assertThat(item.getGet() != null).as(name + " GET iff side-effect free").isEqualTo(action.sideEffectFree());
            assertThat(item.getPost().getRequestBody().getContent().containsKey("multipart/form-data"))
                    .as(name + " multipart iff it takes uploads").isEqualTo(action.acceptsUploads());
            if (!action.documentation().isEmpty()) {
                assertThat(item.getPost().getDescription()).isEqualTo(action.documentation());
                assertThat(item.getPost().getSummary()).isEqualTo(action.documentation().lines().findFirst().orElseThrow());
            }
            assertThat(item.getPost().getResponses()).containsKeys("200", "default");
        }
        assertThat(api.getPaths().get("/action/probe_echo").getGet().getDescription()).isEqualTo(ApiDescriptionProbePlugin.DOC);
        assertThat(api.getComponents().getSecuritySchemes().get("apiToken").getName()).isEqualTo("Authorization");
    }

    @Test
    @SuppressWarnings("rawtypes")
    void schemasAreTheEffectiveOnesPluginChangesIncluded() {
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        Schema echo = schemas.get("probe_echo_data");
        assertThat(echo.getRequired()).containsExactly("word");
        assertThat(((Schema) echo.getProperties().get("times")).getType()).isEqualTo("integer");
        assertThat(((Schema) echo.getProperties().get("times")).getDefault()).isEqualTo(1);
        assertThat(((Schema) echo.getProperties().get("tone")).getEnum()).containsExactly("calm", "loud");
        Operation get = api.getPaths().get("/action/probe_echo").getGet();
        assertThat(get.getParameters()).extracting(p -> p.getName() + ":" + p.getIn() + ":" + p.getRequired())
                .containsExactly("word:query:true", "times:query:false", "tone:query:false");

        Schema create = schemas.get("package_create_data");
        assertThat(create.getProperties()).containsKeys("name", "owner_org", "resources", "probe_colour");
        assertThat(((Schema) create.getProperties().get("probe_colour")).getEnum()).containsExactly("red", "green");
        assertThat(create.getRequired()).contains("name");
        assertThat(create.getAdditionalProperties()).as("package_create refuses unknown keys").isEqualTo(false);
        assertThat(((Schema) create.getProperties().get("resources")).getType()).isEqualTo("array");
        assertThat(((Schema) create.getProperties().get("metadata_created")).getReadOnly()).as("shown, never set").isTrue();
        Schema rows = (Schema) schemas.get("package_search_data").getProperties().get("rows");
        assertThat(rows.getType()).isEqualTo("integer");
        assertThat(rows.getMinimum()).isZero();
        assertThat(rows.getMaximum().intValue()).as("int_range's bound, the option portal.search.rows_max")
                .isEqualTo(http.portal().portal().config().integer("portal.search.rows_max"));
        assertThat(schemas.get("package_update_data").getProperties()).as("the plugin changed only the create schema")
                .doesNotContainKey("probe_colour");
        // The resource schema is the nested one of the dataset schema.
        assertThat(schemas.get("resource_create_data").getProperties()).containsKeys("package_id", "url");
        Schema upload = (Schema) api.getPaths().get("/action/files_file_create").getPost().getRequestBody().getContent()
                .get("multipart/form-data").getSchema().getProperties().get("upload");
        assertThat(upload.getFormat()).isEqualTo("binary");
    }

    @Test
    void theDocumentIsBuiltOnceAndServedAsJson() {
        HttpProbe.Reply again = probe.get("api/openapi.json");
        assertThat(again.body()).isEqualTo(document);
        assertThat(again.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    @SuppressWarnings("unchecked")
    void helpShowReturnsTheDocumentation() {
        HttpProbe.Reply help = probe.get("api/3/action/help_show?name=probe_echo");
        assertThat(help.status()).isEqualTo(200);
        assertThat(help.json().get("result")).isEqualTo(ApiDescriptionProbePlugin.DOC);
        HttpProbe.Reply core = probe.get("api/action/help_show?name=files_file_create");
        assertThat((String) core.json().get("result")).startsWith("Uploads a file").contains("Parameters:", "Returns:", "Who:");
        HttpProbe.Reply undocumented = probe.get("api/action/help_show?name=probe_undocumented");
        assertThat((String) undocumented.json().get("result")).contains("defined by plugin '" + ApiDescriptionProbePlugin.NAME + "'");
    }

    @Test
    void swaggerUiIsServedFromTheWebJarUnderASelfOnlyPolicy() throws IOException {
        HttpProbe.Reply bare = probe.get("api/docs");
        assertThat(bare.status()).isEqualTo(301);
        assertThat(bare.header("Location")).isEqualTo(http.uri() + "api/docs/");

        HttpProbe.Reply page = probe.get("api/docs/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        String csp = page.header("Content-Security-Policy");
        assertThat(csp).contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe", "http");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(page.text()).contains("swagger-ui-bundle.js", "portalkit-initializer.js").doesNotContain("<script>", "https://");

        HttpProbe.Reply init = probe.get("api/docs/portalkit-initializer.js");
        assertThat(init.status()).isEqualTo(200);
        assertThat(init.text()).contains("url: \"../openapi.json\"").doesNotContain("petstore");

        for (Map.Entry<String, String> asset : Map.of("swagger-ui-bundle.js", "text/javascript",
                "swagger-ui-standalone-preset.js", "text/javascript", "swagger-ui.css", "text/css", "index.css", "text/css",
                "favicon-32x32.png", "image/png").entrySet()) {
            HttpProbe.Reply reply = probe.get("api/docs/" + asset.getKey());
            assertThat(reply.status()).as(asset.getKey()).isEqualTo(200);
            assertThat(reply.header("Content-Type")).startsWith(asset.getValue());
            assertThat(reply.header("Content-Security-Policy")).isEqualTo(csp);
            assertThat(reply.body()).as(asset.getKey() + " is the WebJar's file").isEqualTo(webjarFile(asset.getKey()));
            // Kept by the browser and revalidated: the same version answers 304 without the body.
            assertThat(reply.header("Cache-Control")).isEqualTo("no-cache");
            String tag = reply.header("ETag");
            assertThat(tag).as(asset.getKey()).isNotNull();
            HttpProbe.Reply again = probe.get("api/docs/" + asset.getKey(), "If-None-Match", tag);
            assertThat(again.status()).as(asset.getKey()).isEqualTo(304);
            assertThat(again.body()).isEmpty();
            assertThat(again.header("Content-Security-Policy")).isEqualTo(csp);
            assertThat(probe.get("api/docs/" + asset.getKey(), "If-None-Match", "\"other\"").status()).isEqualTo(200);
        }
        // The JSON answers stay no-store.
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
        assertThat(probe.get("api/openapi.json").header("Cache-Control")).isEqualTo("no-store");
        for (String refused : List.of("swagger-initializer.js", "index.html", "oauth2-redirect.html", "swagger-ui.js.map", "nope.js")) {
            assertThat(probe.get("api/docs/" + refused).status()).as(refused).isEqualTo(404);
        }
        // The server refuses an encoded slash itself (400); either way nothing of the jar comes out.
        assertThat(probe.get("api/docs/..%2F..%2Fpom.properties").status()).isIn(400, 404);
    }

    private static byte[] webjarFile(String name) throws IOException {
        try (InputStream in = ApiDescriptionTest.class.getClassLoader()
                .getResourceAsStream("META-INF/resources/webjars/swagger-ui/5.35.0/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
