package io.wlj.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wlj.backup.cli.CliTest.Run;
import io.wlj.backup.testkit.PostgresServer;
import io.wlj.backup.testkit.TestDatabase;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify --restore-test and audit verify through the command line. */
class DrillCliTest {
    @TempDir
    Path tmp;
    Path repo;
    PostgresServer server;
    TestDatabase db;

    @BeforeEach
    void backUp() throws Exception {
        repo = tmp.resolve("repo");
        server = PostgresServer.shared();
        db = server.createDatabase(server.uniqueDatabaseName("cli_drill"));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE journal (id serial PRIMARY KEY, body text NOT NULL)");
            s.execute("INSERT INTO journal (body) SELECT repeat('day ', 20) || g FROM generate_series(1, 5000) g");
        }
        assertThat(CliTest.run("init", "--repo", repo, "--no-encryption").exit()).isZero();
        Run backup = CliTest.run("backup", "--repo", repo, "--db", db.jdbcUrl(), "--db-user", db.user());
        assertThat(backup.exit()).as(backup.err()).isZero();
    }

    @Test
    void aDrillPassesThenCatchesACorruptedArtifact() throws Exception {
        String admin = server.database("postgres").jdbcUrl();
        Run ok = CliTest.run("verify", "--repo", repo, "--latest", "--restore-test", admin, "--db-user", db.user());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("OK      restored into a scratch database and checked: 1 table(s), 5000 row(s)");

        Path data;
        try (Stream<Path> files = Files.walk(repo.resolve("backups"))) {
            // the biggest stored file is the table's data artifact
            data = files.filter(Files::isRegularFile).max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x10);
        }
        Run failed = CliTest.run("verify", "--repo", repo, "--latest", "--restore-test", admin, "--db-user", db.user());
        assertThat(failed.exit()).isEqualTo(3);
        assertThat(failed.out()).contains("FAILED  restore drill").contains("stopped at step 'data'").contains(data.getFileName().toString());
        assertThat(failed.err()).contains("1 backup(s) failed their restore drill");
    }

    @Test
    void auditVerifyFindsTheFirstAlteredLine() throws Exception {
        assertThat(CliTest.run("backup", "--repo", repo, "--db", db.jdbcUrl(), "--db-user", db.user()).exit()).isZero();
        Run intact = CliTest.run("audit", "verify", "--repo", repo);
        assertThat(intact.exit()).as(intact.err()).isZero();
        assertThat(intact.out()).contains("hash chain unbroken");
        Path journal = repo.resolve("audit").resolve("journal.jsonl");
        List<String> lines = Files.readAllLines(journal);
        assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
        lines.set(0, lines.get(0).replace("\"SUCCESS\"", "\"FAILED\""));
        Files.write(journal, lines);
        Run altered = CliTest.run("audit", "verify", "--repo", repo);
        assertThat(altered.exit()).isEqualTo(3);
        assertThat(altered.err()).contains("altered at line");
    }

    @Test
    void statusExitsThreeWhenThereIsNothingAndZeroWhenHealthy() throws Exception {
        Path empty = tmp.resolve("empty");
        assertThat(CliTest.run("init", "--repo", empty, "--no-encryption").exit()).isZero();
        Run none = CliTest.run("status", "--repo", empty, "--json");
        assertThat(none.exit()).isEqualTo(3);
        com.fasterxml.jackson.databind.JsonNode json = io.wlj.backup.internal.Json.MAPPER.readTree(none.out());
        assertThat(json.get("level").asText()).isEqualTo("CRITICAL");
        assertThat(json.get("checks").get(0).get("message").asText()).contains("no backup at all");

        assertThat(CliTest.run("verify", "--repo", repo, "--latest").exit()).isZero();
        Run healthy = CliTest.run("status", "--repo", repo, "--max-age", "26h", "--disk-threshold", "100", "--db", db.jdbcUrl(),
                "--db-user", db.user());
        assertThat(healthy.exit()).as(healthy.out() + healthy.err()).isZero();
        assertThat(healthy.out()).contains("freshness default").contains("SELECT 1 answered").contains("Overall: WARNING");
        Run badDuration = CliTest.run("status", "--repo", repo, "--max-age", "soon");
        assertThat(badDuration.exit()).isEqualTo(2);
        assertThat(badDuration.err()).contains("not a duration");
    }

    @Test
    void statusAlertsOnceThenHoldsBackUntilTheCooldownEnds() throws Exception {
        Path empty = tmp.resolve("empty");
        assertThat(CliTest.run("init", "--repo", empty, "--no-encryption").exit()).isZero();
        Path page = tmp.resolve("page.jsonl");
        Object[] args = {"status", "--repo", empty, "--alert-command", "sh", "--alert-command", "-c", "--alert-command",
                "cat >> '" + page + "'", "--cooldown", "60m"};
        Run first = CliTest.run(args);
        assertThat(first.exit()).isEqualTo(3);
        assertThat(first.err()).contains("alerts: ").contains(" sent, 0 held back");
        List<String> paged = Files.readAllLines(page);
        assertThat(paged).anySatisfy(l -> assertThat(l).contains("\"level\":\"CRITICAL\"").contains("no backup at all"));
        Run second = CliTest.run(args);
        assertThat(second.exit()).isEqualTo(3);
        assertThat(second.err()).contains("alerts: 0 sent");
        assertThat(Files.readAllLines(page)).hasSameSizeAs(paged);
    }

    @Test
    void gatesFromTheCommandLineHaltABackupAndFailADrill() throws Exception {
        Run good = CliTest.run("backup", "--repo", repo, "--db", db.jdbcUrl(), "--db-user", db.user(), "--gate", "min-rows:journal=1",
                "--gate", "row-count:journal=5000", "--gate", "decodable", "--gate", "size-anomaly:5:50%", "--json");
        assertThat(good.exit()).as(good.err()).isZero();
        assertThat(good.out()).contains("min-rows journal").contains("row-count journal").contains("decodable").contains("size-anomaly");
        Run halted = CliTest.run("backup", "--repo", repo, "--db", db.jdbcUrl(), "--db-user", db.user(), "--gate", "row-count:journal=4");
        assertThat(halted.exit()).isEqualTo(3);
        assertThat(halted.err()).contains("journal has 5000 row(s) where exactly 4 are required");
        assertThat(CliTest.run("list", "--repo", repo, "--json").out()).as("two sealed, the halted one not")
                .satisfies(o -> assertThat(io.wlj.backup.internal.Json.MAPPER.readTree(o).size()).isEqualTo(2));

        Run drill = CliTest.run("verify", "--repo", repo, "--latest", "--restore-test", server.database("postgres").jdbcUrl(),
                "--db-user", db.user(), "--gate", "min-rows:journal=6000", "--gate", "foreign-keys");
        assertThat(drill.exit()).isEqualTo(3);
        assertThat(drill.out()).contains("min-rows journal").contains("5000 row(s) where at least 6000 are required");
        Run unknown = CliTest.run("backup", "--repo", repo, "--db", db.jdbcUrl(), "--db-user", db.user(), "--gate", "vibes");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown gate 'vibes'");
    }

    @Test
    void withoutAServerTheDrillRunsOnAnEmbeddedPostgres() {
        Run drill = CliTest.run("verify", "--repo", repo, "--latest", "--restore-test");
        assertThat(drill.exit()).as(drill.out() + drill.err()).isZero();
        assertThat(drill.err()).contains("Starting an embedded PostgreSQL");
        assertThat(drill.out()).contains("OK      restored into a scratch database and checked: 1 table(s), 5000 row(s)");
    }
}
