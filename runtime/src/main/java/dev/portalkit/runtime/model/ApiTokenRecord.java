package dev.portalkit.runtime.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A row of {@code portal_api_token}: the token's SHA-256 hash, never the token. */
@Entity
@Table(name = "portal_api_token")
public class ApiTokenRecord {
    @Id
    public String id;
    @Column(name = "user_id")
    public String userId;
    public String name;
    @Column(name = "token_hash")
    public String tokenHash;
    @Column(name = "created_at")
    public Instant createdAt;
}
