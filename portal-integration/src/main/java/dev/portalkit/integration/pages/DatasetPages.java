package dev.portalkit.integration.pages;

import static dev.portalkit.integration.pages.PageCalls.call;
import static dev.portalkit.integration.pages.PageCalls.callList;
import static dev.portalkit.integration.pages.PageCalls.callMap;
import static dev.portalkit.integration.pages.PageCalls.model;

import dev.portalkit.api.ValidationException;
import dev.portalkit.api.web.Page;
import dev.portalkit.api.web.PageRequest;
import dev.portalkit.runtime.Portal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The home page, dataset search, a dataset's page, its forms, and the resource pages. */
final class DatasetPages {
    static final int PAGE_SIZE = 20;
    /** The facets of the search page, with their query parameter (CKAN's names). */
    static final List<String> FACETS = List.of("organization", "groups", "tags", "res_format", "license_id");
    static final List<String> SORTS = List.of("metadata_modified desc", "name asc", "name desc", "title asc", "metadata_created desc");

    private final Portal portal;
    private final PageTemplates templates;

    DatasetPages(Portal portal, PageTemplates templates) {
        this.portal = portal;
        this.templates = templates;
    }

    void routes(Router r) {
        r.get("/", this::home);
        r.get("/dataset", this::search);
        r.get("/dataset/new", req -> datasetForm(req, null));
        r.post("/dataset/new", req -> datasetForm(req, null));
        r.get("/dataset/edit/{id}", req -> datasetForm(req, req.pathParam("id")));
        r.post("/dataset/edit/{id}", req -> datasetForm(req, req.pathParam("id")));
        r.post("/dataset/delete/{id}", this::delete);
        r.get("/dataset/{id}", this::read);
        r.get("/dataset/{id}/resource/new", this::resourceForm);
        r.postUpload("/dataset/{id}/resource/new", "resource_create", this::resourceForm);
        r.get("/dataset/{id}/resource/{rid}", this::resource);
    }

    private Page home(PageRequest r) {
        Map<String, Object> found = callMap(r, "package_search", model("rows", 5, "sort", "metadata_modified desc", "include_private", true));
        List<Object> orgs = callList(r, "organization_list", model("all_fields", true, "limit", 6));
        return Page.render("home/index.html", model("datasets", found.get("results"), "count", found.get("count"), "organizations", orgs));
    }

    private Page search(PageRequest req) {
        PageRequestImpl r = (PageRequestImpl) req;
        String q = r.query("q");
        String sort = r.query("sort") != null && SORTS.contains(r.query("sort")) ? r.query("sort") : SORTS.get(0);
        int page = PageCalls.pageNumber(r.query("page"));
        List<String> fq = new ArrayList<>();
        Map<String, List<String>> chosen = new LinkedHashMap<>();
        for (String facet : FACETS) {
            List<String> values = r.queryValues(facet).stream().filter(v -> !v.isBlank()).toList();
            chosen.put(facet, values);
            for (String v : values) {
                fq.add(facet + ":\"" + v.replace("\"", "") + "\"");
            }
        }
        Map<String, Object> data = model("rows", PAGE_SIZE, "start", (page - 1) * PAGE_SIZE, "sort", sort, "include_private", true,
                "facet.field", FACETS, "facet.limit", 10);
        if (q != null && !q.isBlank()) {
            data.put("q", q);
        }
        if (!fq.isEmpty()) {
            data.put("fq", String.join(" ", fq));
        }
        Map<String, Object> found;
        try {
            found = callMap(r, "package_search", data);
        } catch (ValidationException e) {
            return Page.render(400, "package/search.html", model("q", q, "sort", sort, "sorts", SORTS, "datasets", List.of(), "count", 0,
                    "facets", List.of(), "search_error", SchemaForm.messages(e.errors().values().stream().toList()), "pages", List.of()));
        }
        long count = ((Number) found.get("count")).longValue();
        SearchLinks links = new SearchLinks("/dataset", q, sort, chosen);
        return Page.render("package/search.html", model("q", q, "sort", sort, "sorts", SORTS, "datasets", found.get("results"),
                "count", count, "facets", links.facets(found.get("search_facets"), FACETS), "chosen", links.chosen(),
                "pages", links.pages(page, count, PAGE_SIZE), "page", page));
    }

    private Page read(PageRequest r) {
        Map<String, Object> pkg = PageCalls.show(r, "package_show", r.pathParam("id"));
        String id = (String) pkg.get("id");
        return Page.render("package/read.html", model("pkg", pkg,
                "can_edit", PageCalls.may(r, "package_update", model("id", id)),
                "can_delete", PageCalls.may(r, "package_delete", model("id", id)),
                "can_add_resource", PageCalls.may(r, "resource_create", model("package_id", id))));
    }

    /** {@code /dataset/new} and {@code /dataset/edit/{id}}: the form from the effective schema; a POST calls the action. */
    private Page datasetForm(PageRequest req, String id) {
        PageRequestImpl r = (PageRequestImpl) req;
        boolean create = id == null;
        Map<String, Object> stored = create ? Map.of() : PageCalls.show(r, "package_show", id);
        String realId = create ? null : (String) stored.get("id");
        PageCalls.require(r, create ? "package_create" : "package_update", create ? Map.of() : model("id", realId),
                create ? "create datasets" : "edit this dataset");
        Map<String, Object> values = new LinkedHashMap<>(stored);
        values.put("tag_string", String.join(", ", freeTags(stored, true).stream().map(t -> (String) t.get("name")).toList()));
        Map<String, Object> errors = Map.of();
        if (r.method().equals("POST")) {
            Map<String, Object> data = SchemaForm.submitted(r.form());
            // The form edits free tags as text; a vocabulary's tags (set by plugins' fields) stay.
            data.put("tags", freeTags(stored, false));
            try {
                Map<String, Object> saved;
                if (create) {
                    saved = callMap(r, "package_create", data);
                    return Page.redirect("/dataset/" + PageCalls.encode((String) saved.get("name")) + "/resource/new");
                }
                // The form edits the dataset's own fields; its resources and groups stay as they are.
                data.put("id", realId);
                data.put("resources", stored.getOrDefault("resources", List.of()));
                data.put("groups", stored.getOrDefault("groups", List.of()));
                saved = callMap(r, "package_update", data);
                return Page.redirect("/dataset/" + PageCalls.encode((String) saved.get("name")));
            } catch (ValidationException e) {
                values = data;
                errors = SchemaForm.errors(e);
            }
        }
        var schema = portal.validation().schema(create ? "package_create" : "package_update");
        List<Map<String, Object>> fields = SchemaForm.fields(schema, Set.of(), values, errors, templates);
        List<Object> orgs = callList(r, "organization_list_for_user", model("permission", "create_dataset"));
        return Page.render(errors.isEmpty() ? 200 : 409, "package/form.html", model("fields", fields, "organizations", orgs,
                "licenses", callList(r, "license_list", Map.of()),
                "other_errors", SchemaForm.otherErrors(errors, fields, Set.of()), "pkg", create ? null : stored,
                "form_action", create ? "/dataset/new" : "/dataset/edit/" + id, "creating", create));
    }

    /** The dataset's free tags ({@code free}), or its tags of vocabularies (not free). */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> freeTags(Map<String, Object> dataset, boolean free) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object t : (List<Object>) dataset.getOrDefault("tags", List.of())) {
            Map<String, Object> tag = (Map<String, Object>) t;
            if ((tag.get("vocabulary_id") == null) == free) {
                out.add(free ? tag : Map.of("name", tag.get("name"), "vocabulary_id", tag.get("vocabulary_id")));
            }
        }
        return out;
    }

    private Page delete(PageRequest r) {
        Map<String, Object> pkg = PageCalls.show(r, "package_show", r.pathParam("id"));
        call(r, "package_delete", model("id", pkg.get("id")));
        return Page.redirect("/dataset");
    }

    private Page resourceForm(PageRequest req) {
        PageRequestImpl r = (PageRequestImpl) req;
        Map<String, Object> pkg = PageCalls.show(r, "package_show", r.pathParam("id"));
        String packageId = (String) pkg.get("id");
        PageCalls.require(r, "resource_create", model("package_id", packageId), "add resources to this dataset");
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Object> errors = Map.of();
        if (r.method().equals("POST")) {
            Map<String, Object> data = SchemaForm.submitted(r.form());
            data.put("package_id", packageId);
            try {
                callMap(r, "resource_create", data);
                return "again".equals(r.form().get("save")) ? Page.redirect("/dataset/" + PageCalls.encode((String) pkg.get("name")) + "/resource/new")
                        : Page.redirect("/dataset/" + PageCalls.encode((String) pkg.get("name")));
            } catch (ValidationException e) {
                data.remove("upload");
                values = data;
                errors = SchemaForm.errors(e);
            }
        }
        var schema = portal.validation().schema("resource_create");
        Set<String> drawn = Set.of("url", "upload", "file_id");
        List<Map<String, Object>> fields = SchemaForm.fields(schema, drawn, values, errors, templates);
        List<String> uploadErrors = new ArrayList<>(SchemaForm.messages(errors.get("upload")));
        uploadErrors.addAll(SchemaForm.messages(errors.get("file_id")));
        Map<String, Object> m = model("pkg", pkg, "fields", fields,
                "values", values, "url_errors", SchemaForm.messages(errors.get("url")), "upload_errors", uploadErrors,
                "resumable", PageCalls.may(r, "files_multipart_start", Map.of()), "earlier_files", FilePages.unattachedFiles(r),
                "storage_needs_widget", true,
                "other_errors", SchemaForm.otherErrors(errors, fields, drawn),
                "form_action", "/dataset/" + r.pathParam("id") + "/resource/new");
        m.putAll(FilePages.storageModel(portal, r));
        return Page.render(errors.isEmpty() ? 200 : 409, "package/resource_form.html", m);
    }

    private Page resource(PageRequest r) {
        Map<String, Object> pkg = PageCalls.show(r, "package_show", r.pathParam("id"));
        Map<String, Object> res = PageCalls.show(r, "resource_show", r.pathParam("rid"));
        if (!pkg.get("id").equals(res.get("package_id"))) {
            throw dev.portalkit.api.PortalException.notFound("Not found: " + r.pathParam("rid"));
        }
        return Page.render("package/resource_read.html", model("pkg", pkg, "res", res,
                "preview", ResourcePreview.kind(res)));
    }
}
