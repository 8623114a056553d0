package dev.portalkit.api.plugin;

/**
 * A plugin with its own database tables. The host runs the plugin's Flyway migrations from
 * {@link #migrationLocation()} (a class path folder of the plugin jar, containing
 * {@code V1__description.sql}, ...) with a schema-history table of its own, so plugins upgrade
 * independently: {@code portalkit db upgrade -p NAME}, or at start when
 * {@code portal.db.auto_upgrade} is true.
 *
 * <p>Migrations must run on both H2 (in PostgreSQL mode) and PostgreSQL: stick to portable SQL
 * ({@code VARCHAR}, {@code BIGINT}, {@code BOOLEAN}, {@code TIMESTAMP WITH TIME ZONE}).
 * Plugin code reaches its tables through {@link dev.portalkit.api.action.ActionContext#jdbc()},
 * inside the action's transaction.
 */
public interface IMigrations {
    /** Class path location of the migration scripts, e.g. {@code "db/migration/example"}. */
    String migrationLocation();
}
