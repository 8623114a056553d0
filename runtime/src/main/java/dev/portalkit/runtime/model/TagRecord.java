package dev.portalkit.runtime.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of {@code portal_tag}: a free tag ({@link #vocabularyId} null) or a tag of a vocabulary. */
@Entity
@Table(name = "portal_tag")
public class TagRecord {
    @Id
    public String id;
    public String name;
    @Column(name = "vocabulary_id")
    public String vocabularyId;
    /** The vocabulary's id, or the empty string for a free tag (what the unique index looks at). */
    @Column(name = "vocabulary_key")
    public String vocabularyKey;
}
