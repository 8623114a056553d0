package dev.portalkit.runtime.model;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.Action;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.auth.AuthFunction;
import dev.portalkit.api.auth.AuthResult;
import dev.portalkit.api.validation.Invalid;
import dev.portalkit.api.validation.Schema;
import dev.portalkit.api.validation.Validator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Tags and tag vocabularies with CKAN's actions and rules: free tags are made by the datasets
 * that use them; a vocabulary's tags are made by sysadmins ({@code vocabulary_create},
 * {@code tag_create}) and a dataset may only use those. A tag name is 2 to 100 characters of
 * letters, digits, spaces, hyphens, underscores and dots.
 */
final class TagActions {
    static final int MIN_LENGTH = 2;
    static final int MAX_LENGTH = 100;
    private static final Pattern TAG_NAME = Pattern.compile("[\\w \\-.]*", Pattern.UNICODE_CHARACTER_CLASS);
    private static final String FREE = "";

    private static final Schema VOCABULARY_CREATE = Schema.empty()
            .with("name", "not_empty", "unicode_safe", "strip_value", "vocabulary_name_validator")
            .withNested("tags", Schema.empty().with("name", "not_empty", "unicode_safe", "strip_value",
                    "tag_length_validator", "tag_name_validator"), "ignore_missing");
    private static final Schema TAG_LIST = Schema.empty()
            .with("query", "ignore_missing", "unicode_safe")
            .with("vocabulary_id", "ignore_missing", "unicode_safe")
            .with("all_fields", "default(false)", "boolean_validator");
    private static final Schema TAG_CREATE = Schema.empty()
            .with("name", "not_empty", "unicode_safe", "strip_value", "tag_length_validator", "tag_name_validator")
            .with("vocabulary_id", "not_empty", "unicode_safe");
    private static final Schema TAG_SHOW = Schema.empty()
            .with("id", "not_empty", "unicode_safe")
            .with("vocabulary_id", "ignore_missing", "unicode_safe")
            .with("include_datasets", "default(false)", "boolean_validator");

    private final ModelStore store;
    private final DatasetIndexing indexing;

    /** @param indexing re-indexes the datasets whose tags a vocabulary change removed */
    TagActions(ModelStore store, DatasetIndexing indexing) {
        this.store = store;
        this.indexing = indexing;
    }

    void register(Map<String, Action> actions, Map<String, AuthFunction> auth) {
        actions.put("vocabulary_create", Action.validating(VOCABULARY_CREATE, this::vocabularyCreate));
        actions.put("vocabulary_update", Action.validating(VOCABULARY_CREATE.with("id", "ignore"), this::vocabularyUpdate));
        actions.put("vocabulary_delete", this::vocabularyDelete);
        actions.put("vocabulary_show", Action.sideEffectFree((ctx, data) -> vocabularyDict(requireVocabulary(data, "id"))));
        actions.put("vocabulary_list", Action.sideEffectFree((ctx, data) -> store.em()
                .createQuery("SELECT v FROM VocabularyRecord v ORDER BY v.name", VocabularyRecord.class)
                .getResultList().stream().map(this::vocabularyDict).toList()));
        actions.put("tag_create", Action.validating(TAG_CREATE, this::tagCreate));
        actions.put("tag_delete", this::tagDelete);
        actions.put("tag_show", Action.validating(TAG_SHOW, Action.sideEffectFree(this::tagShow)));
        actions.put("tag_list", Action.validating(TAG_LIST, Action.sideEffectFree(this::tagList)));
        AuthFunction sysadmins = (ctx, data) -> AuthResult.deny(Permissions.who(ctx) + " is not authorized to manage tag vocabularies");
        for (String name : List.of("vocabulary_create", "vocabulary_update", "vocabulary_delete", "tag_create", "tag_delete")) {
            auth.put(name, sysadmins);
        }
        for (String name : List.of("vocabulary_show", "vocabulary_list", "tag_show", "tag_list")) {
            auth.put(name, AuthFunction.allowAnonymous((ctx, data) -> AuthResult.allow()));
        }
    }

    /** The validators the tag fields of the core schemas name (CKAN's names and messages). */
    void validators(Map<String, Validator> v) {
        v.put("tag_length_validator", f -> {
            if (f.value() instanceof String tag) {
                if (tag.length() < MIN_LENGTH) {
                    throw new Invalid("Tag \"" + tag + "\" length is less than minimum " + MIN_LENGTH);
                }
                if (tag.length() > MAX_LENGTH) {
                    throw new Invalid("Tag \"" + shortened(tag) + "\" length is more than maximum " + MAX_LENGTH);
                }
            }
        });
        v.put("tag_name_validator", f -> {
            if (f.value() instanceof String tag && !TAG_NAME.matcher(tag).matches()) {
                throw new Invalid("Tag \"" + shortened(tag) + "\" can only contain alphanumeric characters, spaces (\" \"), "
                        + "hyphens (\"-\"), underscores (\"_\") or dots (\".\")");
            }
        });
        // CKAN's tag_string_convert: "a, b ,c" becomes tags a, b and c, appended to any tags given.
        v.put("tag_string_convert", f -> {
            if (f.value() == null) {
                return;
            }
            if (!(f.value() instanceof String text)) {
                throw new Invalid("Must be a comma-separated string of tags");
            }
            List<Object> tags = new ArrayList<>(f.data().get("tags") instanceof List<?> l ? l : List.of());
            for (String part : text.split(",")) {
                if (!part.strip().isEmpty()) {
                    tags.add(new LinkedHashMap<>(Map.of("name", part.strip())));
                }
            }
            f.data().put("tags", tags);
            f.remove();
        });
        v.put("vocabulary_name_validator", f -> {
            if (f.value() instanceof String name) {
                if (name.length() < MIN_LENGTH || name.length() > MAX_LENGTH) {
                    throw new Invalid("Name must be " + MIN_LENGTH + " to " + MAX_LENGTH + " characters long");
                }
                Object self = f.data().get("id");
                VocabularyRecord other = store.read(() -> vocabulary(name));
                if (other != null && !other.id.equals(self)) {
                    throw new Invalid("That vocabulary name is already in use.");
                }
            }
        });
        // A vocabulary named by id or name becomes its id.
        v.put("vocabulary_id_exists", f -> {
            if (f.value() instanceof String ref && !ref.isBlank()) {
                VocabularyRecord vocabulary = store.read(() -> vocabulary(ref.strip()));
                if (vocabulary == null) {
                    throw new Invalid("Tag vocabulary was not found.");
                }
                f.set(vocabulary.id);
            }
        });
    }

    // ---- vocabularies -----------------------------------------------------------------------

    private Object vocabularyCreate(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate(VOCABULARY_CREATE, data);
        VocabularyRecord v = new VocabularyRecord();
        v.id = UUID.randomUUID().toString();
        v.name = ModelStore.str(valid.get("name"));
        store.em().persist(v);
        for (String name : names(valid.get("tags"))) {
            createTag(name, v.id);
        }
        store.flush();
        return vocabularyDict(v);
    }

    /** Renames the vocabulary and, when {@code tags} is given, makes its tags exactly those (CKAN). */
    private Object vocabularyUpdate(ActionContext ctx, Map<String, Object> data) {
        VocabularyRecord v = requireVocabulary(data, "id");
        Map<String, Object> input = new LinkedHashMap<>(data);
        input.put("id", v.id);
        input.putIfAbsent("name", v.name);
        Map<String, Object> valid = ctx.validate(VOCABULARY_CREATE.with("id", "ignore"), input);
        v.name = ModelStore.str(valid.get("name"));
        if (valid.containsKey("tags")) {
            Set<String> wanted = new LinkedHashSet<>(names(valid.get("tags")));
            Set<String> touched = new LinkedHashSet<>();
            for (TagRecord t : vocabularyTags(v.id)) {
                if (!wanted.remove(t.name)) {
                    touched.addAll(deleteTag(t));
                }
            }
            wanted.forEach(name -> createTag(name, v.id));
            store.flush();
            indexing.reindex(ctx, touched);
        }
        store.flush();
        return vocabularyDict(v);
    }

    /** Deletes the vocabulary, its tags and their use by datasets. */
    private Object vocabularyDelete(ActionContext ctx, Map<String, Object> data) {
        VocabularyRecord v = requireVocabulary(data, "id");
        Set<String> touched = new LinkedHashSet<>();
        for (TagRecord t : vocabularyTags(v.id)) {
            touched.addAll(deleteTag(t));
        }
        store.flush();
        store.em().remove(v);
        store.flush();
        indexing.reindex(ctx, touched);
        return null;
    }

    private Map<String, Object> vocabularyDict(VocabularyRecord v) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", v.id);
        d.put("name", v.name);
        d.put("tags", vocabularyTags(v.id).stream().map(TagActions::tagDict).toList());
        return d;
    }

    private VocabularyRecord requireVocabulary(Map<String, Object> data, String key) {
        String ref = ModelStore.requireString(data, key);
        VocabularyRecord v = vocabulary(ref);
        if (v == null) {
            throw PortalException.notFound("Vocabulary not found: " + ref);
        }
        return v;
    }

    private VocabularyRecord vocabulary(String idOrName) {
        VocabularyRecord v = store.em().find(VocabularyRecord.class, idOrName);
        return v != null ? v : ModelStore.first(store.em()
                .createQuery("SELECT v FROM VocabularyRecord v WHERE v.name = :n", VocabularyRecord.class).setParameter("n", idOrName));
    }

    private List<TagRecord> vocabularyTags(String vocabularyId) {
        return store.em().createQuery("SELECT t FROM TagRecord t WHERE t.vocabularyKey = :v ORDER BY t.name", TagRecord.class)
                .setParameter("v", vocabularyId).getResultList();
    }

    // ---- tags -------------------------------------------------------------------------------

    /** CKAN's tag_create: a tag of a vocabulary (free tags are made by the datasets that use them). */
    private Object tagCreate(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate(TAG_CREATE, data);
        VocabularyRecord v = vocabulary(ModelStore.str(valid.get("vocabulary_id")));
        if (v == null) {
            throw ValidationException.of("vocabulary_id", "Tag vocabulary was not found.");
        }
        String name = ModelStore.str(valid.get("name"));
        if (tag(name, v.id) != null) {
            throw ValidationException.of("name", "Tag " + name + " already belongs to vocabulary " + v.name);
        }
        TagRecord t = createTag(name, v.id);
        store.flush();
        return tagDict(t);
    }

    private Object tagDelete(ActionContext ctx, Map<String, Object> data) {
        TagRecord t = requireTag(data);
        Set<String> touched = deleteTag(t);
        store.flush();
        indexing.reindex(ctx, touched);
        return null;
    }

    private Object tagShow(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate(TAG_SHOW, data);
        TagRecord t = requireTag(valid);
        Map<String, Object> d = tagDict(t);
        if (Boolean.TRUE.equals(valid.get("include_datasets"))) {
            List<PackageRecord> packages = store.em().createQuery("SELECT p FROM PackageRecord p, PackageTagRecord pt"
                            + " WHERE pt.packageId = p.id AND pt.tagId = :t AND p.state = :a AND p.isPrivate = false ORDER BY p.name",
                    PackageRecord.class).setParameter("t", t.id).setParameter("a", ModelStore.ACTIVE)
                    .setMaxResults(ctx.config().integer(ModelConfig.SEARCH_ROWS_MAX)).getResultList();
            d.put("packages", packages.stream().map(p -> {
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("id", p.id);
                summary.put("name", p.name);
                summary.put("title", p.title);
                return summary;
            }).toList());
        }
        return d;
    }

    /**
     * CKAN's tag_list: the names (or dicts with {@code all_fields}) of the free tags public active
     * datasets use, or of a vocabulary's tags; {@code query} keeps those containing it.
     */
    private Object tagList(ActionContext ctx, Map<String, Object> data) {
        Map<String, Object> valid = ctx.validate(TAG_LIST, data);
        String vocabularyRef = ModelStore.str(valid.get("vocabulary_id"));
        String query = ModelStore.str(valid.get("query"));
        List<TagRecord> tags;
        if (vocabularyRef != null && !vocabularyRef.isBlank()) {
            VocabularyRecord v = vocabulary(vocabularyRef.strip());
            if (v == null) {
                throw PortalException.notFound("Vocabulary not found: " + vocabularyRef);
            }
            tags = vocabularyTags(v.id);
        } else {
            tags = store.em().createQuery("SELECT DISTINCT t FROM TagRecord t, PackageTagRecord pt, PackageRecord p"
                            + " WHERE t.vocabularyKey = :free AND pt.tagId = t.id AND p.id = pt.packageId AND p.state = :a"
                            + " AND p.isPrivate = false ORDER BY t.name", TagRecord.class)
                    .setParameter("free", FREE).setParameter("a", ModelStore.ACTIVE).getResultList();
        }
        List<Object> out = new ArrayList<>();
        for (TagRecord t : tags) {
            if (query == null || t.name.toLowerCase(java.util.Locale.ROOT).contains(query.toLowerCase(java.util.Locale.ROOT))) {
                out.add(Boolean.TRUE.equals(valid.get("all_fields")) ? tagDict(t) : t.name);
            }
        }
        return out;
    }

    private TagRecord requireTag(Map<String, Object> data) {
        String ref = ModelStore.requireString(data, "id");
        String vocabularyRef = ModelStore.str(data.get("vocabulary_id"));
        String key = FREE;
        if (vocabularyRef != null && !vocabularyRef.isBlank()) {
            VocabularyRecord v = vocabulary(vocabularyRef.strip());
            if (v == null) {
                throw PortalException.notFound("Vocabulary not found: " + vocabularyRef);
            }
            key = v.id;
        }
        TagRecord t = store.em().find(TagRecord.class, ref);
        if (t == null) {
            t = tag(ref, key);
        }
        if (t == null) {
            throw PortalException.notFound("Tag not found: " + ref);
        }
        return t;
    }

    private TagRecord tag(String name, String vocabularyKey) {
        return ModelStore.first(store.em().createQuery("SELECT t FROM TagRecord t WHERE t.vocabularyKey = :v AND t.name = :n",
                TagRecord.class).setParameter("v", vocabularyKey).setParameter("n", name));
    }

    private TagRecord createTag(String name, String vocabularyId) {
        TagRecord t = new TagRecord();
        t.id = UUID.randomUUID().toString();
        t.name = name;
        t.vocabularyId = vocabularyId;
        t.vocabularyKey = vocabularyId == null ? FREE : vocabularyId;
        store.em().persist(t);
        return t;
    }

    /** Deletes the tag and its use by datasets; returns those datasets' ids. */
    private Set<String> deleteTag(TagRecord t) {
        Set<String> packages = new LinkedHashSet<>(store.em()
                .createQuery("SELECT pt.packageId FROM PackageTagRecord pt WHERE pt.tagId = :t", String.class)
                .setParameter("t", t.id).getResultList());
        store.em().createQuery("DELETE FROM PackageTagRecord pt WHERE pt.tagId = :t").setParameter("t", t.id).executeUpdate();
        store.em().remove(t);
        return packages;
    }

    // ---- datasets' tags ---------------------------------------------------------------------

    /**
     * Makes the dataset's tags the validated {@code tags} list: free tags are made when new, a
     * vocabulary's must exist in it (else a validation error on that item); repeats count once.
     */
    void saveTags(PackageRecord p, List<Map<String, Object>> items) {
        Map<String, TagRecord> wanted = new LinkedHashMap<>();
        List<Object> errors = new ArrayList<>();
        boolean anyError = false;
        for (Map<String, Object> item : items) {
            String name = ModelStore.str(item.get("name"));
            String vocabularyId = ModelStore.str(item.get("vocabulary_id"));
            boolean free = vocabularyId == null || vocabularyId.isBlank();
            TagRecord t = tag(name, free ? FREE : vocabularyId);
            Map<String, Object> itemErrors = new LinkedHashMap<>();
            if (t == null && free) {
                t = createTag(name, null);
            } else if (t == null) {
                VocabularyRecord v = store.em().find(VocabularyRecord.class, vocabularyId);
                itemErrors.put("name", List.of("Tag " + name + " does not belong to vocabulary " + (v == null ? vocabularyId : v.name)));
                anyError = true;
            }
            errors.add(itemErrors);
            if (t != null) {
                wanted.putIfAbsent(t.id, t);
            }
        }
        if (anyError) {
            throw new ValidationException(Map.of("tags", errors));
        }
        Set<String> have = new LinkedHashSet<>();
        for (PackageTagRecord pt : store.em().createQuery("SELECT pt FROM PackageTagRecord pt WHERE pt.packageId = :p",
                PackageTagRecord.class).setParameter("p", p.id).getResultList()) {
            if (wanted.containsKey(pt.tagId)) {
                have.add(pt.tagId);
                pt.state = ModelStore.ACTIVE;
            } else {
                store.em().remove(pt);
            }
        }
        for (String tagId : wanted.keySet()) {
            if (!have.contains(tagId)) {
                PackageTagRecord pt = new PackageTagRecord();
                pt.id = UUID.randomUUID().toString();
                pt.packageId = p.id;
                pt.tagId = tagId;
                pt.state = ModelStore.ACTIVE;
                store.em().persist(pt);
            }
        }
    }

    /** The tags of each dataset, sorted by name, as CKAN's dataset dicts nest them. */
    static Map<String, List<Map<String, Object>>> packageTags(ModelStore store, Collection<String> packageIds) {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        if (packageIds.isEmpty()) {
            return out;
        }
        store.em().createQuery("SELECT pt.packageId, t FROM PackageTagRecord pt, TagRecord t WHERE t.id = pt.tagId"
                        + " AND pt.packageId IN :ids AND pt.state = :a ORDER BY t.name", Object[].class)
                .setParameter("ids", packageIds).setParameter("a", ModelStore.ACTIVE).getResultList()
                .forEach(row -> {
                    Map<String, Object> d = tagDict((TagRecord) row[1]);
                    d.put("state", ModelStore.ACTIVE);
                    out.computeIfAbsent((String) row[0], k -> new ArrayList<>()).add(d);
                });
        return out;
    }

    static Map<String, Object> tagDict(TagRecord t) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", t.id);
        d.put("name", t.name);
        d.put("display_name", t.name);
        d.put("vocabulary_id", t.vocabularyId);
        return d;
    }

    private static List<String> names(Object tags) {
        Set<String> out = new LinkedHashSet<>();
        for (Map<String, Object> item : ModelStore.maps(tags)) {
            out.add(ModelStore.str(item.get("name")));
        }
        return List.copyOf(out);
    }

    private static String shortened(String tag) {
        return tag.length() > 120 ? tag.substring(0, 120) + "..." : tag;
    }
}
