package dev.portalkit.runtime.files.tracked;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A row of {@code files_multipart}: an unfinished multipart upload, so that any node can continue
 * it. {@link #storageData} (the adapter's state) and {@link #parts} ({@code {"<n>": size}}) are JSON.
 */
@Entity
@Table(name = "files_multipart")
public class MultipartRecord {
    @Id
    public String id;
    public String storage;
    public String location;
    public String name;
    public long size;
    @Column(name = "content_type")
    public String contentType;
    public String hash;
    @Column(name = "storage_data")
    public String storageData;
    public String parts;
    @Column(name = "initiator_id")
    public String initiatorId;
    @Column(name = "initiator_name")
    public String initiatorName;
    public Instant ctime;
}
