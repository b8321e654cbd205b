package io.wlj.backup.testkit.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the queries of a snapshot with settings that make their text output the same whatever
 * the session had: an empty search path (so every name from a user schema comes out
 * schema-qualified), ISO dates, UTC, shortest-exact floats, hex bytea.
 *
 * <p>On a connection in auto-commit mode the work runs in its own read-only repeatable-read
 * transaction, so all queries see one state. On a connection inside a transaction it runs in
 * a savepoint of that transaction, so a test can snapshot changes it has not committed; the
 * settings are undone with the savepoint either way.
 */
public final class SnapshotSession {
    private static final String SAVEPOINT = "wlj_testkit_snapshot";
    private static final String[][] SETTINGS = {
        {"search_path", ""},
        {"DateStyle", "ISO, YMD"},
        {"IntervalStyle", "postgres"},
        {"TimeZone", "UTC"},
        {"extra_float_digits", "1"},
        {"bytea_output", "hex"},
        {"xmloption", "content"},
        {"lc_monetary", "C"},
        {"lc_numeric", "C"},
        {"statement_timeout", "0"},
    };

    private SnapshotSession() {
    }

    /** Work done with the settings in place. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    public static <T> T run(Connection connection, Work<T> work) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        if (autoCommit) {
            connection.setAutoCommit(false);
            execute(connection, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        } else {
            execute(connection, "SAVEPOINT " + SAVEPOINT);
        }
        try {
            for (String[] setting : SETTINGS) {
                execute(connection, "SET LOCAL " + setting[0] + " = '" + setting[1] + "'");
            }
            return work.run(connection);
        } finally {
            if (autoCommit) {
                connection.rollback();
                connection.setAutoCommit(true);
            } else {
                execute(connection, "ROLLBACK TO SAVEPOINT " + SAVEPOINT);
                execute(connection, "RELEASE SAVEPOINT " + SAVEPOINT);
            }
        }
    }

    /** The server's {@code server_version_num}, such as 160010. */
    public static int versionNum(Connection connection) throws SQLException {
        return Integer.parseInt(queryStrings(connection, "SHOW server_version_num").get(0).strip());
    }

    /** The first column of every row of {@code sql}, as text. */
    public static List<String> queryStrings(Connection connection, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                values.add(result.getString(1));
            }
        }
        return values;
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
