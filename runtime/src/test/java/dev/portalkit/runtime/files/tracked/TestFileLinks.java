package dev.portalkit.runtime.files.tracked;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.files.FilesException;
import dev.portalkit.runtime.files.FileLinks;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * What the download layer will contribute, for tests: a {@link FileLinks} bean with a priority
 * above the default. It makes links for files of storages named {@code hooked*} and refuses the
 * others as the default does.
 */
@ApplicationScoped
public class TestFileLinks implements FileLinks {
    @Override
    public int priority() {
        return 1;
    }

    @Override
    public URI link(ActionContext context, Map<String, Object> file, Type type, Duration ttl) {
        if (!String.valueOf(file.get("storage")).startsWith("hooked")) {
            throw new FilesException(ErrorKind.UNSUPPORTED, "no " + type.wire() + " links for storage " + file.get("storage"));
        }
        return URI.create("https://links.test/" + type.wire() + "/" + file.get("id") + (ttl == null ? "" : "?ttl=" + ttl.toSeconds()));
    }
}
