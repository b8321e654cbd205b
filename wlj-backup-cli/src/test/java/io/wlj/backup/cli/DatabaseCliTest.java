package io.wlj.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wlj.backup.cli.CliTest.Run;
import io.wlj.backup.internal.Json;
import io.wlj.backup.testkit.PostgresServer;
import io.wlj.backup.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** backup --db, restore --target --create and export --format sql, through the command line. */
class DatabaseCliTest {
    @TempDir
    Path tmp;
    Path repo;
    PostgresServer server;
    TestDatabase db;

    @BeforeEach
    void setUp() throws Exception {
        repo = tmp.resolve("repo");
        server = PostgresServer.shared();
        db = server.createDatabase(server.uniqueDatabaseName("cli"));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE journal (id serial PRIMARY KEY, body text NOT NULL, at timestamptz DEFAULT now())");
            s.execute("INSERT INTO journal (body) SELECT 'day ' || g FROM generate_series(1, 500) g");
        }
        assertThat(CliTest.run("init", "--repo", repo, "--no-encryption").exit()).isZero();
    }

    private static long rows(TestDatabase t) throws Exception {
        try (Connection c = t.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM journal")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void backupRestoreAndExportADatabase() throws Exception {
        Run backup = CliTest.run("backup", "--repo", repo, "--db", db.jdbcUrl(), "--db-user", db.user(), "--jobs", "2", "--json");
        assertThat(backup.exit()).as(backup.err()).isZero();
        JsonNode json = Json.MAPPER.readTree(backup.out());
        assertThat(json.get("warnings")).isEmpty();

        TestDatabase copy = server.database(server.uniqueDatabaseName("cli_copy"));
        Run withoutCreate = CliTest.run("restore", "--repo", repo, "--latest", "--target", copy.jdbcUrl(), "--db-user", db.user());
        assertThat(withoutCreate.exit()).isEqualTo(2);
        assertThat(withoutCreate.err()).startsWith("error: ").contains("--create");
        assertThat(server.databaseExists(copy.name())).isFalse();

        Run dryRun = CliTest.run("restore", "--repo", repo, "--latest", "--target", copy.jdbcUrl(), "--db-user", db.user(), "--create",
                "--dry-run");
        assertThat(dryRun.exit()).as(dryRun.err()).isZero();
        assertThat(dryRun.out()).contains("Create database \"" + copy.name() + "\"").contains("Nothing has been touched yet.");
        assertThat(server.databaseExists(copy.name())).isFalse();

        Run restore = CliTest.run("restore", "--repo", repo, "--latest", "--target", copy.jdbcUrl(), "--db-user", db.user(), "--create");
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(restore.out()).contains("into database " + copy.name());
        assertThat(rows(copy)).isEqualTo(500);

        Run again = CliTest.run("restore", "--repo", repo, "--latest", "--target", copy.jdbcUrl(), "--db-user", db.user(), "--create");
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("already exists");

        Path sql = tmp.resolve("out.sql");
        Run export = CliTest.run("export", "--repo", repo, "--latest", "--format", "sql", "-o", sql);
        assertThat(export.exit()).as(export.err()).isZero();
        assertThat(Files.readString(sql)).contains("CREATE TABLE \"public\".\"journal\"").contains("COPY \"public\".\"journal\"")
                .contains("day 500");
        Run exists = CliTest.run("export", "--repo", repo, "--latest", "--format", "sql", "-o", sql);
        assertThat(exists.exit()).isEqualTo(2);
    }

    @Test
    void badDatabaseInputIsOneSentence() throws Exception {
        List<Run> usage = List.of(
                CliTest.run("backup", "--repo", repo, "--db", "jdbc:mysql://localhost/app"),
                CliTest.run("backup", "--repo", repo, "--db", db.jdbcUrl(), "--schema-only", "--data-only"),
                CliTest.run("backup", "--repo", repo, "--db", db.jdbcUrl(), "--engine", "mysqldump"),
                CliTest.run("backup", "--repo", repo, "--db", db.jdbcUrl(), "--jobs", "0"),
                CliTest.run("backup", "--repo", repo),
                CliTest.run("restore", "--repo", repo, "--latest", "--to", tmp, "--target", db.jdbcUrl(), "--create"),
                CliTest.run("export", "--repo", repo, "--latest", "--format", "csv"));
        for (Run r : usage) {
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith("error: ").doesNotContain("\tat ").doesNotContain("Exception");
        }
        Run unreachable = CliTest.run("backup", "--repo", repo, "--db", "jdbc:postgresql://127.0.0.1:1/app?connectTimeout=5");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err()).startsWith("error: ").contains("Cannot connect");
        assertThat(CliTest.run("list", "--repo", repo, "--json").out()).contains("[ ]");
    }

    @Test
    void anEncryptedRepositoryKeepsTheDatabasePrivateAndRestoresWithThePassphrase() throws Exception {
        Path encrypted = tmp.resolve("secret-repo");
        Path passphrase = tmp.resolve("pass");
        Files.writeString(passphrase, "correct horse battery staple for the db");
        Files.setPosixFilePermissions(passphrase, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(CliTest.run("init", "--repo", encrypted, "--passphrase-file", passphrase).exit()).isZero();
        Run backup = CliTest.run("backup", "--repo", encrypted, "--passphrase-file", passphrase, "--db", db.jdbcUrl(), "--db-user",
                db.user());
        assertThat(backup.exit()).as(backup.err()).isZero();
        try (var files = Files.walk(encrypted)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String name = f.getFileName().toString();
                String content = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(content).as(f.toString()).doesNotContain("journal").doesNotContain(db.name()).doesNotContain("day 500");
                if (f.getParent().getParent().getFileName().toString().equals("backups") && !name.startsWith("manifest.json")
                        && !name.equals("RESTORE.txt")) {
                    assertThat(name).endsWith(".gpg");
                }
            }
        }
        TestDatabase copy = server.database(server.uniqueDatabaseName("cli_enc"));
        Run noKey = CliTest.run("restore", "--repo", encrypted, "--latest", "--target", copy.jdbcUrl(), "--db-user", db.user(), "--create");
        assertThat(noKey.exit()).isEqualTo(2);
        assertThat(server.databaseExists(copy.name())).isFalse();
        Run restore = CliTest.run("restore", "--repo", encrypted, "--passphrase-file", passphrase, "--latest", "--target", copy.jdbcUrl(),
                "--db-user", db.user(), "--create");
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(rows(copy)).isEqualTo(500);
    }
}
