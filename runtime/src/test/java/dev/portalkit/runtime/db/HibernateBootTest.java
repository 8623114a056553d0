package dev.portalkit.runtime.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portalkit.runtime.job.JobRecord;
import dev.portalkit.runtime.task.TaskRecord;
import dev.portalkit.runtime.testing.PostgresServer;
import dev.portalkit.runtime.testing.TestDb;
import jakarta.persistence.Basic;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.hibernate.bytecode.spi.BytecodeProvider;
import org.hibernate.dialect.Dialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How the portal boots Hibernate (docs/bench-scale.md, "Start-up"): without ByteBuddy when no entity needs a
 * proxy, without reading the JDBC metadata (the database's name and version given instead, so the dialect is
 * the one of the real version), and beside the migrations on a thread of its own.
 */
class HibernateBootTest {
    @TempDir
    Path dir;

    private Database open(TestDb db) {
        String url = db == TestDb.H2 ? Database.defaultUrl(dir) : PostgresServer.newDatabase();
        String user = db == TestDb.H2 ? null : "postgres";
        return Database.open(null, url, user, user, 4, Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void thePortalsEntitiesBootWithoutProxiesOnTheDialectOfTheRealVersion(TestDb db) throws Exception {
        try (Database database = open(db)) {
            database.migrate("core", "db/migration/core", getClass().getClassLoader());
            database.buildEntityManagerFactoryInBackground(List.of(TaskRecord.class, JobRecord.class), emf -> { });
            EntityManagerFactory emf = database.entityManagerFactory(List.of(TaskRecord.class, JobRecord.class));
            SessionFactoryImplementor factory = emf.unwrap(SessionFactoryImplementor.class);
            assertThat(factory.getServiceRegistry().requireService(BytecodeProvider.class))
                    .isInstanceOf(org.hibernate.bytecode.internal.none.BytecodeProviderImpl.class);
            Dialect dialect = factory.getJdbcServices().getDialect();
            try (Connection c = database.dataSource().getConnection()) {
                var meta = c.getMetaData();
                assertThat(dialect.getVersion().getMajor()).isEqualTo(meta.getDatabaseMajorVersion());
                assertThat(dialect.getVersion().getMinor()).isEqualTo(meta.getDatabaseMinorVersion());
            }
            assertThat(dialect).isInstanceOf(db == TestDb.H2 ? org.hibernate.dialect.H2Dialect.class
                    : org.hibernate.dialect.PostgreSQLDialect.class);
            EntityManager em = emf.createEntityManager();
            try {
                assertThat(em.find(TaskRecord.class, "none")).isNull();
                assertThat(em.createQuery("select count(t) from TaskRecord t", Long.class).getSingleResult()).isZero();
            } finally {
                em.close();
            }
        }
    }

    @Entity(name = "boot_owner")
    public static class Owner {
        @Id
        public String id;
    }

    @Entity(name = "boot_owned")
    public static class Owned {
        @Id
        public String id;
        @ManyToOne(fetch = FetchType.LAZY)
        public Owner owner;
    }

    @Entity(name = "boot_lazy_property")
    public static class LazyProperty {
        private String id;
        private String text;

        @Id
        public String getId() {
            return id;
        }

        public void setId(String id) {
            this.id = id;
        }

        @Basic(fetch = FetchType.LAZY)
        public String getText() {
            return text;
        }

        public void setText(String text) {
            this.text = text;
        }
    }

    @Test
    void entitiesThatMayNeedProxiesKeepHibernatesBytecodeProvider() {
        assertThat(NoEntityProxies.needsProxies(TaskRecord.class)).isFalse();
        assertThat(NoEntityProxies.needsProxies(Owner.class)).isFalse();
        assertThat(NoEntityProxies.needsProxies(Owned.class)).isTrue();
        assertThat(NoEntityProxies.needsProxies(LazyProperty.class)).isTrue();
        try (Database database = open(TestDb.H2)) {
            EntityManagerFactory emf = database.entityManagerFactory(List.of(TaskRecord.class, Owner.class, Owned.class));
            assertThat(emf.unwrap(SessionFactoryImplementor.class).getServiceRegistry().requireService(BytecodeProvider.class))
                    .isNotInstanceOf(org.hibernate.bytecode.internal.none.BytecodeProviderImpl.class);
        }
    }

    @Entity(name = "boot_broken")
    public static class Broken {
        public String noId;
    }

    @Test
    void aFailedBackgroundBuildIsThrownWhereTheFactoryIsAskedFor() {
        try (Database database = open(TestDb.H2)) {
            database.buildEntityManagerFactoryInBackground(List.of(Broken.class), emf -> { });
            assertThatThrownBy(() -> database.entityManagerFactory(List.of(Broken.class)))
                    .isInstanceOf(RuntimeException.class).hasMessageContaining(Broken.class.getName());
        }
    }

    @Test
    void closingWhileTheFactoryIsBuiltWaitsForItAndReleasesTheDatabase() {
        Database database = open(TestDb.H2);
        database.buildEntityManagerFactoryInBackground(List.of(TaskRecord.class, JobRecord.class), emf -> { });
        database.close(); // what a start does when a migration fails
        // The H2 file is free again: one process opens it at a time.
        try (Database again = open(TestDb.H2)) {
            assertThat(again.url()).isEqualTo(Database.defaultUrl(dir));
        }
    }
}
