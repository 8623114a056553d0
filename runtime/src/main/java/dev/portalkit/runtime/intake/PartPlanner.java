package dev.portalkit.runtime.intake;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The decision on each file part of one request, taken before anything of it is written
 * ({@link UploadIntake.Admission} is the portal's answer); {@link SpooledParts} applies it while
 * the part's bytes arrive.
 */
public interface PartPlanner {
    /**
     * Accepts a file part, or refuses it with a {@link dev.portalkit.api.PortalException} that names
     * the field (the request then ends with that error).
     *
     * @param field     the part's field name
     * @param filename  the part's file name as the client sent it
     * @param fields    the text fields read before the part (values are strings, or lists of them)
     * @param remaining the bytes the request's Content-Length leaves from the part's first byte on, or -1
     */
    FilePlan filePart(String field, String filename, Map<String, Object> fields, long remaining);

    /** A new empty spool file for an accepted part; {@link SpooledParts} deletes it when the request ends. */
    Path newSpool() throws IOException;
}
