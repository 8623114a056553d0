package dev.portalkit.runtime.files.tracked;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A row of {@code files_transfer}: one change of a file's owner. */
@Entity
@Table(name = "files_transfer")
public class FileTransferRecord {
    @Id
    public String id;
    @Column(name = "file_id")
    public String fileId;
    @Column(name = "actor_id")
    public String actorId;
    @Column(name = "actor_name")
    public String actorName;
    @Column(name = "from_type")
    public String fromType;
    @Column(name = "from_id")
    public String fromId;
    @Column(name = "to_type")
    public String toType;
    @Column(name = "to_id")
    public String toId;
    @Column(name = "transferred_at")
    public Instant transferredAt;
}
