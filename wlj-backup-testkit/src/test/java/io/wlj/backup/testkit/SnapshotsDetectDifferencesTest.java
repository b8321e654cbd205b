package io.wlj.backup.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An oracle that cannot see a difference proves nothing: each change here, made to the hostile
 * fixture inside a transaction that is then rolled back, must show in the snapshot's diff, and
 * changes that a restore legitimately makes (physical row order, dropped columns) must not.
 */
@WithPostgres
class SnapshotsDetectDifferencesTest {
    /** Taken once: every change below is rolled back, so the committed state stays this. */
    private static CatalogSnapshot catalogBefore;
    private static DataSnapshot dataBefore;

    @BeforeAll
    static void load(TestDatabase database) throws SQLException {
        Fixtures.loadEverything(database);
        catalogBefore = CatalogSnapshot.of(database);
        dataBefore = DataSnapshot.of(database);
    }

    static Stream<Arguments> catalogChanges() {
        return Stream.of(
                Arguments.of("ALTER TABLE fixture.customers ALTER COLUMN mood SET DEFAULT 'happy'", "default 'happy'::fixture.mood"),
                Arguments.of("ALTER TABLE fixture.orders DROP CONSTRAINT orders_total_check,"
                        + " ADD CONSTRAINT orders_total_check CHECK (total < 1000000)", "CHECK ((total < (1000000)::numeric))"),
                Arguments.of("ALTER TABLE fixture.orders ALTER CONSTRAINT orders_backup_fk NOT DEFERRABLE", "not deferrable"),
                Arguments.of("ALTER TABLE fixture.legacy_rows DROP CONSTRAINT legacy_rows_pkey", "legacy_rows_pkey"),
                Arguments.of("COMMENT ON TABLE fixture.customers IS 'changed'", "comment on table fixture.customers: changed"),
                Arguments.of("COMMENT ON COLUMN fixture.customers.name_length IS NULL", "- comment on table column fixture.customers.name_length"),
                Arguments.of("COMMENT ON INDEX fixture.customers_pkey IS 'new'", "+ comment on index fixture.customers_pkey: new"),
                Arguments.of("DROP INDEX fixture.orders_status_total_idx; CREATE INDEX orders_status_total_idx ON fixture.orders (status, total)",
                        "USING btree (status, total)"),
                Arguments.of("ALTER TABLE fixture.orders ENABLE TRIGGER orders_deleted", "enabled origin"),
                Arguments.of("ALTER TABLE fixture.legacy_rows DISABLE RULE legacy_rows_keep_negative", "enabled disabled"),
                Arguments.of("ALTER POLICY secrets_owner_read ON fixture.secrets USING (true)", "using true"),
                Arguments.of("ALTER TABLE fixture.secrets NO FORCE ROW LEVEL SECURITY", "-   row level security forced"),
                Arguments.of("ALTER TYPE fixture.mood ADD VALUE 'ecstatic'", "'ecstatic'"),
                Arguments.of("ALTER DOMAIN fixture.positive_int SET DEFAULT 2", "default 2"),
                Arguments.of("ALTER SEQUENCE fixture.countdown CACHE 1", "cache 1 cycle"),
                Arguments.of("ALTER TABLE fixture.customers ALTER COLUMN notes SET STORAGE EXTENDED", "storage extended compression pglz"),
                Arguments.of("ALTER TABLE fixture.customers ALTER COLUMN notes SET COMPRESSION default", "column notes text storage external"),
                Arguments.of("ALTER TABLE fixture.customers SET (fillfactor = 80)", "fillfactor=80"),
                Arguments.of("ALTER TABLE fixture.categories ALTER COLUMN name DROP NOT NULL", "column name text storage extended"),
                Arguments.of("ALTER TABLE fixture.customers ALTER COLUMN nickname TYPE text COLLATE \"C\"", "collate pg_catalog.\"C\""),
                Arguments.of("CREATE OR REPLACE FUNCTION fixture.describe(value integer) RETURNS text LANGUAGE sql IMMUTABLE"
                        + " AS $$ SELECT 'integer ' || value $$", "'integer '"),
                Arguments.of("ALTER VIEW fixture.cheerful_customers SET (security_barrier = false)", "security_barrier=false"),
                Arguments.of("ALTER STATISTICS fixture.orders_stats SET STATISTICS 100", "statistics target 100"),
                Arguments.of("ALTER TABLE fixture.events DETACH PARTITION fixture.events_default", "-   partition of fixture.events DEFAULT"),
                Arguments.of("ALTER TABLE fixture.customers RENAME COLUMN nickname TO alias", "column alias"),
                Arguments.of("CREATE SCHEMA extra", "schema extra"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogChanges")
    void catalogSnapshotSeesTheChange(String change, String expectedInDiff, TestDatabase database) throws SQLException {
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            try {
                execute(connection, change);
                CatalogSnapshot after = CatalogSnapshot.of(connection);

                assertThat(after).isNotEqualTo(catalogBefore);
                assertThat(catalogBefore.diff(after)).contains(expectedInDiff);
            } finally {
                connection.rollback();
            }
        }
    }

    static Stream<Arguments> dataChanges() {
        return Stream.of(
                Arguments.of("UPDATE fixture.orders SET total = 10.51 WHERE number = 'MANUAL-1'", "table fixture.orders"),
                Arguments.of("UPDATE fixture.hostile_values SET t = '' WHERE id = 1", "table fixture.hostile_values"),
                Arguments.of("UPDATE fixture.hostile_values SET t = NULL WHERE id = 2", "table fixture.hostile_values"),
                Arguments.of("UPDATE fixture.hostile_values SET b = NULL WHERE id = 2", "table fixture.hostile_values"),
                Arguments.of("UPDATE fixture.hostile_values SET f8 = 0 WHERE id = 23", "table fixture.hostile_values"),
                Arguments.of("UPDATE fixture.hostile_values SET n = 'Infinity' WHERE id = 20", "table fixture.hostile_values"),
                Arguments.of("UPDATE fixture.hostile_values SET texts = '{\"NULL\"}' WHERE id = 40", "table fixture.hostile_values"),
                Arguments.of("UPDATE fixture.hostile_values SET t = overlay(t placing 'X' from 6000000) WHERE id = 63", "table fixture.hostile_values"),
                Arguments.of("UPDATE fixture.hostile_values SET b = set_byte(b, 6000000, 1) WHERE id = 62", "table fixture.hostile_values"),
                Arguments.of("UPDATE fixture.events SET happened_on = '2023-06-01' WHERE id = 1", "table fixture.events_2023 rows 2"),
                Arguments.of("WITH moved AS (DELETE FROM ONLY fixture.cars RETURNING id, name, wheels)"
                        + " INSERT INTO fixture.vehicles SELECT * FROM moved", "table fixture.vehicles rows 2"),
                Arguments.of("INSERT INTO fixture.empty_table VALUES (1, NULL)", "table fixture.empty_table rows 1"),
                Arguments.of("SELECT lo_put(424242, 0, '\\x00')", "large object 424242"),
                Arguments.of("REFRESH MATERIALIZED VIEW fixture.never_refreshed", "materialized view fixture.never_refreshed rows 1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dataChanges")
    void dataSnapshotSeesTheChange(String change, String expectedInDiff, TestDatabase database) throws SQLException {
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            try {
                execute(connection, change);
                DataSnapshot after = DataSnapshot.of(connection);

                assertThat(after).isNotEqualTo(dataBefore);
                assertThat(dataBefore.diff(after)).contains(expectedInDiff);
            } finally {
                connection.rollback();
            }
        }
    }

    /** Sequences are not transactional, so this change is undone by hand. */
    @Test
    void dataSnapshotSeesASequenceChange(TestDatabase database) throws SQLException {
        try (Connection connection = database.connect()) {
            execute(connection, "SELECT setval('fixture.not_called', 500, true)");
            DataSnapshot after = DataSnapshot.of(connection);

            assertThat(dataBefore.diff(after))
                    .contains("- sequence fixture.not_called last_value 500 is_called false")
                    .contains("+ sequence fixture.not_called last_value 500 is_called true");
        } finally {
            try (Connection connection = database.connect()) {
                execute(connection, "SELECT setval('fixture.not_called', 500, false)");
            }
        }
        assertThat(DataSnapshot.of(database)).isEqualTo(dataBefore);
    }

    /** What a dump and restore changes without changing the database's meaning is invisible. */
    @Test
    void snapshotsIgnorePhysicalDifferences(TestDatabase database) throws SQLException {
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            try {
                // New row versions at the end of the heap, a dropped column, a rewritten table.
                execute(connection, "UPDATE fixture.categories SET name = name WHERE id = 1");
                execute(connection, "ALTER TABLE fixture.cycle_b ADD COLUMN gone integer DEFAULT 7");
                execute(connection, "ALTER TABLE fixture.cycle_b DROP COLUMN gone");
                execute(connection, "ALTER TABLE fixture.vehicles ALTER COLUMN wheels TYPE integer USING wheels + 0");

                assertThat(CatalogSnapshot.of(connection).diff(catalogBefore)).isEmpty();
                assertThat(DataSnapshot.of(connection).diff(dataBefore)).isEmpty();
            } finally {
                connection.rollback();
            }
        }
    }

    @Test
    void snapshotsInsideATransactionLeaveItUsable(TestDatabase database) throws SQLException {
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            try {
                execute(connection, "SET LOCAL search_path = fixture");
                CatalogSnapshot.of(connection);
                DataSnapshot.of(connection);
                // The snapshot's settings are gone, the transaction's own are back.
                try (Statement statement = connection.createStatement();
                        var result = statement.executeQuery("SELECT current_setting('search_path'), count(*) FROM customers")) {
                    result.next();
                    assertThat(result.getString(1)).isEqualTo("fixture");
                    assertThat(result.getInt(2)).isEqualTo(5);
                }
            } finally {
                connection.rollback();
            }
            connection.setAutoCommit(true);
            CatalogSnapshot.of(connection);
            assertThat(connection.getAutoCommit()).isTrue();
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
