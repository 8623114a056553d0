package dev.portalkit.runtime.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of {@code portal_package_tag}: a tag on a dataset ({@code state} active or deleted, as in CKAN). */
@Entity
@Table(name = "portal_package_tag")
public class PackageTagRecord {
    @Id
    public String id;
    @Column(name = "package_id")
    public String packageId;
    @Column(name = "tag_id")
    public String tagId;
    public String state;
}
