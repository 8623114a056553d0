package dev.portalkit.runtime.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A row of {@code portal_user}. The password is stored only as a PBKDF2 hash ({@link PasswordHasher}). */
@Entity
@Table(name = "portal_user")
public class UserRecord {
    @Id
    public String id;
    public String name;
    public String email;
    public String fullname;
    public String about;
    /** A link with a scheme, or the location of the user's tracked image file. */
    @Column(name = "image_url")
    public String imageUrl;
    @Column(name = "password_hash")
    public String passwordHash;
    public boolean sysadmin;
    public String state;
    @Column(name = "custom_fields")
    public String customFields;
    public Instant created;
}
