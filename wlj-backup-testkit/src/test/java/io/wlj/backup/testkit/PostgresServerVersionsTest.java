package io.wlj.backup.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Several major versions in one JVM: each its own server, started once, beside the shared one. */
class PostgresServerVersionsTest {

    static Stream<Integer> versions() {
        return PostgresServer.SUPPORTED_VERSIONS.stream();
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void runsTheRequestedMajorVersion(int major) throws SQLException {
        PostgresServer server = PostgresServer.version(major);

        assertThat(server.majorVersion()).isEqualTo(major);
        assertThat(PostgresServer.version(major)).as("a second call").isSameAs(server);
        TestDatabase database = server.createDatabase(server.uniqueDatabaseName("version_" + major));
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
            result.next();
            assertThat(result.getInt(1)).isEqualTo(major);
            assertThat(database.serverMajorVersion()).isEqualTo(major);
        } finally {
            server.dropDatabase(database.name());
        }
    }

    @Test
    void theSharedServerIsTheServerOfItsVersion() {
        PostgresServer shared = PostgresServer.shared();

        assertThat(PostgresServer.version(shared.majorVersion())).isSameAs(shared);
    }

    @Test
    void differentVersionsAreDifferentServers() {
        assertThat(PostgresServer.version(14).port()).isNotEqualTo(PostgresServer.version(17).port());
    }

    @ParameterizedTest
    @ValueSource(ints = {9, 13, 18, 160})
    void refusesVersionsItDoesNotSupport(int major) {
        assertThatThrownBy(() -> PostgresServer.version(major))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PostgreSQL " + major + " is not supported")
                .hasMessageContaining("[14, 15, 16, 17]");
    }
}
