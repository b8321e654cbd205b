package io.wlj.backup.testkit;

import io.wlj.backup.testkit.internal.EmbeddedBinaries;
import io.wlj.backup.testkit.internal.SharedPostgres;
import java.util.List;
import javax.sql.DataSource;

/**
 * A PostgreSQL server that tests in this JVM share, with superuser access.
 *
 * <p>Tests that only need a database of their own should take a {@link TestDatabase} instead;
 * this handle is for tests that manage databases themselves, such as restore tests that create
 * a target database or check that one was created, and for tests that run against several
 * major versions ({@link #version(int)}). Implemented by this library only.
 */
public interface PostgresServer {

    /** System property naming the PostgreSQL major version to run. */
    String VERSION_PROPERTY = "wlj.test.postgres.version";

    /** The major version run when {@link #VERSION_PROPERTY} is not set. */
    String DEFAULT_VERSION = "16";

    /** System property choosing the kind of server: {@code auto}, {@code docker} or {@code embedded}. */
    String SERVER_PROPERTY = "wlj.test.postgres.server";

    /**
     * Prefix of the system properties ({@code wlj.test.postgres.binaries.17}...) naming the
     * zonky binaries jar of each major version, for {@link #version(int)}; the build sets them.
     */
    String BINARIES_PROPERTY_PREFIX = EmbeddedBinaries.PROPERTY_PREFIX;

    /** The major versions {@link #version(int)} can run, oldest first. */
    List<Integer> SUPPORTED_VERSIONS = List.of(14, 15, 16, 17);

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

    /**
     * A server running PostgreSQL {@code major}, started on the first call for that version and
     * stopped when the JVM exits; later calls return the same server. For the version
     * {@link #shared()} runs, this is the shared server.
     *
     * <p>Without Docker the binaries come from the jar named by the system property
     * {@value #BINARIES_PROPERTY_PREFIX}{@code <major>}, which the build copies and sets; when
     * that jar is missing the call fails (it does not skip), so a build that should test a
     * version cannot silently test fewer. Each such server costs a few seconds to start and runs with small shared
     * buffers (32 MB), so four of them fit beside the shared one on a small CI machine.
     *
     * @param major one of {@link #SUPPORTED_VERSIONS}
     * @throws IllegalArgumentException if {@code major} is not supported
     * @throws IllegalStateException if the server cannot be started, naming what is missing
     *     when its binaries are not available
     */
    static PostgresServer version(int major) {
        return SharedPostgres.server(major);
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
