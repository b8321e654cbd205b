package io.wlj.backup.testkit.internal;

import io.wlj.backup.testkit.PostgresServer;
import io.wlj.backup.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link PostgresServer} over a started instance whose version has been checked. */
final class RunningServer implements PostgresServer {
    private static final Logger LOG = LoggerFactory.getLogger(RunningServer.class);
    private static final String ADMIN_DATABASE = "postgres";
    private static final Set<String> SYSTEM_DATABASES = Set.of("postgres", "template0", "template1");

    private final PostgresInstance instance;
    private final ServerVersion version;

    private RunningServer(PostgresInstance instance, ServerVersion version) {
        this.instance = instance;
        this.version = version;
    }

    /**
     * Wraps {@code instance} after checking it runs {@code requestedMajor}; otherwise closes it
     * and fails, since tests on the wrong version would pass or fail for the wrong reasons.
     */
    static RunningServer checked(PostgresInstance instance, int requestedMajor) {
        ServerVersion version;
        try {
            version = queryVersion(instance);
        } catch (SQLException e) {
            instance.close();
            throw new IllegalStateException("PostgreSQL from " + instance.origin() + " started but did not report its version: " + e.getMessage(), e);
        }
        if (version.major() != requestedMajor) {
            instance.close();
            throw new IllegalStateException(instance.versionMismatch(requestedMajor, version));
        }
        return new RunningServer(instance, version);
    }

    private static ServerVersion queryVersion(PostgresInstance instance) throws SQLException {
        TestDatabase admin = new TestDatabase(ADMIN_DATABASE, instance.host(), instance.port(), instance.user(), instance.password(), 0);
        try (Connection connection = admin.connect();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SHOW server_version_num")) {
            result.next();
            return ServerVersion.fromVersionNum(Integer.parseInt(result.getString(1).strip()));
        }
    }

    @Override
    public String host() {
        return instance.host();
    }

    @Override
    public int port() {
        return instance.port();
    }

    @Override
    public String user() {
        return instance.user();
    }

    @Override
    public String password() {
        return instance.password();
    }

    @Override
    public int majorVersion() {
        return version.major();
    }

    @Override
    public String jdbcUrl(String database) {
        return database(database).jdbcUrl();
    }

    @Override
    public DataSource adminDataSource() {
        return dataSource(ADMIN_DATABASE);
    }

    @Override
    public DataSource dataSource(String database) {
        return database(database).dataSource();
    }

    @Override
    public TestDatabase database(String name) {
        DatabaseName.requireValid(name);
        return new TestDatabase(name, host(), port(), user(), password(), version.major());
    }

    @Override
    public TestDatabase createDatabase(String name) {
        String sql = "CREATE DATABASE " + DatabaseName.quoted(name);
        try (Connection connection = adminDataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database '" + name + "': " + e.getMessage(), e);
        }
        LOG.debug("Created database {}", name);
        return database(name);
    }

    @Override
    public boolean databaseExists(String name) {
        DatabaseName.requireValid(name);
        try (Connection connection = adminDataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            statement.setString(1, name);
            try (ResultSet result = statement.executeQuery()) {
                return result.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not look up database '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void dropDatabase(String name) {
        String quoted = DatabaseName.quoted(name);
        if (SYSTEM_DATABASES.contains(name)) {
            throw new IllegalArgumentException("Refusing to drop the system database '" + name + "'.");
        }
        try (Connection connection = adminDataSource().getConnection()) {
            // A new session could connect between the two statements; before 13 that makes
            // DROP fail, from 13 on WITH (FORCE) ends it too.
            try (PreparedStatement terminate = connection.prepareStatement(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
                terminate.setString(1, name);
                terminate.executeQuery().close();
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + quoted + (version.major() >= 13 ? " WITH (FORCE)" : ""));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not drop database '" + name + "': " + e.getMessage(), e);
        }
        LOG.debug("Dropped database {}", name);
    }

    @Override
    public String uniqueDatabaseName(String prefix) {
        return DatabaseName.unique(prefix);
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version + " from " + instance.origin() + " at " + host() + ":" + port();
    }
}
