package dev.portalkit.api.web;

import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.action.UserRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One browser request to a page, as a handler sees it. */
public interface PageRequest {
    /** {@code GET} or {@code POST}. */
    String method();

    /** The path below the portal's root, starting with {@code /}. */
    String path();

    /** A {@code {name}} segment of the route's path, decoded. */
    String pathParam(String name);

    /** The first value of a query parameter, or of a form field of a {@code POST}. */
    Optional<String> param(String name);

    /** Every query parameter and form field with its values, in order. */
    Map<String, List<String>> params();

    /** The signed-in user; empty for a visitor. */
    Optional<UserRef> user();

    /** The action context of this request's user: call actions through it ({@code context().call(name, data)}). */
    ActionContext context();

    /** A request header, or null. */
    String header(String name);
}
