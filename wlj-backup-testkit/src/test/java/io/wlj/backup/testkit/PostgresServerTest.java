package io.wlj.backup.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The programmatic entry point, used without the JUnit extension as a demo or a user would. */
class PostgresServerTest {
    private final PostgresServer server = PostgresServer.shared();

    @Test
    void isOnePerJvm() {
        assertThat(PostgresServer.shared()).isSameAs(server);
        assertThat(server.host()).isNotBlank();
        assertThat(server.port()).isPositive();
    }

    @Test
    void createsAndDropsDatabases() throws SQLException {
        String name = server.uniqueDatabaseName("programmatic");
        assertThat(server.databaseExists(name)).isFalse();

        TestDatabase database = server.createDatabase(name);
        assertThat(server.databaseExists(name)).isTrue();
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(name), server.user(), server.password());
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id int)");
        }
        assertThat(database.name()).isEqualTo(name);

        server.dropDatabase(name);
        assertThat(server.databaseExists(name)).isFalse();
    }

    @Test
    void dropEndsSessionsLeftOpen() throws SQLException {
        TestDatabase database = server.createDatabase(server.uniqueDatabaseName("left_open"));
        try (Connection forgotten = database.connect()) {
            server.dropDatabase(database.name());

            assertThat(server.databaseExists(database.name())).isFalse();
            assertThat(forgotten.isValid(5)).isFalse();
        }
    }

    @Test
    void dropOfAMissingDatabaseDoesNothing() {
        String name = server.uniqueDatabaseName("never_created");
        server.dropDatabase(name);
        assertThat(server.databaseExists(name)).isFalse();
    }

    @Test
    void quotesNamesThatNeedIt() throws SQLException {
        String name = "Mixed Case \"quoted\" " + server.uniqueDatabaseName("x");
        TestDatabase database = server.createDatabase(name);
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT current_database()")) {
            result.next();
            assertThat(result.getString(1)).isEqualTo(name);
        } finally {
            server.dropDatabase(name);
        }
        assertThat(server.databaseExists(name)).isFalse();
    }

    @Test
    void refusesToCreateAnExistingDatabase() {
        String name = server.uniqueDatabaseName("twice");
        server.createDatabase(name);
        try {
            assertThatThrownBy(() -> server.createDatabase(name))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(name);
        } finally {
            server.dropDatabase(name);
        }
    }

    @Test
    void refusesToDropSystemDatabases() {
        for (String name : new String[] {"postgres", "template0", "template1"}) {
            assertThatThrownBy(() -> server.dropDatabase(name)).isInstanceOf(IllegalArgumentException.class);
            assertThat(server.databaseExists(name)).isTrue();
        }
    }

    @Test
    void refusesNamesPostgresWouldTruncate() {
        assertThatThrownBy(() -> server.createDatabase("x".repeat(64)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("63 bytes");
    }

    @Test
    void makesUniqueNamesFromAPrefix() {
        String first = server.uniqueDatabaseName("Restore-Target");
        String second = server.uniqueDatabaseName("Restore-Target");

        assertThat(first).matches("restore_target_[0-9a-f]{8}");
        assertThat(first).isNotEqualTo(second);
    }
}
