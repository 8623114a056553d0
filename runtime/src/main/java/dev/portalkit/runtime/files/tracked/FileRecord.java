package dev.portalkit.runtime.files.tracked;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A row of {@code files_file}: a tracked file. {@link #storageData} is JSON text. */
@Entity
@Table(name = "files_file")
public class FileRecord {
    @Id
    public String id;
    public String name;
    public String location;
    public String storage;
    public long size;
    @Column(name = "content_type")
    public String contentType;
    public String hash;
    @Column(name = "hash_algorithm")
    public String hashAlgorithm;
    @Column(name = "storage_data")
    public String storageData;
    public Instant ctime;
    public Instant mtime;
    public Instant atime;
    /** Raised by {@code files_file_link_revoke}: links made under an older generation stop working. */
    @Column(name = "link_generation")
    public int linkGeneration;
    /** Why {@code files verify --repair} found the file broken (bytes missing or different); null when sound. */
    public String broken;
}
