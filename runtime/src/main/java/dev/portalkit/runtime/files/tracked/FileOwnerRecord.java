package dev.portalkit.runtime.files.tracked;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of {@code files_owner}: the owner of one file (no row: no owner). */
@Entity
@Table(name = "files_owner")
public class FileOwnerRecord {
    @Id
    @Column(name = "file_id")
    public String fileId;
    @Column(name = "owner_type")
    public String ownerType;
    @Column(name = "owner_id")
    public String ownerId;
    public boolean pinned;
}
