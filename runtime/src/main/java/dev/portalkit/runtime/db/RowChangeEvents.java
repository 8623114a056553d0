package dev.portalkit.runtime.db;

import java.sql.SQLException;
import java.util.Locale;
import org.hibernate.HibernateException;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.spi.BootstrapContext;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.event.service.spi.EventListenerRegistry;
import org.hibernate.event.spi.EventType;
import org.hibernate.event.spi.PostCommitDeleteEventListener;
import org.hibernate.event.spi.PostCommitUpdateEventListener;
import org.hibernate.event.spi.PostDeleteEvent;
import org.hibernate.event.spi.PostDeleteEventListener;
import org.hibernate.event.spi.PostUpdateEvent;
import org.hibernate.event.spi.PostUpdateEventListener;
import org.hibernate.integrator.spi.Integrator;
import org.hibernate.persister.entity.EntityPersister;

/**
 * Tells {@link RowChanges} of the updates and deletes of the entities of watched tables: in the
 * flush, on the writing transaction's connection (PostgreSQL's notification, sent if it commits),
 * and once the transaction committed (this process's caches). Registered with Hibernate when the
 * entity manager factory is built.
 */
final class RowChangeEvents implements Integrator {
    private final RowChanges changes;

    RowChangeEvents(RowChanges changes) {
        this.changes = changes;
    }

    @Override
    public void integrate(Metadata metadata, BootstrapContext bootstrapContext, SessionFactoryImplementor sessionFactory) {
        EventListenerRegistry registry = sessionFactory.getServiceRegistry().requireService(EventListenerRegistry.class);
        InFlush flush = new InFlush();
        Committed committed = new Committed();
        registry.appendListeners(EventType.POST_UPDATE, flush);
        registry.appendListeners(EventType.POST_DELETE, flush);
        registry.appendListeners(EventType.POST_COMMIT_UPDATE, committed);
        registry.appendListeners(EventType.POST_COMMIT_DELETE, committed);
    }

    /** The table an entity's rows are in, as {@link RowChanges#watch} names it; null when not watched. */
    private String watchedTable(EntityPersister persister) {
        String table = persister.getTableName().replace("\"", "").replace("`", "").toLowerCase(Locale.ROOT);
        int dot = table.lastIndexOf('.');
        String name = dot < 0 ? table : table.substring(dot + 1);
        return RowChanges.watches(name) ? name : null;
    }

    private void send(SharedSessionContractImplementor session, EntityPersister persister, Object id) {
        String table = watchedTable(persister);
        if (table != null) {
            try {
                changes.sendInTransaction(session.getJdbcCoordinator().getLogicalConnection().getPhysicalConnection(),
                        table, String.valueOf(id));
            } catch (SQLException e) {
                // The change must not commit untold: fail the flush, and so the transaction.
                throw new HibernateException("cannot tell the other nodes of the change to " + table + ": " + e.getMessage(), e);
            }
        }
    }

    private void committed(EntityPersister persister, Object id) {
        String table = watchedTable(persister);
        if (table != null) {
            changes.committed(table, String.valueOf(id));
        }
    }

    private final class InFlush implements PostUpdateEventListener, PostDeleteEventListener {
        @Override
        public void onPostUpdate(PostUpdateEvent event) {
            send(event.getSession(), event.getPersister(), event.getId());
        }

        @Override
        public void onPostDelete(PostDeleteEvent event) {
            send(event.getSession(), event.getPersister(), event.getId());
        }

        @Override
        public boolean requiresPostCommitHandling(EntityPersister persister) {
            return false;
        }
    }

    private final class Committed implements PostCommitUpdateEventListener, PostCommitDeleteEventListener {
        @Override
        public void onPostUpdate(PostUpdateEvent event) {
            committed(event.getPersister(), event.getId());
        }

        @Override
        public void onPostUpdateCommitFailed(PostUpdateEvent event) {
            // Whether it committed may be unknown (the connection went): forgetting is always safe.
            committed(event.getPersister(), event.getId());
        }

        @Override
        public void onPostDelete(PostDeleteEvent event) {
            committed(event.getPersister(), event.getId());
        }

        @Override
        public void onPostDeleteCommitFailed(PostDeleteEvent event) {
            // Whether it committed may be unknown (the connection went): forgetting is always safe.
            committed(event.getPersister(), event.getId());
        }

        @Override
        public boolean requiresPostCommitHandling(EntityPersister persister) {
            return watchedTable(persister) != null;
        }
    }
}
