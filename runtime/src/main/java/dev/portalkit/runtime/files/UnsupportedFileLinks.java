package dev.portalkit.runtime.files;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.files.FilesException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** The default {@link FileLinks}: no links beyond what storages make themselves (UNSUPPORTED). */
@ApplicationScoped
public class UnsupportedFileLinks implements FileLinks {
    @Override
    public int priority() {
        return Integer.MIN_VALUE;
    }

    @Override
    public URI link(ActionContext context, Map<String, Object> file, Type type, Duration ttl) {
        throw new FilesException(ErrorKind.UNSUPPORTED, "storage " + file.get("storage") + " cannot make " + type.wire()
                + " links itself, and this portal has no download routes to make them");
    }
}
