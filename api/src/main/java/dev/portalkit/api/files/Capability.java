package dev.portalkit.api.files;

/**
 * An operation a storage can perform. A storage's capabilities are the union of what its
 * {@link Uploader}, {@link StorageReader} and {@link Manager} declare, minus the storage's
 * {@code disabled_capabilities} option. Actions check them before they call a service; callers
 * can too: {@code storage.supports(Capability.STREAM)}.
 */
public enum Capability {
    /** Create a file as an atomic object ({@link Uploader#upload}). */
    CREATE,
    /** Return the content as a stream ({@link StorageReader#stream}). */
    STREAM,
    /** Copy a file inside the storage ({@link Manager#copy}). */
    COPY,
    /** Remove a file ({@link Manager#remove}). */
    REMOVE,
    /** Create a file in stages: start, update (repeatable), complete ({@link Uploader#multipart()}: {@link MultipartUploads}). */
    MULTIPART,
    /** Move a file inside the storage ({@link Manager#move}). */
    MOVE,
    /** Check whether a file exists, without reading it ({@link Manager#exists}). */
    EXISTS,
    /** List every file of the storage ({@link Manager#scan}). */
    SCAN,
    /** Add content to an existing file ({@link Manager#append}). */
    APPEND,
    /** Combine files into a new one ({@link Manager#compose}). */
    COMPOSE,
    /** Return a range of bytes ({@link StorageReader#range}). */
    RANGE,
    /** Describe a stored file as if it was just uploaded ({@link Manager#analyze}). */
    ANALYZE,
    /** A permanent download link for a private file ({@link StorageReader#permanentLink}). */
    PERMANENT_LINK,
    /** An expiring download link for a private file ({@link StorageReader#temporalLink}). */
    TEMPORAL_LINK,
    /** A download link that works once ({@link StorageReader#oneTimeLink}). */
    ONE_TIME_LINK,
    /** A permanent public link ({@link StorageReader#publicLink}). */
    PUBLIC_LINK
}
