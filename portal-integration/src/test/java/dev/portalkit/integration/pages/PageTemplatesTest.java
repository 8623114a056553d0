package dev.portalkit.integration.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.plugin.PortalPlugin;
import dev.portalkit.api.web.ITemplateHelpers;
import dev.portalkit.api.web.ITemplates;
import dev.portalkit.api.web.Page;
import dev.portalkit.api.web.TemplateHelper;
import dev.portalkit.runtime.plugin.PluginSet;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Template layers: a template is taken from the first plugin in portal.plugins order that has it,
 * {@code {% ckan_extends %}} extends the next layer down (another plugin's, then the core's), so two
 * plugins can each change a block of the same page; helpers from plugins; names that could leave the
 * template folders are never looked up; clashing helpers and reserved routes fail start.
 */
class PageTemplatesTest {
    static final class LayerA implements PortalPlugin, ITemplates {
        public String name() {
            return "layer-a";
        }

        public String templateDirectory() {
            return "layer-a";
        }
    }

    static final class LayerB implements PortalPlugin, ITemplates, ITemplateHelpers {
        private final String helper;

        LayerB(String helper) {
            this.helper = helper;
        }

        public String name() {
            return "layer-b";
        }

        public String templateDirectory() {
            return "layer-b";
        }

        public Map<String, TemplateHelper> templateHelpers() {
            return Map.of(helper, args -> String.valueOf(args.get(0)).toUpperCase() + args.get(1));
        }
    }

    static final class Clash implements PortalPlugin, ITemplateHelpers {
        public String name() {
            return "clash";
        }

        public Map<String, TemplateHelper> templateHelpers() {
            return Map.of("shout", args -> "");
        }
    }

    static PageTemplates templates(List<PortalPlugin> beans, List<String> order) {
        return PageTemplates.of(PluginSet.resolve(beans, order), "http://portal.example");
    }

    static String render(PageTemplates templates, String name) throws Exception {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("pkg", Map.of("name", "rivers", "title", "Rivers <of> Europe", "notes", "core notes", "resources", List.of()));
        model.put("base", "");
        StringWriter out = new StringWriter();
        templates.render(name, model, out);
        return out.toString();
    }

    @Test
    void eachPluginExtendsTheLayerBelowInPluginOrder() throws Exception {
        String page = render(templates(List.of(new LayerA(), new LayerB("shout")), List.of("layer-a", "layer-b")), "package/read.html");
        // layer-a (first) wraps layer-b, which wraps the core's block; values are escaped, the helper runs.
        assertThat(page).contains("<p id=\"a\">A above [<p id=\"b\">B above [<div class=\"notes\">core notes</div>] RIVERS &lt;OF&gt; EUROPE!</p>]</p>");
        assertThat(page).contains("<!DOCTYPE html>");
        String reversed = render(templates(List.of(new LayerA(), new LayerB("shout")), List.of("layer-b", "layer-a")), "package/read.html");
        assertThat(reversed).contains("<p id=\"b\">B above [<p id=\"a\">A above [<div class=\"notes\">core notes</div>]</p>]");
    }

    @Test
    void aDisabledPluginsTemplatesAreNotUsed() throws Exception {
        String page = render(templates(List.of(new LayerA(), new LayerB("shout")), List.of("layer-a")), "package/read.html");
        assertThat(page).contains("id=\"a\"").doesNotContain("id=\"b\"");
    }

    @Test
    void ckanExtendsWithoutALayerBelowIsAnErrorNamingTheTemplate() {
        PageTemplates t = templates(List.of(new LayerB("shout")), List.of("layer-b"));
        assertThatThrownBy(() -> render(t, "only-b.html")).hasStackTraceContaining("no layer below has only-b.html");
    }

    @Test
    void namesThatCouldLeaveTheFoldersAreNeverLookedUp() {
        PageTemplates t = templates(List.of(), List.of());
        for (String bad : List.of("../portal/templates/base.html", "/etc/passwd", "package/../base.html", "a\\b.html", "x:y.html", "")) {
            assertThat(t.exists(bad)).as(bad).isFalse();
            assertThat(t.layers().findAsset(bad)).as(bad).isNull();
        }
        assertThat(t.exists("package/read.html")).isTrue();
        assertThat(t.layers().findAsset("portal.css")).isNotNull();
    }

    @Test
    void helpersNamedTwiceOrLikeACoreFunctionFailStart() {
        assertThatThrownBy(() -> templates(List.of(new LayerB("shout"), new Clash()), List.of("layer-b", "clash")))
                .isInstanceOf(PortalException.class).hasMessageContaining("'shout' is defined by both plugin layer-b and plugin clash");
        assertThatThrownBy(() -> templates(List.of(new LayerB("csrf_field")), List.of("layer-b")))
                .isInstanceOf(PortalException.class).hasMessageContaining("csrf_field");
    }

    @Test
    void routesUnderThePortalsOwnPathsAreRefusedAndTheMostLiteralRouteWins() {
        Router router = new Router().owner("plugin x");
        assertThatThrownBy(() -> router.get("/api/mine", r -> Page.redirect("/"))).hasMessageContaining("/api/");
        assertThatThrownBy(() -> router.get("/assets/x", r -> Page.redirect("/"))).hasMessageContaining("/assets/");
        assertThatThrownBy(() -> router.get("no-slash", r -> Page.redirect("/"))).hasMessageContaining("starts with '/'");
        router.get("/dataset/{id}", r -> Page.redirect("/variable"));
        router.get("/dataset/new", r -> Page.redirect("/literal"));
        assertThat(router.match("GET", List.of("dataset", "new")).pattern()).isEqualTo("/dataset/new");
        assertThat(router.match("HEAD", List.of("dataset", "rivers")).variables()).containsEntry("id", "rivers");
        assertThat(router.match("POST", List.of("dataset", "rivers"))).isNull();
        assertThat(router.pathKnown(List.of("dataset", "rivers"))).isTrue();
    }
}
