package dev.portalkit.integration.pages;

import static dev.portalkit.integration.pages.PageCalls.call;
import static dev.portalkit.integration.pages.PageCalls.callList;
import static dev.portalkit.integration.pages.PageCalls.callMap;
import static dev.portalkit.integration.pages.PageCalls.model;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.web.Page;
import dev.portalkit.api.web.PageRequest;
import dev.portalkit.runtime.Portal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The user's files ({@code /dashboard/files}: list, search by name prefix, upload, rename, delete,
 * a download link, attach to one of their datasets) and the sysadmins' storage page
 * ({@code /ckan-admin/storages}). Every button is a form that POSTs to an action.
 */
final class FilePages {
    private static final int PAGE_SIZE = 25;

    private final Portal portal;

    FilePages(Portal portal) {
        this.portal = portal;
    }

    void routes(Router r) {
        r.get("/dashboard/files", req -> dashboard(req, null, Map.of()));
        r.postUpload("/dashboard/files/upload", "files_file_create", this::upload);
        r.post("/dashboard/files/{id}/rename", req -> fileAction(req, "files_file_rename", model("name", req.param("name").orElse(""))));
        r.post("/dashboard/files/{id}/delete", req -> fileAction(req, "files_file_delete", Map.of()));
        r.post("/dashboard/files/{id}/link", this::link);
        r.post("/dashboard/files/{id}/attach", this::attach);
        r.get("/ckan-admin/storages", this::storages);
    }

    private Page dashboard(PageRequest req, String message, Map<String, Object> extra) {
        if (req.user().isEmpty()) {
            return PageCalls.loginFirst(req);
        }
        PageRequestImpl r = (PageRequestImpl) req;
        String q = r.query("q");
        int page = PageCalls.pageNumber(r.query("page"));
        Map<String, Object> data = model("owner_type", "user", "owner_id", req.user().get().id(), "rows", PAGE_SIZE,
                "start", (page - 1) * PAGE_SIZE, "sort", "ctime desc");
        if (q != null && !q.isBlank()) {
            data.put("name", model("$gte", q.strip(), "$lt", q.strip() + "\uffff"));
        }
        Map<String, Object> found = callMap(r, "files_file_search", data);
        long count = ((Number) found.get("count")).longValue();
        Map<String, Object> m = model("files", found.get("results"), "count", count, "q", q, "message", message,
                "pages", new SearchLinks("/dashboard/files", q, null, Map.of()).pages(page, count, PAGE_SIZE),
                "can_upload", PageCalls.may(r, "files_file_create", Map.of()),
                "resumable", PageCalls.may(r, "files_multipart_start", Map.of()),
                "storage_needs_widget", false,
                "datasets", myDatasets(r));
        m.putAll(storageModel(portal, r));
        m.putAll(extra);
        return Page.render(extra.containsKey("errors") ? 409 : 200, "dashboard/files.html", m);
    }

    /**
     * The user's own files, which no resource uses (a resource's file belongs to the resource): what the
     * resource form offers as "a file you uploaded before"; empty for a visitor or when the search is not allowed.
     */
    static List<Object> unattachedFiles(PageRequest r) {
        if (r.user().isEmpty()) {
            return List.of();
        }
        try {
            Map<String, Object> found = callMap(r, "files_file_search", model("owner_type", "user", "owner_id", r.user().get().id(),
                    "rows", 50, "sort", "ctime desc"));
            @SuppressWarnings("unchecked")
            List<Object> files = (List<Object>) found.get("results");
            return files;
        } catch (PortalException e) {
            return List.of();
        }
    }

    /**
     * The storages this user may upload into through the File API, the default first; the forms
     * offer a choice only when there are several. Listed by the portal itself (the list action is
     * for sysadmins), then each asked of the user's own auth function.
     */
    static List<String> uploadStorages(Portal portal, PageRequest r) {
        if (r.user().isEmpty()) {
            return List.of();
        }
        List<String> out = new java.util.ArrayList<>();
        for (Object o : listAsPortal(portal, "files_storage_list")) {
            Map<?, ?> s = (Map<?, ?>) o;
            if (Boolean.TRUE.equals(s.get("open")) && PageCalls.may(r, "files_multipart_start", model("storage", s.get("name"), "name", "x"))) {
                if (Boolean.TRUE.equals(s.get("default"))) {
                    out.add(0, (String) s.get("name"));
                } else {
                    out.add((String) s.get("name"));
                }
            }
        }
        return out;
    }

    /**
     * The model entries of an upload field: {@code storages}, those this user may upload into
     * ({@link #uploadStorages}); {@code direct_storages}, those of them the widget sends files to
     * straight from the browser (listed in {@code portal.upload_widget.direct_storages} and able to
     * sign part uploads); and the origins their parts go to, which the page's CSP allows.
     */
    static Map<String, Object> storageModel(Portal portal, PageRequest r) {
        List<String> allowed = uploadStorages(portal, r);
        List<String> wanted = portal.config().list(dev.portalkit.integration.web.WebPlugin.DIRECT_WIDGET_STORAGES);
        List<String> direct = new java.util.ArrayList<>();
        java.util.Set<String> origins = new java.util.LinkedHashSet<>();
        if (!wanted.isEmpty()) {
            for (Object o : listAsPortal(portal, "files_storage_list")) {
                Map<?, ?> s = (Map<?, ?>) o;
                if (Boolean.TRUE.equals(s.get("direct")) && wanted.contains(s.get("name")) && allowed.contains(s.get("name"))) {
                    direct.add((String) s.get("name"));
                    for (Object origin : (List<?>) s.get("direct_origins")) {
                        origins.add((String) origin);
                    }
                }
            }
        }
        return model("storages", allowed, "direct_storages", direct, PageServlet.CONNECT_ORIGINS, List.copyOf(origins));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> listAsPortal(Portal portal, String action) {
        return (List<Object>) portal.context(java.util.Optional.empty(), true).call(action, new java.util.LinkedHashMap<>());
    }

    /** Datasets the user may add resources to (for "attach"). */
    private static List<Object> myDatasets(PageRequest r) {
        Map<String, Object> found = callMap(r, "package_search", model("rows", 100, "include_private", true, "include_drafts", true,
                "sort", "title asc"));
        return ((List<?>) found.get("results")).stream().map(o -> (Object) o)
                .filter(o -> PageCalls.may(r, "resource_create", model("package_id", ((Map<?, ?>) o).get("id")))).toList();
    }

    private Page upload(PageRequest req) {
        PageRequestImpl r = (PageRequestImpl) req;
        if (r.user().isEmpty()) {
            return PageCalls.loginFirst(r);
        }
        Map<String, Object> data = SchemaForm.submitted(r.form());
        try {
            call(r, "files_file_create", data);
        } catch (ValidationException e) {
            return dashboard(r, null, model("errors", SchemaForm.messages(List.copyOf(e.errors().values()))));
        }
        return Page.redirect("/dashboard/files");
    }

    private Page fileAction(PageRequest r, String action, Map<String, Object> extra) {
        Map<String, Object> data = new LinkedHashMap<>(extra);
        data.put("id", r.pathParam("id"));
        try {
            call(r, action, data);
        } catch (ValidationException e) {
            return dashboard(r, null, model("errors", SchemaForm.messages(List.copyOf(e.errors().values()))));
        }
        return Page.redirect("/dashboard/files");
    }

    private Page link(PageRequest r) {
        Map<String, Object> link = callMap(r, "files_file_link", model("id", r.pathParam("id"), "type", "temporal", "duration", "PT1H"));
        return dashboard(r, null, model("link", link, "link_file", r.pathParam("id")));
    }

    /** A new resource of one of the user's datasets made from this file (the file becomes the resource's). */
    private Page attach(PageRequest r) {
        String packageId = r.param("package_id").orElseThrow(() -> ValidationException.of("package_id", "Missing value"));
        Map<String, Object> file = callMap(r, "files_file_show", model("id", r.pathParam("id")));
        try {
            call(r, "resource_create", model("package_id", packageId, "file_id", file.get("id"), "name", file.get("name")));
        } catch (ValidationException e) {
            return dashboard(r, null, model("errors", SchemaForm.messages(List.copyOf(e.errors().values()))));
        }
        return Page.redirect("/dataset/" + PageCalls.encode(packageId));
    }

    private Page storages(PageRequest r) {
        if (r.user().isEmpty()) {
            return PageCalls.loginFirst(r);
        }
        if (!r.user().get().sysadmin()) {
            throw PortalException.denied("Only sysadmins may see the storages");
        }
        return Page.render("admin/storages.html", model("storages", callList(r, "files_storage_list", Map.of())));
    }
}
