package dev.portalkit.runtime.files.fs;

import dev.portalkit.api.PortalException;
import dev.portalkit.api.config.ConfigOption;
import dev.portalkit.api.files.Storage;
import dev.portalkit.api.files.StorageFactory;
import dev.portalkit.api.files.StorageSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code files:public_fs}: {@code files:fs} whose folder is also served directly by a web server
 * at {@code public_root}; PUBLIC_LINK is {@code public_root + "/" + [public_prefix + "/"] + location}. Such files bypass
 * every permission check of the portal.
 */
public class PublicFsStorageFactory implements StorageFactory {
    public static final String TYPE = "files:public_fs";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String description() {
        return "files:fs whose folder a web server publishes at public_root: public links, served straight from disk.";
    }

    @Override
    public List<ConfigOption> options() {
        List<ConfigOption> options = new ArrayList<>(FsStorageFactory.OPTIONS);
        options.add(ConfigOption.of("public_root", "URL at which the folder is served; public_root + '/' + location "
                + "must be the file's public URL.").asRequired());
        options.add(ConfigOption.of("public_prefix", "Path segments between public_root and a file's location (CKAN 2.12's "
                + "public_prefix): when the web server publishes a parent of path at public_root (it serves /data/storage, "
                + "path is /data/storage/nested/inside), public_prefix = nested/inside. Default: none.").defaultValue(""));
        return options;
    }

    @Override
    public Storage create(StorageSettings settings) {
        String root = settings.option("public_root");
        try {
            URI uri = new URI(root);
            if (uri.getScheme() == null && !root.startsWith("/")) {
                throw new URISyntaxException(root, "neither an absolute URL nor a path from the site root");
            }
        } catch (URISyntaxException e) {
            throw PortalException.config(settings.key("public_root") + ": not a URL: " + e.getMessage());
        }
        String prefix = settings.option("public_prefix");
        prefix = prefix == null ? "" : prefix.strip().replaceAll("^/+|/+$", "");
        if (!prefix.isEmpty()) {
            for (String segment : prefix.split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    throw PortalException.config(settings.key("public_prefix") + ": '" + settings.option("public_prefix")
                            + "' must be path segments such as nested/inside (no empty, '.' or '..' segment)");
                }
            }
            root = root.replaceAll("/+$", "") + "/" + FsReader.encodePath(prefix);
        }
        return new FsStorage(settings, root);
    }
}
