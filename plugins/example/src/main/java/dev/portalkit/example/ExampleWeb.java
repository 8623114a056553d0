package dev.portalkit.example;

import dev.portalkit.api.web.Page;
import dev.portalkit.api.web.PageRequest;
import dev.portalkit.api.web.Routes;
import dev.portalkit.api.web.TemplateHelper;
import dev.portalkit.api.web.WebRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The example plugin's web side (ExamplePlugin delegates its web extension points here): a page of
 * its own at {@code /example/hello}, a template helper, and a trusted-header authenticator.
 * Its templates are in {@code src/main/resources/example-templates} (one overrides the dataset page
 * with {@code ckan_extends}, one draws the {@code example_code} field), its assets in
 * {@code example-public}.
 */
final class ExampleWeb {
    static final String TRUSTED_HEADER = "portal.example.trusted_user_header";

    private ExampleWeb() {
    }

    /** {@code example_greeting(name)}: the configured greeting, for templates. */
    static Map<String, TemplateHelper> helpers(String greeting) {
        return Map.of("example_greeting", args -> greeting + ", " + (args.isEmpty() || args.get(0) == null ? "world" : args.get(0)) + "!");
    }

    /**
     * {@code GET /example/hello}: a form; {@code POST}: calls the {@code example_hello} action with
     * the typed name, as the signed-in user, and shows its answer.
     */
    static void routes(Routes routes) {
        routes.get("/example/hello", req -> Page.render("example/hello.html", Map.of()));
        routes.post("/example/hello", ExampleWeb::hello);
    }

    private static Page hello(PageRequest req) {
        Map<String, Object> data = new LinkedHashMap<>();
        req.param("name").filter(n -> !n.isBlank()).ifPresent(n -> data.put("name", n));
        Object answer = req.context().call("example_hello", data);
        return Page.render("example/hello.html", Map.of("answer", answer, "name", data.getOrDefault("name", "")));
    }

    /**
     * The user named by the header in {@code portal.example.trusted_user_header} (empty, the
     * default: this authenticator says nothing). Only for a portal behind a proxy that sets the
     * header after its own login and strips it from clients' requests.
     */
    static Optional<String> identify(WebRequest request) {
        String header = request.config().get(TRUSTED_HEADER).orElse("");
        if (header.isBlank()) {
            return Optional.empty();
        }
        String user = request.header(header.strip());
        return user == null || user.isBlank() ? Optional.empty() : Optional.of(user.strip());
    }
}
