package dev.portalkit.runtime.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A row of {@code portal_web_session}: the SHA-256 hash of the session cookie's value, never the value. */
@Entity
@Table(name = "portal_web_session")
public class WebSessionRecord {
    @Id
    public String id;
    @Column(name = "user_id")
    public String userId;
    @Column(name = "csrf_token")
    public String csrfToken;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "last_seen_at")
    public Instant lastSeenAt;
    @Column(name = "expires_at")
    public Instant expiresAt;
}
