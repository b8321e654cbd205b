package io.wlj.backup.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * With a per-class test instance JUnit calls the constructor before the extension's before-all
 * callback; the constructor still gets the class's database, and only one is made.
 */
@WithPostgres
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PerClassInstanceTest {
    private final TestDatabase fromConstructor;
    private TestDatabase fromBeforeAll;

    PerClassInstanceTest(TestDatabase database) {
        this.fromConstructor = database;
    }

    @BeforeAll
    void remember(TestDatabase database) {
        fromBeforeAll = database;
    }

    @Test
    void seesOneDatabaseEverywhere(TestDatabase database, PostgresServer server) throws SQLException {
        assertThat(fromConstructor).isEqualTo(fromBeforeAll).isEqualTo(database);
        assertThat(server.databaseExists(database.name())).isTrue();
        try (var connection = database.connect()) {
            assertThat(connection.isValid(5)).isTrue();
        }
    }
}
