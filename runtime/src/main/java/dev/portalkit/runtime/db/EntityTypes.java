package dev.portalkit.runtime.db;

import java.util.List;

/**
 * Runtime-internal: contributes JPA entity classes to the portal's persistence unit. Each part
 * of the runtime that maps tables declares its entities in a CDI bean implementing this; plugins
 * use {@code ActionContext.jdbc()} on tables of their own migrations instead.
 */
public interface EntityTypes {
    List<Class<?>> entityClasses();
}
