package dev.portalkit.api.web;

/**
 * Where a blueprint adds its routes. A path is literal segments and {@code {name}} segments, each
 * matching one non-empty segment (read with {@link PageRequest#pathParam}); paths under
 * {@code /api/}, {@code /files/} and {@code /assets/} are the portal's own and are refused.
 */
public interface Routes {
    /** Answers {@code GET} (and {@code HEAD}) on {@code path}. */
    Routes get(String path, PageHandler handler);

    /** Answers {@code POST} on {@code path} (after the CSRF check). */
    Routes post(String path, PageHandler handler);
}
