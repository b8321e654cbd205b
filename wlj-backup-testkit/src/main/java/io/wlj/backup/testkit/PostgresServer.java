package io.wlj.backup.testkit;

import io.wlj.backup.testkit.internal.SharedPostgres;
import javax.sql.DataSource;

/**
 * The PostgreSQL server that tests in this JVM share, with superuser access.
 *
 * <p>Tests that only need a database of their own should take a {@link TestDatabase} instead;
 * this handle is for tests that manage databases themselves, such as restore tests that create
 * a target database or check that one was created. Implemented by this library only.
 */
public interface PostgresServer {

    /** System property naming the PostgreSQL major version to run. */
    String VERSION_PROPERTY = "wlj.test.postgres.version";

    /** The major version run when {@link #VERSION_PROPERTY} is not set. */
    String DEFAULT_VERSION = "16";

    /** System property choosing the kind of server: {@code auto}, {@code docker} or {@code embedded}. */
    String SERVER_PROPERTY = "wlj.test.postgres.server";

    /**
     * The server of this JVM, started on the first call and stopped when the JVM exits.
     *
     * <p>Every later call returns the same server. If starting failed, every later call fails
     * too, with the same cause, rather than paying for another failed start.
     *
     * @throws IllegalStateException if the server cannot be started or runs another major
     *     version than the one requested
     */
    static PostgresServer shared() {
        return SharedPostgres.server();
    }

    /** Host name at which clients reach the server. */
    String host();

    /** TCP port at which clients reach the server. */
    int port();

    /** The superuser's name. */
    String user();

    /** The superuser's password. */
    String password();

    /** The major version the server runs, such as 16; always the requested one. */
    int majorVersion();

    /** The JDBC URL of {@code database} on this server, without credentials. */
    String jdbcUrl(String database);

    /** Superuser connections to the {@code postgres} maintenance database. */
    DataSource adminDataSource();

    /** Superuser connections to {@code database}. */
    DataSource dataSource(String database);

    /**
     * Creates an empty database (from {@code template1}).
     *
     * @throws IllegalArgumentException if {@code name} is not a valid database name
     * @throws IllegalStateException if the server refuses, for instance because it exists
     */
    TestDatabase createDatabase(String name);

    /**
     * A handle for {@code name}, existing or not; nothing is created. Useful for a database
     * that the code under test creates, such as a restore target.
     */
    TestDatabase database(String name);

    /** True when a database named {@code name} exists. */
    boolean databaseExists(String name);

    /**
     * Drops {@code name} if it exists, first ending every session connected to it, so that a
     * connection a test forgot to close cannot keep the database alive.
     *
     * @throws IllegalArgumentException for {@code postgres}, {@code template0} and {@code template1}
     */
    void dropDatabase(String name);

    /**
     * A database name not used before in this JVM, made of {@code prefix} (lower-cased, other
     * characters than letters, digits and underscores replaced) and a random suffix; nothing
     * is created.
     */
    String uniqueDatabaseName(String prefix);
}
