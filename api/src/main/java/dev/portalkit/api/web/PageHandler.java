package dev.portalkit.api.web;

/** Answers one page request. A {@link dev.portalkit.api.PortalException} becomes the error page of its status. */
@FunctionalInterface
public interface PageHandler {
    Page handle(PageRequest request);
}
