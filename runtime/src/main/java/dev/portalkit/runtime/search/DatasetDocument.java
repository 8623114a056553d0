package dev.portalkit.runtime.search;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the built-in index keeps of one {@code package_show} dict: its text in four weights (A: name
 * and title; B: tags; C: notes; D: the rest a user would search for: extras, resources,
 * organization, groups, author, maintainer) and its facet values ({@code organization} and
 * {@code groups} by name, {@code tags} for free tags, {@code vocab_<vocabulary>} for a
 * vocabulary's, {@code res_format}, {@code license_id}, {@code extras_<key>}).
 */
record DatasetDocument(String id, Columns columns, List<String> weighted, Set<Facet> facets) {
    /** Longest facet value kept (longer values are searchable as text only). */
    static final int MAX_VALUE = 200;

    record Facet(String field, String value) {
    }

    /** The dataset's fields searches filter and sort on. */
    record Columns(String state, boolean isPrivate, String ownerOrg, String creatorUserId, String type, String name, String title,
                   java.time.Instant created, java.time.Instant modified) {
    }

    /** CKAN's timestamps: UTC without a zone ({@code 2026-12-04T12:49:19.929443}). */
    static java.time.Instant instant(Object value) {
        if (!(value instanceof String s) || s.isBlank()) {
            return null;
        }
        try {
            return java.time.LocalDateTime.parse(s).toInstant(java.time.ZoneOffset.UTC);
        } catch (java.time.format.DateTimeParseException e) {
            try {
                return java.time.Instant.parse(s);
            } catch (java.time.format.DateTimeParseException again) {
                return null;
            }
        }
    }

    /** The facet values as one text, a line each: field, tab, value. */
    String facetText() {
        StringBuilder out = new StringBuilder();
        for (Facet f : facets) {
            out.append(f.field()).append('\t').append(f.value()).append('\n');
        }
        return out.toString();
    }

    /**
     * @param vocabularies vocabulary names by id, for the tags of vocabularies
     */
    static DatasetDocument of(Map<String, Object> dataset, Map<String, String> vocabularies) {
        String id = String.valueOf(dataset.get("id"));
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        StringBuilder c = new StringBuilder();
        StringBuilder d = new StringBuilder();
        Set<Facet> facets = new LinkedHashSet<>();
        String name = text(dataset.get("name"));
        append(a, name.replace('-', ' ').replace('_', ' '));
        append(a, text(dataset.get("title")));
        append(c, text(dataset.get("notes")));
        for (String key : List.of("author", "maintainer", "version", "url")) {
            append(d, text(dataset.get(key)));
        }
        facet(facets, "license_id", dataset.get("license_id"));
        if (dataset.get("organization") instanceof Map<?, ?> org) {
            facet(facets, "organization", org.get("name"));
            append(d, text(org.get("title")));
        }
        for (Map<String, Object> group : maps(dataset.get("groups"))) {
            facet(facets, "groups", group.get("name"));
            append(d, text(group.get("title")));
        }
        for (Map<String, Object> tag : maps(dataset.get("tags"))) {
            Object vocabularyId = tag.get("vocabulary_id");
            String vocabulary = vocabularyId == null ? null : vocabularies.get(String.valueOf(vocabularyId));
            if (vocabularyId == null) {
                facet(facets, "tags", tag.get("name"));
            } else if (vocabulary != null) {
                facet(facets, "vocab_" + vocabulary, tag.get("name"));
            }
            append(b, text(tag.get("name")));
        }
        for (Map<String, Object> resource : maps(dataset.get("resources"))) {
            facet(facets, "res_format", resource.get("format"));
            append(d, text(resource.get("name")));
            append(d, text(resource.get("description")));
            append(d, text(resource.get("format")));
        }
        for (Map<String, Object> extra : maps(dataset.get("extras"))) {
            String key = text(extra.get("key"));
            if (!key.isEmpty() && key.length() <= MAX_VALUE - "extras_".length() && key.chars().noneMatch(Character::isISOControl)) {
                facet(facets, "extras_" + key, extra.get("value"));
            }
            append(d, text(extra.get("value")));
        }
        Columns columns = new Columns(text(dataset.get("state")), Boolean.TRUE.equals(dataset.get("private")),
                nullIfEmpty(text(dataset.get("owner_org"))), nullIfEmpty(text(dataset.get("creator_user_id"))),
                nullIfEmpty(text(dataset.get("type"))), name, nullIfEmpty(text(dataset.get("title"))),
                instant(dataset.get("metadata_created")), instant(dataset.get("metadata_modified")));
        return new DatasetDocument(id, columns, List.of(a.toString(), b.toString(), c.toString(), d.toString()), facets);
    }

    private static String nullIfEmpty(String s) {
        return s.isEmpty() ? null : s;
    }

    private static void facet(Set<Facet> facets, String field, Object value) {
        String v = text(value).strip().replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
        if (!v.isEmpty() && v.length() <= MAX_VALUE) {
            facets.add(new Facet(field, v));
        }
    }

    private static void append(StringBuilder out, String text) {
        if (!text.isBlank()) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(text);
        }
    }

    private static String text(Object value) {
        return value == null ? "" : value instanceof String s ? s : value instanceof Number || value instanceof Boolean
                ? String.valueOf(value) : "";
    }

    private static List<Map<String, Object>> maps(Object value) {
        return dev.portalkit.runtime.Json.objects(value);
    }
}
