package dev.portalkit.integration.pages;

import static dev.portalkit.integration.pages.PageCalls.call;
import static dev.portalkit.integration.pages.PageCalls.callList;
import static dev.portalkit.integration.pages.PageCalls.callMap;
import static dev.portalkit.integration.pages.PageCalls.model;

import dev.portalkit.api.ValidationException;
import dev.portalkit.api.web.Page;
import dev.portalkit.api.web.PageRequest;
import dev.portalkit.runtime.Portal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Organizations and groups ({@code kind} is {@code organization} or {@code group}): the list, a
 * page with its datasets, the new and edit forms (with the image upload), and the members page.
 */
final class GroupPages {
    private final Portal portal;
    private final PageTemplates templates;
    private final String kind;

    GroupPages(Portal portal, PageTemplates templates, String kind) {
        this.portal = portal;
        this.templates = templates;
        this.kind = kind;
    }

    void routes(Router r) {
        String base = "/" + kind;
        r.get(base, this::list);
        r.get(base + "/new", req -> form(req, null));
        r.postUpload(base + "/new", kind + "_create", req -> form(req, null));
        r.get(base + "/edit/{id}", req -> form(req, req.pathParam("id")));
        r.postUpload(base + "/edit/{id}", kind + "_update", req -> form(req, req.pathParam("id")));
        r.get(base + "/members/{id}", this::members);
        r.post(base + "/member_new/{id}", this::memberNew);
        r.post(base + "/member_delete/{id}", this::memberDelete);
        r.get(base + "/{id}", this::read);
    }

    private Page list(PageRequest req) {
        PageRequestImpl r = (PageRequestImpl) req;
        String q = r.query("q");
        Map<String, Object> data = model("all_fields", true, "sort", "title asc");
        if (q != null && !q.isBlank()) {
            data.put("q", q);
        }
        return Page.render("group/index.html", model("kind", kind, "groups", callList(r, kind + "_list", data), "q", q,
                "can_create", PageCalls.may(r, kind + "_create", Map.of())));
    }

    private Page read(PageRequest req) {
        PageRequestImpl r = (PageRequestImpl) req;
        Map<String, Object> group = PageCalls.show(r, kind + "_show", r.pathParam("id"));
        int page = PageCalls.pageNumber(r.query("page"));
        String filter = (kind.equals("organization") ? "owner_org:" : "groups:") + group.get("name");
        Map<String, Object> found = callMap(r, "package_search", model("fq", filter, "rows", DatasetPages.PAGE_SIZE,
                "start", (page - 1) * DatasetPages.PAGE_SIZE, "include_private", true));
        long count = ((Number) found.get("count")).longValue();
        SearchLinks links = new SearchLinks("/" + kind + "/" + group.get("name"), null, null, Map.of());
        String id = (String) group.get("id");
        return Page.render("group/read.html", model("kind", kind, "group", group, "datasets", found.get("results"), "count", count,
                "pages", links.pages(page, count, DatasetPages.PAGE_SIZE),
                "can_edit", PageCalls.may(r, kind + "_update", model("id", id)),
                "can_manage", PageCalls.may(r, kind + "_member_create", model("id", id))));
    }

    private Page form(PageRequest req, String id) {
        PageRequestImpl r = (PageRequestImpl) req;
        boolean create = id == null;
        Map<String, Object> stored = create ? Map.of() : PageCalls.show(r, kind + "_show", id);
        String realId = create ? null : (String) stored.get("id");
        PageCalls.require(r, kind + (create ? "_create" : "_update"), create ? Map.of() : model("id", realId),
                create ? "create " + kind + "s" : "edit this " + kind);
        Map<String, Object> values = new LinkedHashMap<>(stored);
        Map<String, Object> errors = Map.of();
        if (r.method().equals("POST")) {
            Map<String, Object> data = SchemaForm.submitted(r.form());
            if (!create) {
                data.put("id", realId);
                if (!data.containsKey("image_upload") && !data.containsKey("image_url") && !"true".equals(data.get("clear_upload"))
                        && stored.get("image_url") != null) {
                    data.put("image_url", stored.get("image_url"));
                }
            }
            try {
                Map<String, Object> saved = callMap(r, kind + (create ? "_create" : "_update"), data);
                return Page.redirect("/" + kind + "/" + PageCalls.encode((String) saved.get("name")));
            } catch (ValidationException e) {
                data.remove("image_upload");
                values = data;
                errors = SchemaForm.errors(e);
            }
        }
        var schema = portal.validation().schema(kind + (create ? "_create" : "_update"));
        Set<String> drawn = Set.of("image_url", "image_upload");
        List<Map<String, Object>> fields = SchemaForm.fields(schema, drawn, values, errors, templates);
        return Page.render(errors.isEmpty() ? 200 : 409, "group/form.html", model("kind", kind, "fields", fields, "values", values,
                "group", create ? null : stored, "image_errors", SchemaForm.messages(errors.get("image_upload")),
                "other_errors", SchemaForm.otherErrors(errors, fields, drawn),
                "form_action", create ? "/" + kind + "/new" : "/" + kind + "/edit/" + id, "creating", create));
    }

    private Page members(PageRequest r) {
        Map<String, Object> group = PageCalls.show(r, kind + "_show", r.pathParam("id"));
        PageCalls.require(r, kind + "_member_create", model("id", group.get("id")), "manage the members of this " + kind);
        return Page.render("group/members.html", model("kind", kind, "group", group, "roles", List.of("member", "editor", "admin")));
    }

    private Page memberNew(PageRequest r) {
        Map<String, Object> group = PageCalls.show(r, kind + "_show", r.pathParam("id"));
        Map<String, Object> data = model("id", group.get("id"), "username", r.param("username").orElse(""), "role",
                r.param("role").orElse("member"));
        try {
            call(r, kind + "_member_create", data);
        } catch (ValidationException e) {
            return Page.render(409, "group/members.html", model("kind", kind, "group", group, "roles", List.of("member", "editor", "admin"),
                    "errors", SchemaForm.messages(List.copyOf(e.errors().values())), "username", data.get("username")));
        }
        return Page.redirect("/" + kind + "/members/" + PageCalls.encode((String) group.get("name")));
    }

    private Page memberDelete(PageRequest r) {
        Map<String, Object> group = PageCalls.show(r, kind + "_show", r.pathParam("id"));
        call(r, kind + "_member_delete", model("id", group.get("id"), "username", r.param("username").orElse("")));
        return Page.redirect("/" + kind + "/members/" + PageCalls.encode((String) group.get("name")));
    }
}
