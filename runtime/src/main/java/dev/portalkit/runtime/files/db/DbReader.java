package dev.portalkit.runtime.files.db;

import static dev.portalkit.runtime.files.db.DbRows.FILES;
import static dev.portalkit.runtime.files.db.DbRows.FILE_KEY;

import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.FileData;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.api.files.StorageReader;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.Set;

/** Reads the files of a {@link DbStorage}: streams and ranges of a content row. */
final class DbReader implements StorageReader {
    private final DbRows db;

    DbReader(DbRows db) {
        this.db = db;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.STREAM, Capability.RANGE);
    }

    @Override
    public InputStream stream(FileData data) {
        return range(data, 0, Long.MAX_VALUE);
    }

    @Override
    public InputStream range(FileData data, long start, long end) {
        InputStream in = db.openContent(FILES, FILE_KEY, db.file(data.location()), start, end);
        if (in == null) {
            throw FilesException.missingFile(db.name(), data.location());
        }
        return in;
    }
}
