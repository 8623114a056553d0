package dev.portalkit.runtime.files.tracked;

import dev.portalkit.runtime.db.EntityTypes;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Registers the File API's JPA entities (tables of the files plugin's migrations) with the persistence unit. */
@ApplicationScoped
public class FileEntities implements EntityTypes {
    @Override
    public List<Class<?>> entityClasses() {
        return List.of(FileRecord.class, FileOwnerRecord.class, FileTransferRecord.class, StorageDataRecord.class,
                MultipartRecord.class, ResumableRecord.class);
    }
}
