package io.wlj.backup.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;

/**
 * Two test classes get two databases, neither sees the other's tables, and a class's database
 * is gone once the class has finished.
 *
 * <p>The two classes are nested in a class that does not use the extension, so each has its own
 * database, and {@link TestClassOrder} makes the first one finish (after-all callbacks
 * included) before the second one starts.
 */
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class DatabasePerClassTest {
    /** Set by the first class, read by the second; null when the first was filtered out. */
    private static volatile String firstDatabase;

    static boolean tableExists(TestDatabase database, String table) throws SQLException {
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
            result.next();
            return result.getBoolean(1);
        }
    }

    @Nested
    @Order(1)
    @WithPostgres
    class First {
        @Test
        void createsATableInItsOwnDatabase(TestDatabase database) throws SQLException {
            try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE only_in_first (id int PRIMARY KEY)");
                statement.execute("INSERT INTO only_in_first VALUES (1)");
            }
            assertThat(tableExists(database, "only_in_first")).isTrue();
            firstDatabase = database.name();
        }
    }

    @Nested
    @Order(2)
    @WithPostgres
    class Second {
        @Test
        void hasAnotherDatabase(TestDatabase database) {
            assumeTrue(firstDatabase != null, "runs after First");
            assertThat(database.name()).isNotEqualTo(firstDatabase);
        }

        @Test
        void doesNotSeeTheFirstClassTable(TestDatabase database) throws SQLException {
            assertThat(tableExists(database, "only_in_first")).isFalse();
        }

        @Test
        void findsTheFirstClassDatabaseDropped(PostgresServer server, TestDatabase database) {
            assumeTrue(firstDatabase != null, "runs after First");
            assertThat(server.databaseExists(firstDatabase)).as("database %s of the finished class", firstDatabase).isFalse();
            assertThat(server.databaseExists(database.name())).isTrue();
        }
    }
}
