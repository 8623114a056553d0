package dev.portalkit.runtime.db;

import jakarta.persistence.Basic;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.FetchType;
import jakarta.persistence.ManyToMany;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OneToOne;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.util.Map;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.bytecode.spi.BytecodeProvider;
import org.hibernate.service.spi.ServiceContributor;

/**
 * Hibernate without its bytecode provider (ByteBuddy) when no entity needs a lazy proxy: Hibernate loads about
 * 900 classes of ByteBuddy and generates a proxy class per entity at each start, for proxies that an entity
 * model without associations never uses ({@code em.getReference} aside, which the portal does not call).
 * {@link Database} sets {@link #SETTING} when none of the entities has an association or a lazy basic
 * attribute ({@link #needsProxies}); Hibernate finds this contributor through {@code META-INF/services}.
 */
public final class NoEntityProxies implements ServiceContributor {
    /** A setting of the portal's persistence unit: true when no entity needs a proxy. */
    static final String SETTING = "portalkit.hibernate.no_entity_proxies";

    @Override
    public void contribute(StandardServiceRegistryBuilder registry) {
        Map<String, Object> settings = registry.getSettings();
        if (Boolean.TRUE.equals(settings.get(SETTING)) || "true".equals(settings.get(SETTING))) {
            registry.addService(BytecodeProvider.class, new org.hibernate.bytecode.internal.none.BytecodeProviderImpl());
        }
    }

    /**
     * Whether an entity class may need a proxy: an association or element collection, or a lazily fetched
     * attribute (on a field or a property's getter, in the class or a superclass).
     */
    static boolean needsProxies(Class<?> entity) {
        for (Class<?> c = entity; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (needsProxies(f.getAnnotations())) {
                    return true;
                }
            }
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                if (needsProxies(m.getAnnotations())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean needsProxies(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (a instanceof ManyToOne || a instanceof OneToOne || a instanceof OneToMany || a instanceof ManyToMany
                    || a instanceof ElementCollection || a instanceof Basic basic && basic.fetch() == FetchType.LAZY) {
                return true;
            }
        }
        return false;
    }
}
