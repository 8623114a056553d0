package dev.portalkit.runtime.plugins;

import dev.portalkit.api.ErrorKind;
import dev.portalkit.api.PortalException;
import dev.portalkit.api.ValidationException;
import dev.portalkit.api.action.ActionContext;
import dev.portalkit.api.event.EntityEvent;
import dev.portalkit.api.event.IEntityHooks;
import dev.portalkit.api.plugin.PortalPlugin;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test plugins {@code hooks-a} and {@code hooks-b} ({@link HookProbeA}, {@link HookProbeB}): record
 * every lifecycle hook call in one list shared by both, so a test sees their order. The before hook
 * refuses a dataset or file whose title or name contains {@code refused-by-<plugin>}; the after hook
 * fails for the plugin named in {@link #failAfter}. After hooks of datasets record whether the
 * dataset is visible to the hook's own transaction (it is only once the change committed).
 */
public abstract class HookProbe implements PortalPlugin, IEntityHooks {
    /** One hook call. {@code visible}: for datasets, whether the hook's transaction sees the row; else null. */
    public record Seen(String plugin, String phase, EntityEvent event, Boolean visible) {
        public String brief() {
            return plugin + " " + phase + " " + event.entity() + " " + event.operation();
        }
    }

    public static final List<Seen> SEEN = new CopyOnWriteArrayList<>();
    /** The plugin whose after hook throws; null: none. */
    public static volatile String failAfter;

    public static void reset() {
        SEEN.clear();
        failAfter = null;
    }

    /** The calls of one phase ("before", "after") as "plugin phase ENTITY OPERATION". */
    public static List<String> briefs(String phase) {
        return SEEN.stream().filter(s -> s.phase().equals(phase)).map(Seen::brief).toList();
    }

    public static List<String> briefs() {
        return SEEN.stream().map(Seen::brief).toList();
    }

    @Override
    public void before(ActionContext context, EntityEvent event) {
        SEEN.add(new Seen(name(), "before", event, null));
        String marker = "refused-by-" + name();
        for (String field : List.of("title", "name")) {
            if (event.data().get(field) instanceof String text && text.contains(marker)) {
                throw ValidationException.of(field, "The " + name() + " plugin refuses " + marker);
            }
        }
    }

    @Override
    public void after(ActionContext context, EntityEvent event) {
        Boolean visible = null;
        if (event.entity() == EntityEvent.Entity.PACKAGE) {
            try (PreparedStatement ps = context.jdbc().prepareStatement("SELECT COUNT(*) FROM portal_package WHERE id = ?")) {
                ps.setString(1, event.id());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    visible = rs.getInt(1) == 1;
                }
            } catch (SQLException e) {
                throw new PortalException(ErrorKind.TRANSIENT, e.getMessage(), e);
            }
        }
        SEEN.add(new Seen(name(), "after", event, visible));
        if (name().equals(failAfter)) {
            throw new IllegalStateException("the " + name() + " plugin's after hook fails on purpose");
        }
    }
}
