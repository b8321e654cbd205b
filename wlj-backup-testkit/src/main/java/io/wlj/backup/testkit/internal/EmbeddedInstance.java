package io.wlj.backup.testkit.internal;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL run from zonky binaries, for machines without Docker: those on the classpath (the
 * shared server) or those of a binaries jar named by {@link EmbeddedBinaries} (servers of other
 * major versions).
 *
 * <p>The binaries and a fresh data directory go under {@code java.io.tmpdir/embedded-pg}; zonky
 * deletes the data directory when the server stops and sweeps ones left by killed JVMs on the
 * next start.
 */
final class EmbeddedInstance implements PostgresInstance {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedInstance.class);
    private static final String USER = "postgres";
    // The server trusts local connections, so the password is never checked; setting one
    // anyway lets callers pass credentials the same way as for the Docker server.
    private static final String PASSWORD = "postgres";
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    private final EmbeddedPostgres postgres;
    /** The binaries jar, or null for the classpath. */
    private final Path jar;

    private EmbeddedInstance(EmbeddedPostgres postgres, Path jar) {
        this.postgres = postgres;
        this.jar = jar;
    }

    /** A server from the binaries on the classpath. */
    static EmbeddedInstance start() {
        return start(EmbeddedPostgres.builder(), null);
    }

    /**
     * A server from the binaries in {@code jar}. Several of these may run at once beside the
     * shared server, so each gets small shared buffers and few connections.
     */
    static EmbeddedInstance startFrom(Path jar) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setPgBinaryResolver(EmbeddedBinaries.resolver(jar))
                .setServerConfig("shared_buffers", "32MB")
                .setServerConfig("max_connections", "100");
        return start(builder, jar);
    }

    private static EmbeddedInstance start(EmbeddedPostgres.Builder builder, Path jar) {
        EmbeddedPostgres postgres;
        try {
            postgres = builder
                    .setCleanDataDirectory(true)
                    // SharedPostgres owns the one shutdown hook that stops the server.
                    .setRegisterShutdownHook(false)
                    // A cold start on a loaded CI machine can exceed zonky's 10 s default.
                    .setPGStartupWait(STARTUP_WAIT)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start embedded PostgreSQL" + (jar == null ? "" : " from " + jar) + ": "
                    + e.getMessage(), e);
        }
        EmbeddedInstance instance = new EmbeddedInstance(postgres, jar);
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("ALTER ROLE " + USER + " PASSWORD '" + PASSWORD + "'");
        } catch (SQLException e) {
            instance.close();
            throw new IllegalStateException("Embedded PostgreSQL started but refused a first statement: " + e.getMessage(), e);
        }
        return instance;
    }

    @Override
    public String host() {
        return "localhost";
    }

    @Override
    public int port() {
        return postgres.getPort();
    }

    @Override
    public String user() {
        return USER;
    }

    @Override
    public String password() {
        return PASSWORD;
    }

    @Override
    public String origin() {
        return jar == null ? "embedded binaries" : "embedded binaries " + jar;
    }

    @Override
    public String versionMismatch(int requestedMajor, ServerVersion running) {
        if (jar != null) {
            return "PostgreSQL " + requestedMajor + " was requested but " + jar + " holds PostgreSQL " + running
                    + "; the build copied the wrong binaries jar there.";
        }
        return mismatchSentence(requestedMajor, running);
    }

    /**
     * Maven, not the test JVM, picks the binaries jar (through the parent pom's profiles), so
     * setting the property only for the tests cannot change the version that runs.
     */
    static String mismatchSentence(int requestedMajor, ServerVersion running) {
        return "PostgreSQL " + requestedMajor + " was requested but the embedded binaries on the classpath are PostgreSQL "
                + running + "; pass -Dwlj.test.postgres.version=" + requestedMajor
                + " to Maven itself (not only to the test JVM) so that it selects the matching binaries.";
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not stop embedded PostgreSQL cleanly", e);
        }
    }
}
