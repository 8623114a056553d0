package dev.portalkit.runtime.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of {@code portal_package_extra}: one key/value extra of a dataset. */
@Entity
@Table(name = "portal_package_extra")
public class PackageExtraRecord {
    @Id
    public String id;
    @Column(name = "package_id")
    public String packageId;
    @Column(name = "extra_key")
    public String key;
    @Column(name = "extra_value")
    public String value;
}
