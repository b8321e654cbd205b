package io.wlj.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.wlj.backup.BackupResult;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.RestoreReport;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.testkit.PostgresServer;
import io.wlj.backup.testkit.TestDatabase;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.wlj.backup.testkit.CatalogSnapshot;
import io.wlj.backup.testkit.DataSnapshot;
import io.wlj.backup.testkit.Fixtures;
import io.wlj.backup.testkit.PgTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class JdbcEngineRoundTripTest {
    @TempDir
    Path tmp;

    static PostgresDatabase db(TestDatabase t) {
        return PostgresDatabase.url(t.jdbcUrl()).user(t.user()).password(() -> t.password().toCharArray());
    }

    static void load(TestDatabase t, String resource) throws Exception {
        String sql = new String(JdbcEngineRoundTripTest.class.getResourceAsStream(resource).readAllBytes(), StandardCharsets.UTF_8);
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", t.user());
        props.setProperty("password", t.password());
        props.setProperty("preferQueryMode", "simple");
        try (Connection c = java.sql.DriverManager.getConnection(t.jdbcUrl(), props); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * The round-trip oracle on every supported major version: the testkit's hostile fixture plus
     * this module's own, backed up, then restored three ways (our restore, the exported script
     * through psql, the decoded artifacts through psql as RESTORE.txt says), each compared with the
     * source by catalog and data snapshots, and by pg_dump where the local pg_dump reads the server.
     */
    @ParameterizedTest(name = "PostgreSQL {0}")
    @ValueSource(ints = {14, 15, 16, 17})
    void everyObjectKindAndHostileValueSurvivesEveryRestorePath(int major, org.junit.jupiter.api.TestReporter reporter) throws Exception {
        PgTools.require("psql");
        PgTools.require("zstd");
        PostgresServer server = PostgresServer.version(major);
        TestDatabase source = server.createDatabase(server.uniqueDatabaseName("rt_src"));
        Fixtures.loadEverything(source);
        load(source, "roundtrip.sql");
        CatalogSnapshot schema = CatalogSnapshot.of(source);
        DataSnapshot data = DataSnapshot.of(source);
        boolean pgDump = PgTools.canDump(major);
        String dumped = pgDump ? PgTools.dumpSchema(source) : null;
        reporter.publishEntry("oracle", pgDump ? "pg_dump --schema-only and catalog snapshots"
                : "catalog snapshots only: the local pg_dump " + PgTools.majorVersion("pg_dump").orElse(0) + " cannot read PostgreSQL " + major);

        BackupSystem system = BackupSystem.configure().repository(FileSystemRepository.init(tmp.resolve("repo")))
                .source(PostgresSource.builder(db(source)).build()).build();
        BackupResult result = system.backup();
        assertThat(result.warnings()).isEmpty();

        TestDatabase copy = server.database(server.uniqueDatabaseName("rt_copy"));
        system.restore(result.id()).to(PostgresTarget.newDatabase(db(copy))).plan().execute();
        assertSame(copy, schema, data, dumped);

        Path script = tmp.resolve("export.sql");
        try (OutputStream out = Files.newOutputStream(script)) {
            system.restore(result.id()).to(SqlScriptTarget.to(out)).plan().execute();
        }
        TestDatabase viaPsql = server.createDatabase(server.uniqueDatabaseName("rt_psql"));
        psql(viaPsql, script);
        assertSame(viaPsql, schema, data, dumped);

        FileSystemRepository repo = FileSystemRepository.at(tmp.resolve("repo"));
        String instructions = Files.readString(repo.pathOf(result.id(), "RESTORE.txt"));
        assertThat(instructions).contains("pre-data.sql").contains("data-NNNN.sql").contains("post-data.sql");
        TestDatabase byHand = server.createDatabase(server.uniqueDatabaseName("rt_hand"));
        List<String> order = new ArrayList<>(List.of("pre-data"));
        result.manifest().detail().artifacts().stream().map(a -> a.name()).filter(n -> n.startsWith("data-")).sorted().forEach(order::add);
        order.add("large-objects");
        order.add("post-data");
        for (String name : order) {
            var artifact = result.manifest().detail().artifacts().stream().filter(a -> a.name().equals(name)).findFirst().orElseThrow();
            Path decoded = tmp.resolve(name + ".sql");
            Process zstd = new ProcessBuilder("zstd", "-d", "-q", "-f", "-o", decoded.toString(),
                    repo.pathOf(result.id(), artifact.file()).toString()).redirectErrorStream(true).start();
            assertThat(zstd.waitFor()).as(new String(zstd.getInputStream().readAllBytes())).isZero();
            psql(byHand, decoded);
        }
        assertSame(byHand, schema, data, dumped);
    }

    private static void psql(TestDatabase db, Path script) {
        PgTools.PsqlResult r = PgTools.psqlFile(db, script);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
    }

    private static void assertSame(TestDatabase copy, CatalogSnapshot schema, DataSnapshot data, String dumped) throws Exception {
        assertThat(CatalogSnapshot.of(copy).diff(schema)).isEmpty();
        assertThat(DataSnapshot.of(copy).diff(data)).isEmpty();
        if (dumped != null) {
            assertThat(PgTools.dumpSchema(copy)).isEqualTo(dumped);
        }
    }

    @Test
    void ownersAndGrantsAreRestoredOnlyWhenAskedFor() throws Exception {
        PostgresServer server = PostgresServer.shared();
        TestDatabase source = server.createDatabase(server.uniqueDatabaseName("acl_src"));
        String owner = "owner_" + source.name();
        String reader = "reader_" + source.name();
        try (Connection c = source.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + owner + "; CREATE ROLE " + reader);
            s.execute("CREATE SCHEMA sales AUTHORIZATION " + owner);
            s.execute("CREATE TABLE sales.orders (id int PRIMARY KEY, secret text, total numeric)");
            s.execute("CREATE VIEW sales.totals AS SELECT id, total FROM sales.orders");
            s.execute("CREATE FUNCTION sales.double(i int) RETURNS int LANGUAGE sql AS 'SELECT i * 2'");
            s.execute("CREATE TYPE sales.state AS ENUM ('open', 'paid')");
            s.execute("ALTER TABLE sales.orders OWNER TO " + owner + "; ALTER VIEW sales.totals OWNER TO " + owner);
            s.execute("ALTER FUNCTION sales.double(int) OWNER TO " + owner + "; ALTER TYPE sales.state OWNER TO " + owner);
            s.execute("GRANT USAGE ON SCHEMA sales TO " + reader);
            s.execute("GRANT SELECT ON sales.totals TO " + reader + " WITH GRANT OPTION");
            s.execute("GRANT SELECT (id, total), UPDATE (total) ON sales.orders TO " + reader);
            s.execute("REVOKE EXECUTE ON FUNCTION sales.double(int) FROM PUBLIC");
            s.execute("GRANT EXECUTE ON FUNCTION sales.double(int) TO " + reader);
            s.execute("INSERT INTO sales.orders VALUES (1, 'x', 9.5)");
        }
        BackupSystem system = BackupSystem.configure().repository(FileSystemRepository.init(tmp.resolve("repo")))
                .source(PostgresSource.builder(db(source)).ownershipAndGrants(true).build()).build();
        BackupResult with = system.backup();
        TestDatabase copy = server.database(server.uniqueDatabaseName("acl_copy"));
        system.restore(with.id()).to(PostgresTarget.newDatabase(db(copy))).plan().execute();
        assertThat(Oracle.schema(copy, true)).isEqualTo(Oracle.schema(source, true));
        assertThat(Oracle.catalogPrivileges(copy)).isEqualTo(Oracle.catalogPrivileges(source)).contains(owner).contains(reader);

        BackupSystem plain = BackupSystem.configure().repository(FileSystemRepository.init(tmp.resolve("repo-plain")))
                .source(PostgresSource.builder(db(source)).build()).build();
        TestDatabase plainCopy = server.database(server.uniqueDatabaseName("acl_plain"));
        plain.restore(plain.backup().id()).to(PostgresTarget.newDatabase(db(plainCopy))).plan().execute();
        assertThat(Oracle.schema(plainCopy)).isEqualTo(Oracle.schema(source));
        assertThat(Oracle.catalogPrivileges(plainCopy)).doesNotContain(owner).doesNotContain(reader);
    }

    @Test
    void theHostApplicationsDataSourceServesTheSnapshotAndItsWorkers() throws Exception {
        PostgresServer server = PostgresServer.shared();
        TestDatabase source = server.createDatabase(server.uniqueDatabaseName("ds_src"));
        try (Connection c = source.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE a (id int PRIMARY KEY, v text); CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a)");
            s.execute("INSERT INTO a SELECT g, 'v' || g FROM generate_series(1, 3000) g; INSERT INTO b SELECT g, g FROM generate_series(1, 3000) g");
        }
        BackupSystem system = BackupSystem.configure().repository(FileSystemRepository.init(tmp.resolve("repo")))
                .source(PostgresSource.builder(PostgresDatabase.of(source.dataSource())).jobs(2).build()).build();
        BackupResult result = system.backup();
        assertThat(((Number) result.manifest().detail().sources().get(0).metadata().get("rows")).longValue()).isEqualTo(6000);
        TestDatabase copy = server.database(server.uniqueDatabaseName("ds_copy"));
        system.restore(result.id()).to(PostgresTarget.newDatabase(db(copy))).plan().execute();
        assertThat(DataSnapshot.of(copy).diff(DataSnapshot.of(source))).isEmpty();
        assertThat(CatalogSnapshot.of(copy).diff(CatalogSnapshot.of(source))).isEmpty();
    }
}
