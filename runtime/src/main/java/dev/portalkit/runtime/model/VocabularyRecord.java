package dev.portalkit.runtime.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of {@code portal_vocabulary}: a named, closed list of tags (CKAN's tag vocabularies). */
@Entity
@Table(name = "portal_vocabulary")
public class VocabularyRecord {
    @Id
    public String id;
    public String name;
}
