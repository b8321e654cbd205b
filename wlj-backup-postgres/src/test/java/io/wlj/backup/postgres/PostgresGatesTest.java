package io.wlj.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.BackupResult;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.GateResult;
import io.wlj.backup.RestoreFailedException;
import io.wlj.backup.RestoreReport;
import io.wlj.backup.Stage;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.spi.GateContext;
import io.wlj.backup.spi.ValidationGate;
import io.wlj.backup.testkit.DataSnapshot;
import io.wlj.backup.testkit.PostgresServer;
import io.wlj.backup.testkit.TestDatabase;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each PostgreSQL gate passing and failing on a real database, alone and inside a restore. */
class PostgresGatesTest {
    @TempDir
    Path tmp;
    PostgresServer server;
    TestDatabase db;

    @BeforeEach
    void app() throws Exception {
        server = PostgresServer.shared();
        db = server.createDatabase(server.uniqueDatabaseName("gates"));
        sql(db, "CREATE TABLE ai_coachingstyle (id int PRIMARY KEY, name text);"
                + "INSERT INTO ai_coachingstyle SELECT g, 'style ' || g FROM generate_series(1, 7) g;"
                + "CREATE TABLE users_user (id int PRIMARY KEY); INSERT INTO users_user VALUES (1), (2);"
                + "CREATE TABLE journal (id int PRIMARY KEY, user_id int REFERENCES users_user (id));"
                + "INSERT INTO journal VALUES (1, 1), (2, 2), (3, NULL);"
                + "CREATE TABLE django_migrations (id serial PRIMARY KEY, app text, name text, applied timestamptz DEFAULT now());"
                + "INSERT INTO django_migrations (app, name) VALUES ('journal', '0001_initial'), ('journal', '0002_mood');"
                + "CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version text, description text, success boolean);"
                + "INSERT INTO flyway_schema_history VALUES (1, '1', 'init', true), (2, '2', 'users', true)");
    }

    static void sql(TestDatabase t, String sql) throws Exception {
        try (Connection c = t.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    PostgresDatabase pg() {
        return JdbcEngineRoundTripTest.db(db);
    }

    static GateResult evaluate(ValidationGate gate) {
        return gate.evaluate(GateContext.detached(Stage.BEFORE_BACKUP));
    }

    @Test
    void eachGatePassesAndFails() throws Exception {
        assertThat(evaluate(PostgresGates.connectivity().on(pg())).status()).isEqualTo(GateResult.Status.PASS);
        assertThat(evaluate(PostgresGates.rowCount("ai_coachingstyle", 7).on(pg())).status()).isEqualTo(GateResult.Status.PASS);
        assertThat(evaluate(PostgresGates.rowCount("ai_coachingstyle", 8).on(pg())).evidence())
                .contains("7 row(s) where exactly 8 are required");
        assertThat(evaluate(PostgresGates.minRows("users_user", 1).on(pg())).status()).isEqualTo(GateResult.Status.PASS);
        assertThat(evaluate(PostgresGates.minRows("no_such_table", 1).on(pg())).evidence()).contains("there is no table no_such_table");
        assertThat(evaluate(PostgresGates.foreignKeys().on(pg())).status()).isEqualTo(GateResult.Status.PASS);
        assertThat(evaluate(PostgresGates.sql("users", "SELECT count(*) = 2 FROM users_user").on(pg())).status())
                .isEqualTo(GateResult.Status.PASS);
        assertThat(evaluate(PostgresGates.sql("users", "SELECT count(*) = 3 FROM users_user").on(pg())).evidence()).contains("returned f");
        assertThat(evaluate(PostgresGates.sql("broken", "SELECT nope FROM users_user").on(pg())).evidence()).contains("nope");
        assertThat(evaluate(PostgresGates.djangoMigration("journal", "0002_mood").on(pg())).status()).isEqualTo(GateResult.Status.PASS);
        assertThat(evaluate(PostgresGates.djangoMigration("journal", "0003_tags").on(pg())).evidence())
                .contains("not applied").contains("latest of journal is 0002_mood");
        assertThat(evaluate(PostgresGates.flywayMigrations().on(pg())).status()).isEqualTo(GateResult.Status.PASS);

        sql(db, "INSERT INTO flyway_schema_history VALUES (3, '3', 'broken', false);"
                + "ALTER TABLE journal DROP CONSTRAINT journal_user_id_fkey;"
                + "INSERT INTO journal VALUES (4, 99), (5, 98);"
                + "ALTER TABLE journal ADD CONSTRAINT journal_user_fk FOREIGN KEY (user_id) REFERENCES users_user (id) NOT VALID");
        assertThat(evaluate(PostgresGates.flywayMigrations().on(pg())).evidence()).contains("failed migration(s): 3 broken");
        GateResult fk = evaluate(PostgresGates.foreignKeys().on(pg()));
        assertThat(fk.status()).isEqualTo(GateResult.Status.FAIL);
        assertThat(fk.evidence()).contains("journal_user_fk").contains("(NOT VALID): 2 orphaned row(s)");
    }

    @Test
    void transientFailuresAreRetriedThreeTimesBeforeTheyCount() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        try (ServerSocket dropper = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!dropper.isClosed()) {
                    try (Socket s = dropper.accept()) {
                        attempts.incrementAndGet();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            GateResult r = evaluate(PostgresGates.connectivity().retryBackoff(Duration.ofMillis(20))
                    .on(PostgresDatabase.url("jdbc:postgresql://127.0.0.1:" + dropper.getLocalPort() + "/app").user("x")));
            assertThat(r.status()).isEqualTo(GateResult.Status.FAIL);
            assertThat(r.evidence()).startsWith("failed 4 times (3 retries)");
            assertThat(attempts.get()).isEqualTo(4);
        }
    }

    @Test
    void insideARestoreTheGateSeesTheUncommittedRowsAndItsFailureRollsThemBack() throws Exception {
        BackupResult backup = BackupSystem.configure().repository(FileSystemRepository.init(tmp.resolve("repo")))
                .source(PostgresSource.builder(pg()).build()).build().backup();
        sql(db, "DELETE FROM ai_coachingstyle WHERE id > 4");
        DataSnapshot before = DataSnapshot.of(db);
        BackupSystem strict = BackupSystem.configure().repository(FileSystemRepository.at(tmp.resolve("repo")))
                .gates(Stage.AFTER_RESTORE_BEFORE_COMMIT, PostgresGates.rowCount("ai_coachingstyle", 8)).build();
        assertThatThrownBy(() -> strict.restore(backup.id()).to(PostgresTarget.tables(pg(), "ai_coachingstyle").merge()).plan().execute())
                .isInstanceOfSatisfying(RestoreFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.GATE_FAILED);
                    assertThat(e.getMessage()).contains("has 7 row(s) where exactly 8 are required");
                });
        assertThat(DataSnapshot.of(db).diff(before)).isEmpty();

        BackupSystem right = BackupSystem.configure().repository(FileSystemRepository.at(tmp.resolve("repo")))
                .gates(Stage.AFTER_RESTORE_BEFORE_COMMIT, PostgresGates.rowCount("ai_coachingstyle", 7), PostgresGates.foreignKeys())
                .gates(Stage.AFTER_RESTORE, PostgresGates.djangoMigration("journal", "0002_mood")).build();
        RestoreReport report = right.restore(backup.id()).to(PostgresTarget.tables(pg(), "ai_coachingstyle").merge()).plan().execute();
        assertThat(report.gates()).extracting(GateResult::gate).contains("row-count ai_coachingstyle", "foreign-key-integrity",
                "django-migration journal.0002_mood");
        assertThat(report.gates()).allSatisfy(g -> assertThat(g.status()).isEqualTo(GateResult.Status.PASS));

        String copy = server.uniqueDatabaseName("gated_copy");
        RestoreReport fresh = right.restore(backup.id()).to(PostgresTarget.newDatabase(JdbcEngineRoundTripTest.db(server.database(copy))))
                .plan().execute();
        assertThat(fresh.gates()).filteredOn(g -> g.gate().equals("row-count ai_coachingstyle")).singleElement()
                .satisfies(g -> assertThat(g.evidence()).contains("7 row(s)"));
    }

    @Test
    void aGateWithoutADatabaseOutsideARestoreSaysSo() {
        GateResult r = evaluate(PostgresGates.rowCount("ai_coachingstyle", 7));
        assertThat(r.status()).isEqualTo(GateResult.Status.FAIL);
        assertThat(r.evidence()).contains("on(database)");
    }
}
