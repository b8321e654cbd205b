package io.wlj.backup.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The shared server runs, answers, and is the version the build asked for. */
@WithPostgres
class SharedServerTest {

    private static int requestedMajor() {
        String value = System.getProperty(PostgresServer.VERSION_PROPERTY, PostgresServer.DEFAULT_VERSION);
        return Integer.parseInt(value.isBlank() ? PostgresServer.DEFAULT_VERSION : value.strip());
    }

    private static String queryString(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            assertThat(result.next()).as("a row from %s", sql).isTrue();
            return result.getString(1);
        }
    }

    @Test
    void answersSelectOne(TestDatabase database) throws SQLException {
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT 1")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void runsTheRequestedMajorVersion(TestDatabase database, PostgresServer server) throws SQLException {
        int running = Integer.parseInt(queryString(database.dataSource(), "SHOW server_version_num")) / 10000;

        assertThat(running).isEqualTo(requestedMajor());
        assertThat(server.majorVersion()).isEqualTo(running);
        assertThat(database.serverMajorVersion()).isEqualTo(running);
    }

    @Test
    void connectsToTheDatabaseItNames(TestDatabase database) throws SQLException {
        assertThat(queryString(database.dataSource(), "SELECT current_database()")).isEqualTo(database.name());
        try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password())) {
            assertThat(connection.getCatalog()).isEqualTo(database.name());
        }
    }

    @Test
    void givesSuperuserAccess(TestDatabase database, PostgresServer server) throws SQLException {
        assertThat(queryString(database.dataSource(), "SHOW is_superuser")).isEqualTo("on");
        assertThat(queryString(server.adminDataSource(), "SELECT current_database()")).isEqualTo("postgres");
        assertThat(database.user()).isEqualTo(server.user());
        assertThat(database.host()).isEqualTo(server.host());
        assertThat(database.port()).isEqualTo(server.port());
    }

    @Test
    void injectsTheServerOfThisJvm(PostgresServer server) {
        assertThat(server).isSameAs(PostgresServer.shared());
    }

    @Test
    void keepsThePasswordOutOfToString(TestDatabase database) {
        assertThat(database.toString()).contains(database.name()).doesNotContain("password=");
    }
}
