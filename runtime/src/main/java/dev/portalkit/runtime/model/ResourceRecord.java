package dev.portalkit.runtime.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A row of {@code portal_resource}. Fields beyond the columns live in {@link #extras} (JSON), as CKAN's resource extras. */
@Entity
@Table(name = "portal_resource")
public class ResourceRecord {
    @Id
    public String id;
    @Column(name = "package_id")
    public String packageId;
    public String name;
    public String description;
    public String url;
    @Column(name = "url_type")
    public String urlType;
    public String format;
    public String mimetype;
    public Long size;
    public String hash;
    /** The tracked file holding this resource's uploaded content (default uploader), or null. */
    @Column(name = "file_id")
    public String fileId;
    public int position;
    public String state;
    public String extras;
    public Instant created;
    @Column(name = "metadata_modified")
    public Instant metadataModified;
}
