package io.wlj.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupResult;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.IntegrityException;
import io.wlj.backup.RestorePlan;
import io.wlj.backup.repository.ArtifactDetail;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.testkit.PostgresServer;
import io.wlj.backup.testkit.TestDatabase;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed database restore leaves the server as it was; a plan touches nothing. */
class DatabaseRestoreSafetyTest {
    @TempDir
    Path tmp;
    PostgresServer server;
    TestDatabase source;
    FileSystemRepository repository;
    BackupSystem system;

    @BeforeEach
    void backUpASmallDatabase() throws Exception {
        server = PostgresServer.shared();
        source = server.createDatabase(server.uniqueDatabaseName("safety"));
        try (Connection c = source.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE parent (id int PRIMARY KEY, note text)");
            s.execute("CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent (id))");
            s.execute("INSERT INTO parent SELECT g, repeat('x', g % 50) FROM generate_series(1, 20000) g");
            s.execute("INSERT INTO child SELECT g, g FROM generate_series(1, 20000) g");
        }
        repository = FileSystemRepository.init(tmp.resolve("repo"));
        system = BackupSystem.configure().repository(repository).source(PostgresSource.builder(JdbcEngineRoundTripTest.db(source))
                .build()).build();
    }

    private PostgresTarget target(String name) {
        return PostgresTarget.newDatabase(JdbcEngineRoundTripTest.db(server.database(name)));
    }

    @Test
    void aDamagedDataArtifactDropsTheNewDatabaseAgain() throws Exception {
        BackupResult result = system.backup();
        ArtifactDetail data = result.manifest().detail().artifacts().stream().filter(a -> a.name().startsWith("data-")).findFirst().orElseThrow();
        Path file = repository.pathOf(result.id(), data.file());
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0x20);
        }
        String name = server.uniqueDatabaseName("damaged");
        RestorePlan plan = system.restore(result.id()).to(target(name)).plan();
        assertThat(server.databaseExists(name)).as("planning touches nothing").isFalse();
        assertThatThrownBy(plan::execute).isInstanceOfSatisfying(io.wlj.backup.RestoreFailedException.class, e -> {
            assertThat(e.getCause()).isInstanceOfSatisfying(IntegrityException.class, ie -> assertThat(ie.artifact()).isEqualTo(data.file()));
            assertThat(e.code()).isEqualTo(ErrorCode.INTEGRITY);
            assertThat(e.stoppedAt()).isEqualTo("data");
            assertThat(e.notRun()).contains("post-data", "verify");
            assertThat(e.getMessage()).contains("dropped again");
        });
        assertThat(server.databaseExists(name)).isFalse();
    }

    @Test
    void anExistingDatabaseIsNeverOverwritten() throws Exception {
        BackupResult result = system.backup();
        TestDatabase existing = server.createDatabase(server.uniqueDatabaseName("existing"));
        try (Connection c = existing.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE mine (x int); INSERT INTO mine VALUES (42)");
        }
        assertThatThrownBy(() -> system.restore(result.id()).to(target(existing.name())).plan())
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TARGET_NOT_EMPTY));
        try (Connection c = existing.connect(); Statement s = c.createStatement(); var rs = s.executeQuery("SELECT x FROM mine")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
    }

    @Test
    void aDataOnlyBackupCannotCreateADatabase() {
        BackupSystem dataOnly = BackupSystem.configure().repository(FileSystemRepository.init(tmp.resolve("repo-data")))
                .source(PostgresSource.builder(JdbcEngineRoundTripTest.db(source)).scope(Scope.DATA_ONLY).build()).build();
        BackupResult result = dataOnly.backup();
        String name = server.uniqueDatabaseName("dataonly");
        assertThatThrownBy(() -> dataOnly.restore(result.id()).to(target(name)).plan())
                .isInstanceOfSatisfying(BackupException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
                    assertThat(e.getMessage()).contains("holds data only");
                });
        assertThat(server.databaseExists(name)).isFalse();
    }

    @Test
    void aRestoreThatFailsInThePostDataPhaseDropsTheDatabase() throws Exception {
        // A role that exists on the source but not on the target makes the policy fail at the very end.
        String role = "gone_" + source.name();
        try (Connection c = source.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + role);
            s.execute("CREATE POLICY p ON parent TO " + role + " USING (true)");
        }
        BackupResult result = system.backup();
        try (Connection c = source.connect(); Statement s = c.createStatement()) {
            s.execute("DROP POLICY p ON parent");
            s.execute("DROP ROLE " + role);
        }
        String name = server.uniqueDatabaseName("postfail");
        assertThatThrownBy(() -> system.restore(result.id()).to(target(name)).plan().execute())
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.getMessage())
                        .contains("creating policy").contains(role).contains("dropped again"));
        assertThat(server.databaseExists(name)).isFalse();
    }
}
