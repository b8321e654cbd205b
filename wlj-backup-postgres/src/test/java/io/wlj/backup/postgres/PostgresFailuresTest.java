package io.wlj.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.testkit.PostgresServer;
import io.wlj.backup.testkit.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets one clear sentence, an error code that maps to exit 1 or 2, and never a sealed backup. */
class PostgresFailuresTest {
    @TempDir
    Path tmp;

    private BackupSystem system(PostgresSource source) {
        return BackupSystem.configure().repository(FileSystemRepository.init(tmp.resolve("repo"))).source(source).build();
    }

    private void assertNothingSealed(BackupSystem system) {
        assertThat(system.list()).isEmpty();
        assertThat(system.leftovers()).isEmpty();
    }

    private static void assertOneSentence(Throwable e) {
        String m = e.getMessage();
        assertThat(m).doesNotContain("\n").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void anUnreachableServerIsOneSentenceAndNothingIsSealed() {
        BackupSystem system = system(PostgresSource.builder(PostgresDatabase.url("jdbc:postgresql://127.0.0.1:1/app?connectTimeout=5")
                .user("nobody")).build());
        assertThatThrownBy(system::backup).isInstanceOfSatisfying(BackupException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_FAILED);
            assertThat(e.getMessage()).contains("Cannot connect to jdbc:postgresql://127.0.0.1:1/app");
            assertOneSentence(e);
        });
        assertNothingSealed(system);
    }

    @Test
    void aWrongPasswordIsBadInputAndTheSecretIsNeverShown(@TempDir Path data) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(data.resolve("pgdata")).setCleanDataDirectory(true)
                .setPGStartupWait(Duration.ofSeconds(60)).start()) {
            try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE ROLE guarded LOGIN PASSWORD 'right-password-123'");
                Path hba = data.resolve("pgdata/pg_hba.conf");
                Files.writeString(hba, "local all all trust\nhost all postgres 127.0.0.1/32 trust\n"
                        + "host all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n");
                s.execute("SELECT pg_reload_conf()");
            }
            String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
            BackupSystem system = system(PostgresSource.builder(PostgresDatabase.url(url).user("guarded")
                    .password(() -> "wrong-password-456".toCharArray())).build());
            assertThatThrownBy(system::backup).isInstanceOfSatisfying(BackupException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
                assertThat(e.getMessage()).contains("password authentication failed for user \"guarded\"")
                        .doesNotContain("wrong-password-456");
                assertOneSentence(e);
            });
            assertNothingSealed(system);
            // The right password works, so the failure above was the password and nothing else.
            BackupSystem ok = BackupSystem.configure().repository(FileSystemRepository.init(tmp.resolve("repo-ok")))
                    .source(PostgresSource.builder(PostgresDatabase.url(url).user("guarded")
                            .password(() -> "right-password-123".toCharArray())).build()).build();
            assertThat(ok.backup().id()).isNotNull();
            assertThat(ok.toString()).doesNotContain("right-password-123");
            try (var files = Files.walk(tmp)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString())
                            .doesNotContain("right-password-123").doesNotContain("wrong-password-456");
                }
            }
        }
    }

    @Test
    void aPasswordInTheUrlIsRedactedInMessages() {
        PostgresDatabase db = PostgresDatabase.url("jdbc:postgresql://127.0.0.1:1/app?user=x&password=hunter2&connectTimeout=5");
        assertThat(db.toString()).doesNotContain("hunter2").contains("password=***");
        BackupSystem system = system(PostgresSource.builder(db).build());
        assertThatThrownBy(system::backup).hasMessageNotContaining("hunter2").hasMessageContaining("password=***");
        assertThat(PostgresSource.builder(db).build().toString()).doesNotContain("hunter2");
    }

    @Test
    void aTableTheUserMayNotReadIsNamed() throws Exception {
        PostgresServer server = PostgresServer.shared();
        TestDatabase db = server.createDatabase(server.uniqueDatabaseName("perm"));
        String role = "reader_" + db.name();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE open_data (x int); CREATE TABLE secret (x int); INSERT INTO secret VALUES (1)");
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN CREATE ROLE " + role
                    + " LOGIN; END IF; END $$");
            s.execute("GRANT SELECT ON open_data TO " + role);
        }
        BackupSystem system = system(PostgresSource.builder(PostgresDatabase.url(db.jdbcUrl()).user(role)).build());
        assertThatThrownBy(system::backup).isInstanceOfSatisfying(BackupException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
            assertThat(e.getMessage()).contains("may not read table \"public\".\"secret\"").contains("permission denied");
            assertOneSentence(e);
        });
        assertNothingSealed(system);
        // Leaving the table out is the way forward the message names.
        BackupSystem without = BackupSystem.configure().repository(FileSystemRepository.init(tmp.resolve("repo2")))
                .source(PostgresSource.builder(PostgresDatabase.url(db.jdbcUrl()).user(role)).excludeTable("public.secret").build()).build();
        assertThat(without.backup().warnings()).isEmpty();
    }

    @Test
    void aConflictingLockTimesOutWithTheTableNamed() throws Exception {
        PostgresServer server = PostgresServer.shared();
        TestDatabase db = server.createDatabase(server.uniqueDatabaseName("locked"));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE busy (x int); CREATE TABLE calm (x int)");
        }
        try (Connection holder = db.connect(); Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            s.execute("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE");
            BackupSystem system = system(PostgresSource.builder(JdbcEngineRoundTripTest.db(db)).lockTimeout(Duration.ofMillis(300)).build());
            assertThatThrownBy(system::backup).isInstanceOfSatisfying(BackupException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.LOCKED);
                assertThat(e.getMessage()).contains("Table \"public\".\"busy\" could not be locked within 0.3 s");
                assertOneSentence(e);
            });
            assertNothingSealed(system);
            holder.rollback();
        }
    }

    @Test
    void thePgDumpEngineExplainsAVersionMismatchBeforeWritingAnything() throws Exception {
        Path fake = tmp.resolve("pg_dump");
        Files.writeString(fake, "#!/bin/sh\necho 'pg_dump (PostgreSQL) 11.22'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        PostgresServer server = PostgresServer.shared();
        TestDatabase db = server.createDatabase(server.uniqueDatabaseName("pgdump_old"));
        BackupSystem system = system(PostgresSource.builder(JdbcEngineRoundTripTest.db(db)).engine(Engine.PG_DUMP).pgDump(fake).build());
        assertThatThrownBy(system::backup).isInstanceOfSatisfying(BackupException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
            assertThat(e.getMessage()).contains("runs PostgreSQL " + db.serverMajorVersion() + " but " + fake + " is pg_dump 11")
                    .contains("cannot dump newer servers");
            assertOneSentence(e);
        });
        assertNothingSealed(system);
    }

    @Test
    void patternsThatMatchNoTableAreAnErrorNotAnEmptyBackup() throws Exception {
        PostgresServer server = PostgresServer.shared();
        TestDatabase db = server.createDatabase(server.uniqueDatabaseName("nomatch"));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE present (x int)");
        }
        BackupSystem system = system(PostgresSource.builder(JdbcEngineRoundTripTest.db(db)).includeTable("absent_*").build());
        assertThatThrownBy(system::backup).isInstanceOfSatisfying(BackupException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
            assertThat(e.getMessage()).contains("No table").contains("matches");
        });
        assertNothingSealed(system);
    }
}
