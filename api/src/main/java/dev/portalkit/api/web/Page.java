package dev.portalkit.api.web;

import java.util.Map;
import java.util.Objects;

/**
 * What a page handler answers: a template rendered with a model, or a redirect.
 *
 * @param status   the HTTP status (200 for a page, 303 for a redirect)
 * @param template the template's name, such as {@code example/hello.html}; null for a redirect
 * @param model    the template's variables (the portal adds {@code user}, {@code csrf_token} and
 *                 {@code request_path})
 * @param location where a redirect goes (a path of this portal); null for a page
 */
public record Page(int status, String template, Map<String, Object> model, String location) {
    public Page {
        model = model == null ? Map.of() : model;
    }

    /** {@code template} rendered with {@code model}, status 200. */
    public static Page render(String template, Map<String, Object> model) {
        return new Page(200, Objects.requireNonNull(template, "template"), model, null);
    }

    /** {@code template} rendered with {@code model} and another status (a refused form is 400 or 409). */
    public static Page render(int status, String template, Map<String, Object> model) {
        return new Page(status, Objects.requireNonNull(template, "template"), model, null);
    }

    /** {@code 303 See Other} to a path of this portal (after a {@code POST}: post/redirect/get). */
    public static Page redirect(String location) {
        if (location == null || !location.startsWith("/") || location.startsWith("//")) {
            throw new IllegalArgumentException("a redirect goes to a path of this portal, starting with one '/': " + location);
        }
        return new Page(303, null, Map.of(), location);
    }
}
