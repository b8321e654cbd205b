package io.wlj.backup.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile fixture loads on every supported PostgreSQL major version, holds what it
 * promises, and the snapshots describe it the same way every time and in every database.
 */
class EverythingFixtureTest {

    static Stream<Integer> versions() {
        return PostgresServer.SUPPORTED_VERSIONS.stream();
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void loadsAndSnapshotsTheSameInTwoDatabases(int major) throws SQLException {
        PostgresServer server = PostgresServer.version(major);
        TestDatabase first = server.createDatabase(server.uniqueDatabaseName("everything_" + major));
        TestDatabase second = server.createDatabase(server.uniqueDatabaseName("everything_again_" + major));
        try {
            Fixtures.loadEverything(first);
            Fixtures.loadEverything(second);

            CatalogSnapshot catalog = CatalogSnapshot.of(first);
            DataSnapshot data = DataSnapshot.of(first);
            assertThat(CatalogSnapshot.of(first).diff(catalog)).as("a second read").isEmpty();
            assertThat(DataSnapshot.of(first).diff(data)).as("a second read").isEmpty();
            // Other OIDs, same objects and rows: the snapshots must not see the difference.
            assertThat(CatalogSnapshot.of(second).diff(catalog)).as("the fixture loaded into another database").isEmpty();
            assertThat(DataSnapshot.of(second).diff(data)).as("the fixture loaded into another database").isEmpty();
            assertThat(CatalogSnapshot.of(second)).isEqualTo(catalog);

            assertCoversEveryObjectKind(catalog);
            assertHoldsHostileData(first, data);
        } finally {
            server.dropDatabase(first.name());
            server.dropDatabase(second.name());
        }
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void survivesAPgDumpRoundTripWherePgDumpCanReadTheServer(int major, @TempDir Path temp) throws SQLException {
        PgTools.require("pg_dump");
        PgTools.require("psql");
        assumeTrue(PgTools.canDump(major), () -> "pg_dump " + PgTools.majorVersion("pg_dump").orElseThrow()
                + " cannot dump PostgreSQL " + major + "; CatalogSnapshot is the only oracle there");
        PostgresServer server = PostgresServer.version(major);
        TestDatabase original = server.createDatabase(server.uniqueDatabaseName("dumped_" + major));
        TestDatabase restored = server.createDatabase(server.uniqueDatabaseName("restored_" + major));
        try {
            Fixtures.loadEverything(original);

            String schema = PgTools.dumpSchema(original);
            assertThat(schema)
                    .contains("CREATE TABLE \"MixedCase\".\"Order Lines\"", "BEGIN ATOMIC", "CREATE POLICY secrets_never_blank",
                            "FORCE ROW LEVEL SECURITY", "PARTITION BY HASH (taken)", "CREATE STATISTICS fixture.orders_stats")
                    .doesNotContain("-- Dumped from database version", "\\restrict");
            assertThat(PgTools.dumpSchema(original)).as("a second schema dump").isEqualTo(schema);

            Path dump = temp.resolve("everything.sql");
            PgTools.dump(original, dump, List.of("--no-owner", "--no-acl"));
            PgTools.PsqlResult result = PgTools.psqlFile(restored, dump);
            assertThat(result.exitCode()).as("psql restoring the dump: %s", result.stderr()).isZero();

            assertThat(CatalogSnapshot.of(restored).diff(CatalogSnapshot.of(original))).as("schema after pg_dump and psql").isEmpty();
            assertThat(DataSnapshot.of(restored).diff(DataSnapshot.of(original))).as("data after pg_dump and psql").isEmpty();
        } finally {
            server.dropDatabase(original.name());
            server.dropDatabase(restored.name());
        }
    }

    /** The script is plain SQL: psql runs it, statement by statement, to the same database. */
    @Test
    void loadsThroughPsqlAsThroughJdbc(@TempDir Path temp) throws SQLException, IOException {
        PgTools.require("psql");
        PostgresServer server = PostgresServer.shared();
        TestDatabase throughJdbc = server.createDatabase(server.uniqueDatabaseName("through_jdbc"));
        TestDatabase throughPsql = server.createDatabase(server.uniqueDatabaseName("through_psql"));
        try {
            Fixtures.loadEverything(throughJdbc);
            Path script = Files.writeString(temp.resolve("everything.sql"), Fixtures.everythingSql());
            PgTools.PsqlResult result = PgTools.psqlFile(throughPsql, script);
            assertThat(result.exitCode()).as("psql: %s", result.stderr()).isZero();

            assertThat(CatalogSnapshot.of(throughPsql).diff(CatalogSnapshot.of(throughJdbc))).isEmpty();
            assertThat(DataSnapshot.of(throughPsql).diff(DataSnapshot.of(throughJdbc))).isEmpty();
        } finally {
            server.dropDatabase(throughJdbc.name());
            server.dropDatabase(throughPsql.name());
        }
    }

    private static void assertCoversEveryObjectKind(CatalogSnapshot catalog) {
        assertThat(catalog.text()).contains(
                "schema \"MixedCase\"", "schema \"order\"", "extension btree_gist", "extension citext",
                "enum type fixture.mood", "'sad', 'meh', 'ok'", "composite type fixture.address", "range type fixture.floatrange",
                "domain fixture.positive_int", "default 1", "not null", "constraint code_short CHECK", "(not validated)",
                "sequence fixture.countdown", "increment -3", " cycle", "owned by fixture.orders.legacy_id",
                "owned by fixture.customers.id (identity)",
                "generated always as identity", "generated by default as identity", "generated always as (length(name)) stored",
                "collate pg_catalog.\"C\"", "collate fixture.posix_copy", "storage external", "compression pglz", "unlogged",
                "options autovacuum_enabled=false, fillfactor=70", "toast options autovacuum_enabled=false",
                "partition key RANGE (happened_on)", "partition of fixture.events_2024 DEFAULT", "partition key HASH (taken)",
                "inherits fixture.vehicles", "inherited 1 and local",
                "ON DELETE CASCADE", "ON UPDATE SET NULL ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED", "NOT VALID",
                "EXCLUDE USING gist (room WITH =, during WITH &&)", "backs constraint bookings_no_overlap",
                "WHERE (mood <> 'sad'::fixture.mood)", "USING gin (doc)", "USING gist (during)",
                "(status DESC, total NULLS FIRST, customer_id DESC NULLS LAST, number)",
                "INCLUDE (total, status)", "attached to fixture.events_region_idx", "clustered", "replica identity full",
                "options security_barrier=true", "check_option=cascaded", "materialized view fixture.order_totals",
                "not populated", "BEGIN ATOMIC", "procedure fixture.count_small_orders", "aggregate fixture.concat_all(text)",
                "enabled disabled", "WHEN (old.mood IS DISTINCT FROM new.mood)", "FOR EACH STATEMENT",
                "rule legacy_rows_keep_negative", "DO INSTEAD NOTHING",
                "row level security enabled", "row level security forced", "restrictive for update", "to wlj_fixture_reader",
                "statistics fixture.orders_stats", "statistics target 500", "event trigger wlj_fixture_ddl",
                "comment on schema fixture", "comment on table fixture.customers", "comment on table column fixture.customers.name_length",
                "comment on type fixture.mood", "comment on function fixture.is_valid_sku(pg_catalog.text)",
                "comment on table constraint sku_valid on fixture.customers", "comment on index fixture.orders_status_total_idx",
                "comment on view fixture.cheerful_name_lengths", "comment on sequence fixture.countdown",
                "comment on trigger orders_deleted on fixture.orders", "comment on policy secrets_never_blank on fixture.secrets",
                "comment on large object 424242", "\\ttabs and\\nnewlines",
                "\"MixedCase\".\"Order Lines\"", "column \"Quote\"\"Inside\" text");
        // Extension members and system schemas are left out.
        assertThat(catalog.text()).doesNotContain("gbt_", "citext_eq", "information_schema", "pg_toast");
    }

    private static void assertHoldsHostileData(TestDatabase database, DataSnapshot data) throws SQLException {
        assertThat(data.text()).contains(
                "sequence fixture.not_called last_value 500 is_called false",
                "large object 424242 bytes",
                "table fixture.empty_table rows 0 md5 -");
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            List<String> emptyLeaves = new ArrayList<>();
            try (ResultSet leaves = statement.executeQuery("SELECT c.oid::regclass::text FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'fixture' AND c.relkind = 'r' AND c.relispartition")) {
                while (leaves.next()) {
                    emptyLeaves.add(leaves.getString(1));
                }
            }
            emptyLeaves.removeIf(leaf -> data.text().contains("table " + leaf + " rows ") && !data.text().contains("table " + leaf + " rows 0 "));
            assertThat(emptyLeaves).as("partitions without rows").isEmpty();
            try (ResultSet sizes = statement.executeQuery("SELECT max(octet_length(t)), max(octet_length(b)),"
                    + " (SELECT count(DISTINCT get_byte(b, i)) FROM fixture.hostile_values, generate_series(0, 255) i WHERE id = 61)"
                    + " FROM fixture.hostile_values")) {
                sizes.next();
                assertThat(sizes.getLong(1)).isGreaterThan(10L << 20);
                assertThat(sizes.getLong(2)).isGreaterThan(10L << 20);
                assertThat(sizes.getInt(3)).isEqualTo(256);
            }
        }
    }
}
