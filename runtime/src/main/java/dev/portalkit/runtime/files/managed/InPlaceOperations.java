package dev.portalkit.runtime.files.managed;

/**
 * What a COPY or MOVE whose target is its own source location does (the storage's
 * {@code skip_in_place_copy} / {@code skip_in_place_move}, file-keeper's and CKAN 2.12's settings):
 * skipped, it changes nothing and answers the source's data (the default); not skipped, it is refused
 * as a bad request naming the option. Never handed to the backend: a move emulated by copy and remove
 * would remove the only copy.
 *
 * @param skipCopy an in-place copy is a no-op
 * @param skipMove an in-place move is a no-op
 */
public record InPlaceOperations(boolean skipCopy, boolean skipMove) {
    public static final InPlaceOperations DEFAULT = new InPlaceOperations(true, true);
}
