package io.wlj.backup.testkit;

import io.wlj.backup.testkit.internal.SnapshotSession;
import io.wlj.backup.testkit.internal.SnapshotText;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The contents of a database reduced to one line per table, sequence and large object: the
 * oracle for "the restored rows are the original ones".
 *
 * <p>Each table's own rows ({@code FROM ONLY}, so a row is counted in the one table that holds
 * it: a leaf partition, or an inheritance parent or child) give a row count and a digest
 * computed by the server: the MD5 of the sorted row hashes, a row hash being the MD5 of its
 * columns' MD5s (of the text form; of the bytes for bytea; a marker for NULL). Text forms tell
 * NULL from an empty string, NaN from infinity and -0 from 0; the digest does not depend on
 * the physical order of rows, and only row hashes reach the sort, so a table of any size costs
 * no client memory and little server memory. Partitioned parents hold no rows
 * and are left out; populated materialized views are included, since a restore must refresh
 * them. Sequences give {@code last_value} and {@code is_called}; large objects their size and
 * MD5.
 *
 * <p>Columns are hashed in their order, so a table restored with its columns in another order
 * differs, as it should: {@code SELECT *} and {@code INSERT} without a column list would
 * behave differently. Dropped columns are not part of a row. The text form is made with fixed settings (UTC, ISO dates, hex bytea,
 * shortest exact floats), so the session's own settings do not matter. Like
 * {@link CatalogSnapshot}, it reads in one repeatable-read snapshot, or in a savepoint of the
 * connection's open transaction.
 */
public final class DataSnapshot {
    private static final List<String> SECTIONS = List.of("tables", "sequences", "large objects");
    private static final String USER_RELATION = "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
            + " AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'"
            + " AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid"
            + " AND e.deptype = 'e')";

    private final SnapshotText text;

    private DataSnapshot(SnapshotText text) {
        this.text = text;
    }

    /** Reads the data of the database {@code connection} is connected to; leaves the connection as it was. */
    public static DataSnapshot of(Connection connection) throws SQLException {
        return SnapshotSession.run(connection, DataSnapshot::read);
    }

    /** Reads the data of {@code database} through a connection of its own. */
    public static DataSnapshot of(TestDatabase database) throws SQLException {
        try (Connection connection = database.connect()) {
            return of(connection);
        }
    }

    /** One line per table, sequence and large object, sorted, under section headers. */
    public String text() {
        return text.text();
    }

    /** {@link #text()} split into lines. */
    public List<String> lines() {
        return List.of(text.text().split("\n"));
    }

    /** What differs from {@code other}, as {@link CatalogSnapshot#diff(CatalogSnapshot)}; empty when equal. */
    public String diff(DataSnapshot other) {
        return text.diff(other.text);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DataSnapshot that && text.equals(that.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text.text();
    }

    private static DataSnapshot read(Connection connection) throws SQLException {
        List<SnapshotText.Entry> entries = new ArrayList<>();
        List<String[]> tables = rows(connection, "SELECT c.oid::regclass::text, CASE c.relkind WHEN 'm' THEN 'materialized view'"
                + " ELSE 'table' END " + USER_RELATION + " AND (c.relkind = 'r' OR (c.relkind = 'm' AND c.relispopulated))");
        for (String[] table : tables) {
            String[] digest = rows(connection, "SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '-')"
                    + " FROM (SELECT " + rowHash(connection, table[0]) + " AS h FROM ONLY " + table[0] + " wlj_row) wlj_rows").get(0);
            entries.add(new SnapshotText.Entry("tables", table[0],
                    table[1] + " " + table[0] + " rows " + digest[0] + " md5 " + digest[1]));
        }
        for (String[] sequence : rows(connection, "SELECT c.oid::regclass::text, '' " + USER_RELATION + " AND c.relkind = 'S'")) {
            String[] state = rows(connection, "SELECT last_value::text, is_called::text FROM " + sequence[0]).get(0);
            entries.add(new SnapshotText.Entry("sequences", sequence[0],
                    "sequence " + sequence[0] + " last_value " + state[0] + " is_called " + state[1]));
        }
        for (String[] object : rows(connection, "SELECT m.oid::text, octet_length(lo_get(m.oid))::text || ' md5 '"
                + " || md5(lo_get(m.oid)) FROM pg_largeobject_metadata m")) {
            // OIDs of large objects are their names: pg_dump keeps them.
            entries.add(new SnapshotText.Entry("large objects", String.format("%010d", Long.parseLong(object[0])),
                    "large object " + object[0] + " bytes " + object[1]));
        }
        return new DataSnapshot(new SnapshotText(SECTIONS, entries));
    }

    /**
     * An expression hashing one row of {@code table} (aliased {@code wlj_row}): the MD5 of each
     * column's MD5, or {@code N} for NULL, in column order. Hashing columns one by one rather
     * than the row's text form spares the server escaping every large value and writing bytea
     * as hex, which made a 10 MB row cost half a second; a column's text form still tells an
     * empty string from NULL, NaN from infinity and -0 from 0, and bytea is hashed as bytes.
     */
    private static String rowHash(Connection connection, String table) throws SQLException {
        List<String[]> columns = rows(connection, "SELECT quote_ident(attname), (atttypid = 'bytea'::regtype)::text"
                + " FROM pg_attribute WHERE attrelid = '" + table.replace("'", "''") + "'::regclass AND attnum > 0"
                + " AND NOT attisdropped ORDER BY attnum");
        if (columns.isEmpty()) {
            return "md5('')";
        }
        // COLLATE "C": columns of different collations would leave the result without one, and
        // sorting hex digits needs no locale.
        StringBuilder hash = new StringBuilder("(md5(");
        for (int i = 0; i < columns.size(); i++) {
            String column = "wlj_row." + columns.get(i)[0];
            // Each part is N or 32 hex digits, so the concatenation cannot be read two ways.
            hash.append(i == 0 ? "" : " || ").append("coalesce(md5(").append(column)
                    .append("true".equals(columns.get(i)[1]) ? "" : "::text").append("), 'N')");
        }
        return hash.append(") COLLATE \"C\")").toString();
    }

    private static List<String[]> rows(Connection connection, String sql) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                String[] row = new String[columns];
                for (int i = 0; i < columns; i++) {
                    row[i] = result.getString(i + 1);
                }
                rows.add(row);
            }
        } catch (SQLException e) {
            throw new SQLException("DataSnapshot could not run " + sql + ": " + e.getMessage(), e.getSQLState(), e);
        }
        return rows;
    }
}
