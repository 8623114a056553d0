package dev.portalkit.runtime.files.tracked;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A row of {@code files_resumable}: a resumable (tus) upload. Its bytes go into the multipart
 * upload {@link #multipartId} in parts of {@link #partSize}; {@link #flushed} bytes are in parts
 * {@code 1..nextPart-1}, the {@link #received} bytes after them wait in {@code files_resumable_chunk}
 * until a whole part (or the last byte) arrived (or, {@link #whole}, until the last byte). Once
 * complete, {@link #fileId} names the tracked file.
 */
@Entity
@Table(name = "files_resumable")
public class ResumableRecord {
    @Id
    public String id;
    @Column(name = "multipart_id")
    public String multipartId;
    @Column(name = "file_id")
    public String fileId;
    public String storage;
    public String name;
    /** The announced length; {@code null} while deferred. */
    public Long length;
    /** The most a deferred length may become (what the multipart upload was started with). */
    @Column(name = "length_limit")
    public long lengthLimit;
    public long received;
    public long flushed;
    @Column(name = "next_part")
    public int nextPart;
    @Column(name = "part_size")
    public long partSize;
    /**
     * The storage takes no multipart uploads: every byte waits in {@code files_resumable_chunk}
     * until the last, then the file is created from them in one piece ({@code files_file_create}).
     */
    public boolean whole;
    /** The declared type ({@code content_type} of the metadata), or {@code null}. */
    @Column(name = "content_type")
    public String contentType;
    /** The {@code Upload-Metadata} header as the client sent it. */
    public String metadata;
    /** JSON: the fields handed to {@code files_multipart_complete}. */
    public String fields;
    @Column(name = "initiator_id")
    public String initiatorId;
    public Instant ctime;
    public Instant mtime;
}
