package io.wlj.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.wlj.backup.BackupResult;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.GateResult;
import io.wlj.backup.Stage;
import io.wlj.backup.repository.ArtifactDetail;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.repository.VerificationRecord;
import io.wlj.backup.testkit.PostgresServer;
import io.wlj.backup.testkit.TestDatabase;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restore drills: a good backup passes, a corrupted artifact and a table that lost its rows fail and say which. */
class RestoreDrillTest {
    @TempDir
    Path tmp;
    PostgresServer server;
    TestDatabase source;
    FileSystemRepository repository;
    BackupSystem system;

    @BeforeEach
    void app() throws Exception {
        server = PostgresServer.shared();
        source = server.createDatabase(server.uniqueDatabaseName("drill"));
        try (Connection c = source.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE author (id int PRIMARY KEY); INSERT INTO author SELECT generate_series(1, 50);"
                    + "CREATE TABLE journal (id int PRIMARY KEY, author_id int REFERENCES author (id), body text);"
                    + "INSERT INTO journal SELECT g, 1 + g % 50, repeat('x', 100) FROM generate_series(1, 20000) g");
        }
        repository = FileSystemRepository.init(tmp.resolve("repo"));
        system = BackupSystem.configure().repository(repository).source(PostgresSource.builder(JdbcEngineRoundTripTest.db(source)).build())
                .gates(Stage.AFTER_RESTORE_BEFORE_COMMIT, PostgresGates.minRows("journal", 1), PostgresGates.foreignKeys()).build();
    }

    RestoreDrill drill() {
        return RestoreDrill.on(JdbcEngineRoundTripTest.db(server.database("postgres")));
    }

    long scratchDatabases() throws Exception {
        try (Connection c = source.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'wlj\\_drill\\_%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aGoodBackupPassesItsDrillAndTheRecordIsKept() throws Exception {
        BackupResult backup = system.backup();
        VerificationRecord r = drill().run(system, backup.id());
        assertThat(r.passed()).as("%s", r.problems()).isTrue();
        assertThat(r.kind()).isEqualTo(VerificationRecord.RESTORE_TEST);
        assertThat(r.bytes()).as("rows restored").isEqualTo(20050);
        assertThat(r.gates()).extracting(GateResult::gate).contains("row-counts", "foreign-keys", "min-rows journal", "foreign-key-integrity");
        assertThat(r.steps()).anySatisfy(s -> assertThat(s).startsWith("data ("));
        assertThat(repository.verifications(backup.id())).contains(r);
        assertThat(scratchDatabases()).isZero();
    }

    @Test
    void aCorruptedArtifactFailsTheDrillNamingIt() throws Exception {
        BackupResult backup = system.backup();
        ArtifactDetail data = backup.manifest().detail().artifacts().stream().filter(a -> a.name().startsWith("data-")).findFirst().orElseThrow();
        try (RandomAccessFile f = new RandomAccessFile(repository.pathOf(backup.id(), data.file()).toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x08);
        }
        VerificationRecord r = drill().run(system, backup.id());
        assertThat(r.passed()).isFalse();
        assertThat(String.join(" ", r.problems())).contains("stopped at step 'data'").contains(data.file());
        assertThat(repository.verifications(backup.id())).contains(r);
        assertThat(scratchDatabases()).isZero();
    }

    @Test
    void aTableThatLostItsRowsFailsTheDrillNamingIt() throws Exception {
        try (Connection c = source.connect(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM journal"); // the accident happened before the backup
        }
        BackupResult backup = system.backup();
        VerificationRecord r = drill().run(system, backup.id());
        assertThat(r.passed()).isFalse();
        assertThat(String.join(" ", r.problems())).contains("min-rows journal").contains("journal has 0 row(s)");
        assertThat(r.gates()).filteredOn(g -> g.gate().equals("min-rows journal")).singleElement()
                .satisfies(g -> assertThat(g.status()).isEqualTo(GateResult.Status.FAIL));
        assertThat(scratchDatabases()).isZero();
    }
}
