package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.files.Capability;
import dev.portalkit.api.files.ManagedStorage;
import dev.portalkit.api.files.StorageSettings;
import dev.portalkit.runtime.files.registry.Storages;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code files_storage_list} (sysadmins): every configured storage with its type, label,
 * capabilities, limits and what the File API tracks in it (count and bytes, one grouped query),
 * and which storage is the default; a storage that failed to open says why. An adapter that declares
 * a {@code meta} option (files:s3, as Indico's S3 storage) has it shown as {@code meta}.
 */
final class StorageList {
    private final FileApi.Host host;

    StorageList(FileApi.Host host) {
        this.host = host;
    }

    Object list(ActionContext ctx, Map<String, Object> data) {
        Storages storages = host.storages();
        Map<String, long[]> usage = new LinkedHashMap<>();
        for (Object[] row : host.em().createQuery("SELECT f.storage, COUNT(f), SUM(f.size) FROM FileRecord f GROUP BY f.storage",
                Object[].class).getResultList()) {
            usage.put((String) row[0], new long[]{((Number) row[1]).longValue(), row[2] == null ? 0 : ((Number) row[2]).longValue()});
        }
        List<Object> out = new ArrayList<>();
        for (Map.Entry<String, StorageSettings> e : storages.configured().entrySet()) {
            StorageSettings s = e.getValue();
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("name", e.getKey());
            d.put("type", s.type());
            d.put("label", s.label());
            d.put("default", e.getKey().equals(storages.defaultName()));
            d.put("max_size", s.maxSize());
            d.put("supported_types", s.supportedTypes());
            // An adapter's free text about the storage (files:s3's meta, as Indico's bucket info shows it).
            if (s.option("meta") != null) {
                d.put("meta", s.option("meta"));
            }
            ManagedStorage open = storages.all().get(e.getKey());
            TreeSet<String> caps = new TreeSet<>();
            if (open != null) {
                for (Capability c : open.capabilities()) {
                    caps.add(c.name());
                }
            }
            d.put("open", open != null);
            d.put("capabilities", List.copyOf(caps));
            // Whether it signs part uploads, so that browsers send parts straight to it (files_multipart_start direct=true).
            var direct = open == null ? java.util.Optional.<dev.portalkit.api.files.DirectParts>empty()
                    : open.uploader().multipart().flatMap(dev.portalkit.api.files.MultipartUploads::direct);
            d.put("direct", direct.isPresent());
            d.put("direct_origins", direct.map(dev.portalkit.api.files.DirectParts::origins).orElse(List.of()));
            long[] u = usage.getOrDefault(e.getKey(), new long[2]);
            d.put("files", u[0]);
            d.put("bytes", u[1]);
            out.add(d);
        }
        return out;
    }
}
