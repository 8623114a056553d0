package dev.portalkit.runtime.files.tracked;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of {@code files_storage_data}: one scalar of a file's storage data, for search. */
@Entity
@Table(name = "files_storage_data")
public class StorageDataRecord {
    @Id
    public String id;
    @Column(name = "file_id")
    public String fileId;
    @Column(name = "data_key")
    public String dataKey;
    @Column(name = "data_value")
    public String dataValue;
}
