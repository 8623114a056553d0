package dev.portalkit.runtime.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A row of {@code portal_package}: a dataset. Schema fields that are not columns live in {@link #customFields} (JSON). */
@Entity
@Table(name = "portal_package")
public class PackageRecord {
    @Id
    public String id;
    public String name;
    public String title;
    public String notes;
    public String url;
    public String author;
    @Column(name = "author_email")
    public String authorEmail;
    public String maintainer;
    @Column(name = "maintainer_email")
    public String maintainerEmail;
    public String version;
    @Column(name = "license_id")
    public String licenseId;
    @Column(name = "private")
    public boolean isPrivate;
    @Column(name = "owner_org")
    public String ownerOrg;
    public String state;
    public String type;
    @Column(name = "creator_user_id")
    public String creatorUserId;
    @Column(name = "custom_fields")
    public String customFields;
    @Column(name = "metadata_created")
    public Instant metadataCreated;
    @Column(name = "metadata_modified")
    public Instant metadataModified;
}
