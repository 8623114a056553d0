-- Web sessions of the portal's pages (a login form's cookie): the SHA-256 hash of the cookie's
-- value, never the value; its user; the CSRF token the session's forms carry; when it was made,
-- last used and when it ends. Logout deletes the row, so a copied cookie stops working at once.
CREATE TABLE portal_web_session (
    id VARCHAR(64) PRIMARY KEY,
    user_id VARCHAR(36) NOT NULL REFERENCES portal_user (id) ON DELETE CASCADE,
    csrf_token VARCHAR(64) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX portal_web_session_user ON portal_web_session (user_id);
CREATE INDEX portal_web_session_expires ON portal_web_session (expires_at);
