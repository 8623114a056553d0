package dev.portalkit.runtime.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A row of {@code portal_group}: a group, or an organization when {@link #isOrganization}. */
@Entity
@Table(name = "portal_group")
public class GroupRecord {
    @Id
    public String id;
    public String name;
    public String title;
    public String description;
    @Column(name = "image_url")
    public String imageUrl;
    public String type;
    @Column(name = "is_organization")
    public boolean isOrganization;
    public String state;
    @Column(name = "custom_fields")
    public String customFields;
    public Instant created;
}
