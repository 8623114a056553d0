package dev.portalkit.integration.pages;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The links of a search page: each facet value toggles its filter, each page number keeps the rest of the search. */
final class SearchLinks {
    private final String base;
    private final String q;
    private final String sort;
    private final Map<String, List<String>> chosen;

    SearchLinks(String base, String q, String sort, Map<String, List<String>> chosen) {
        this.base = base;
        this.q = q;
        this.sort = sort;
        this.chosen = chosen;
    }

    /** The search's URL with {@code chosen} filters and page {@code page} (1: none). */
    String href(Map<String, List<String>> filters, int page) {
        StringBuilder b = new StringBuilder(base);
        char sep = '?';
        if (q != null && !q.isBlank()) {
            b.append(sep).append("q=").append(PageCalls.encode(q));
            sep = '&';
        }
        for (Map.Entry<String, List<String>> e : filters.entrySet()) {
            for (String v : e.getValue()) {
                b.append(sep).append(e.getKey()).append('=').append(PageCalls.encode(v));
                sep = '&';
            }
        }
        if (sort != null) {
            b.append(sep).append("sort=").append(PageCalls.encode(sort));
            sep = '&';
        }
        if (page > 1) {
            b.append(sep).append("page=").append(page);
        }
        return b.toString();
    }

    private Map<String, List<String>> toggled(String facet, String value) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        chosen.forEach((k, v) -> out.put(k, new ArrayList<>(v)));
        List<String> values = out.computeIfAbsent(facet, k -> new ArrayList<>());
        if (!values.remove(value)) {
            values.add(value);
        }
        return out;
    }

    /** Each facet: {@code name}, {@code items} ({@code name}, {@code display_name}, {@code count}, {@code active}, {@code href}). */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> facets(Object searchFacets, List<String> order) {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Object> all = searchFacets instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        for (String facet : order) {
            Object f = all.get(facet);
            List<Map<String, Object>> items = new ArrayList<>();
            if (f instanceof Map<?, ?> fm && fm.get("items") instanceof List<?> list) {
                for (Object o : list) {
                    Map<String, Object> item = new LinkedHashMap<>((Map<String, Object>) o);
                    String name = String.valueOf(item.get("name"));
                    item.put("active", chosen.getOrDefault(facet, List.of()).contains(name));
                    item.put("href", href(toggled(facet, name), 1));
                    items.add(item);
                }
            }
            out.add(Map.of("name", facet, "items", items));
        }
        return out;
    }

    /** The filters in force, each with the link that removes it. */
    List<Map<String, Object>> chosen() {
        List<Map<String, Object>> out = new ArrayList<>();
        chosen.forEach((facet, values) -> values.forEach(v -> out.add(Map.of("facet", facet, "value", v, "href", href(toggled(facet, v), 1)))));
        return out;
    }

    /** Page links around {@code page}: {@code number}, {@code href}, {@code current}. */
    List<Map<String, Object>> pages(int page, long count, int size) {
        long last = Math.max(1, (count + size - 1) / size);
        List<Map<String, Object>> out = new ArrayList<>();
        if (last == 1) {
            return out;
        }
        for (long n = Math.max(1, page - 4); n <= Math.min(last, page + 4); n++) {
            out.add(Map.of("number", n, "href", href(chosen, (int) n), "current", n == page));
        }
        return out;
    }
}
