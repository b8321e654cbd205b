package io.wlj.backup.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;

/**
 * {@code @Nested} classes use their enclosing class's database, and finishing a nested class
 * does not drop it.
 */
@WithPostgres
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class NestedClassesTest {
    private static String outerDatabase;

    @BeforeAll
    static void createSharedTable(TestDatabase database) throws SQLException {
        outerDatabase = database.name();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE made_by_outer (id int)");
        }
    }

    @Test
    void seesItsOwnSetup(TestDatabase database) throws SQLException {
        assertThat(DatabasePerClassTest.tableExists(database, "made_by_outer")).isTrue();
    }

    @Nested
    @Order(1)
    class Inner {
        @Test
        void usesTheEnclosingDatabase(TestDatabase database) throws SQLException {
            assertThat(database.name()).isEqualTo(outerDatabase);
            assertThat(DatabasePerClassTest.tableExists(database, "made_by_outer")).isTrue();
        }
    }

    @Nested
    @Order(2)
    @WithPostgres
    class AnnotatedAgain {
        @Test
        void stillUsesTheEnclosingDatabaseAfterInnerFinished(TestDatabase database, PostgresServer server) {
            assertThat(database.name()).isEqualTo(outerDatabase);
            assertThat(server.databaseExists(outerDatabase)).isTrue();
        }
    }
}
