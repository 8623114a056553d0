package dev.portalkit.api.web;

import java.util.Optional;

/**
 * Extension point: who a request is (CKAN's {@code IAuthenticator}). For every page, action and
 * download request without an API token, the enabled plugins' authenticators are asked in
 * {@code portal.plugins} order; the first that names a user decides. After them come the
 * built-in ones: the API token ({@code Authorization} header) and the session cookie of the
 * password login. A named user must exist and be active, else the request is anonymous.
 *
 * <p>An authenticator that trusts something a proxy sets (a header naming the user after
 * single sign-on) must be enabled only behind a proxy that removes that header from clients'
 * requests. Requests it authenticates are ambient-credential requests: their {@code POST}s need
 * the CSRF token like a cookie session's.
 */
public interface IAuthenticator {
    /** The name of the user this request is, or empty for no opinion. */
    Optional<String> identify(WebRequest request);
}
