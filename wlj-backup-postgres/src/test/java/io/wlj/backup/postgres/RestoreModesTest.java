package io.wlj.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupResult;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.RestorePlan;
import io.wlj.backup.RestoreReport;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.repository.ManifestHeader;
import io.wlj.backup.testkit.DataSnapshot;
import io.wlj.backup.testkit.PostgresServer;
import io.wlj.backup.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every restore mode end to end on a real PostgreSQL, the restored data compared with the source's. */
class RestoreModesTest {
    static final String APP = "/io/wlj/backup/postgres/journal-app.sql";

    @TempDir
    Path tmp;
    PostgresServer server;
    TestDatabase source;
    BackupSystem system;
    BackupResult backup;
    DataSnapshot atBackup;

    static String schemaPart() throws Exception {
        String all = new String(RestoreModesTest.class.getResourceAsStream(APP).readAllBytes(), StandardCharsets.UTF_8);
        return all.substring(0, all.indexOf("-- DATA"));
    }

    static String dataPart() throws Exception {
        String all = new String(RestoreModesTest.class.getResourceAsStream(APP).readAllBytes(), StandardCharsets.UTF_8);
        return all.substring(all.indexOf("-- DATA"));
    }

    static void sql(TestDatabase db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long count(TestDatabase db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @BeforeEach
    void backUpTheApplication() throws Exception {
        server = PostgresServer.shared();
        source = server.createDatabase(server.uniqueDatabaseName("app"));
        sql(source, schemaPart() + dataPart());
        system = BackupSystem.configure().repository(FileSystemRepository.init(tmp.resolve("repo")))
                .source(PostgresSource.builder(JdbcEngineRoundTripTest.db(source)).build()).build();
        backup = system.backup();
        atBackup = DataSnapshot.of(source);
    }

    PostgresDatabase db(TestDatabase t) {
        return JdbcEngineRoundTripTest.db(t);
    }

    @Test
    void newDatabaseIsACopyOfTheSource() throws Exception {
        String name = server.uniqueDatabaseName("copy");
        RestorePlan plan = system.restore(backup.id()).to(PostgresTarget.newDatabase(db(server.database(name)))).plan();
        assertThat(plan.describe()).contains("public.journal_journalentry: 500 row(s)", "Nothing has been touched yet");
        assertThat(server.databaseExists(name)).isFalse();
        RestoreReport report = plan.execute();
        assertThat(DataSnapshot.of(server.database(name)).diff(atBackup)).isEmpty();
        assertThat(report.gates()).extracting(g -> g.gate()).contains("row-counts", "foreign-keys");
        assertThat(report.steps()).extracting(RestoreReport.Step::name).containsSubsequence("create", "pre-data", "data", "post-data", "verify");
    }

    @Test
    void swapKeepsTheOldDatabaseAndRollbackPutsItBack() throws Exception {
        TestDatabase live = server.createDatabase(server.uniqueDatabaseName("live"));
        sql(live, schemaPart() + dataPart() + "; DELETE FROM journal_tag WHERE id > 700; INSERT INTO audit_log VALUES (now(), 'after the backup')");
        DataSnapshot liveBefore = DataSnapshot.of(live);
        RestorePlan plan = system.restore(backup.id()).to(PostgresTarget.swap(db(live))).plan();
        assertThat(plan.describe()).contains("rename").contains(live.name() + "_before_");
        RestoreReport report = plan.execute();
        assertThat(DataSnapshot.of(live).diff(atBackup)).isEmpty();
        SwapRollback rollback = SwapRollback.of(db(live));
        String setAside = rollback.latest().orElseThrow();
        assertThat(setAside).startsWith(live.name() + "_before_");
        assertThat(DataSnapshot.of(server.database(setAside)).diff(liveBefore)).isEmpty();
        assertThat(report.rollback()).contains(setAside);
        SwapRollback.Result r = rollback.execute();
        assertThat(r.restored()).isEqualTo(setAside);
        assertThat(DataSnapshot.of(live).diff(liveBefore)).isEmpty();
        assertThat(DataSnapshot.of(server.database(r.setAside())).diff(atBackup)).isEmpty();
        assertThat(SwapRollback.of(db(live)).candidates()).isEmpty();
    }

    @Test
    void replaceInPlaceSealsASafetyBackupFirst() throws Exception {
        TestDatabase live = server.createDatabase(server.uniqueDatabaseName("live"));
        sql(live, schemaPart() + dataPart() + "; DELETE FROM journal_tag WHERE id > 700; CREATE TABLE extra (x int); INSERT INTO extra VALUES (1)");
        DataSnapshot liveBefore = DataSnapshot.of(live);
        RestoreReport report = system.restore(backup.id()).to(PostgresTarget.replace(db(live))).plan().execute();
        assertThat(DataSnapshot.of(live).diff(atBackup)).isEmpty();
        ManifestHeader safety = system.header(report.safetyBackup().orElseThrow());
        assertThat(safety.labels()).containsEntry("kind", "pre-restore").containsEntry("restore-of", backup.id().value());
        // the safety backup undoes it
        system.restore(safety.id()).to(PostgresTarget.replace(db(live))).plan().execute();
        assertThat(DataSnapshot.of(live).diff(liveBefore)).isEmpty();
    }

    @Test
    void selectedTablesAreReplacedAndOthersUntouched() throws Exception {
        TestDatabase live = server.createDatabase(server.uniqueDatabaseName("live"));
        sql(live, schemaPart() + dataPart() + "; DELETE FROM journal_tag WHERE id > 700; UPDATE journal_tag SET name = 'changed' WHERE id < 10;"
                + " INSERT INTO journal_tag (entry_id, name) VALUES (1, 'new'); INSERT INTO audit_log VALUES (now(), 'after')");
        RestoreReport report = system.restore(backup.id()).to(PostgresTarget.tables(db(live), "journal_tag")).plan().execute();
        assertThat(count(live, "SELECT count(*) FROM journal_tag")).isEqualTo(800);
        assertThat(count(live, "SELECT count(*) FROM journal_tag WHERE name = 'changed' OR name = 'new'")).isZero();
        assertThat(count(live, "SELECT count(*) FROM audit_log")).isEqualTo(101);
        assertThat(report.tables()).singleElement().satisfies(t -> {
            assertThat(t.rows()).isEqualTo(800);
            assertThat(t.deleted()).isEqualTo(1);
        });
    }

    @Test
    void rowsAreMergedAndMissingParentsNamedOrRestored() throws Exception {
        TestDatabase live = server.createDatabase(server.uniqueDatabaseName("live"));
        // Of the day's entries, those with an even id are gone, the others are still there; user 6 is gone with all his entries.
        sql(live, schemaPart() + dataPart() + "; DELETE FROM journal_tag t USING journal_journalentry e WHERE t.entry_id = e.id"
                + " AND e.entry_date = '2025-12-25' AND e.id % 2 = 0;"
                + " DELETE FROM journal_journalentry WHERE entry_date = '2025-12-25' AND user_id <> 6 AND id % 2 = 0;"
                + " DELETE FROM journal_tag t USING journal_journalentry e WHERE t.entry_id = e.id AND e.user_id = 6;"
                + " DELETE FROM journal_journalentry WHERE user_id = 6; DELETE FROM auth_user WHERE id = 6");
        long entriesBefore = count(live, "SELECT count(*) FROM journal_journalentry");
        PostgresTarget rows = PostgresTarget.tables(db(live)).where("journal_journalentry", "entry_date = '2025-12-25'");
        assertThatThrownBy(() -> system.restore(backup.id()).to(rows).plan().execute())
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("auth_user").hasMessageContaining("(6)");
        assertThat(count(live, "SELECT count(*) FROM journal_journalentry")).isEqualTo(entriesBefore);
        long present = count(live, "SELECT count(*) FROM journal_journalentry WHERE entry_date = '2025-12-25'");
        RestoreReport report = system.restore(backup.id()).to(rows.withParents(true)).plan().execute();
        long expected = count(source, "SELECT count(*) FROM journal_journalentry WHERE entry_date = '2025-12-25'");
        assertThat(present).as("some of the day's rows were still there").isPositive().isLessThan(expected);
        assertThat(report.tables()).filteredOn(t -> t.table().equals("public.journal_journalentry")).singleElement().satisfies(t -> {
            assertThat(t.rows()).isEqualTo(expected);
            assertThat(t.inserted()).isEqualTo(expected - present);
            assertThat(t.skipped()).isEqualTo(present);
        });
        assertThat(report.tables()).filteredOn(t -> t.table().equals("public.auth_user")).singleElement()
                .satisfies(t -> assertThat(t.inserted()).isEqualTo(1));
        assertThat(count(live, "SELECT count(*) FROM journal_journalentry WHERE entry_date = '2025-12-25'")).isEqualTo(expected);
        assertThat(count(live, "SELECT count(*) FROM auth_user WHERE id = 6")).isEqualTo(1);
        // merging again skips every row
        RestoreReport again = system.restore(backup.id()).to(rows).plan().execute();
        assertThat(again.tables()).singleElement().satisfies(t -> {
            assertThat(t.inserted()).isZero();
            assertThat(t.skipped()).isEqualTo(expected);
        });
        assertThat(report.tables()).extracting(RestoreReport.TableResult::table).contains("public.journal_journalentry", "public.auth_user");
    }

    @Test
    void dataOnlyIntoASchemaMadeByMigrations() throws Exception {
        TestDatabase migrated = server.createDatabase(server.uniqueDatabaseName("migrated"));
        sql(migrated, schemaPart() + "INSERT INTO ai_coachingstyle SELECT g, 'style ' || g FROM generate_series(1, 7) g;"
                + " ALTER TABLE audit_log ADD COLUMN source text NOT NULL DEFAULT 'restored'");
        RestorePlan plan = system.restore(backup.id()).to(PostgresTarget.dataOnly(db(migrated))).plan();
        RestoreReport report = plan.execute();
        assertThat(report.tables()).filteredOn(t -> t.table().equals("public.ai_coachingstyle")).singleElement()
                .satisfies(t -> assertThat(t.skipped()).isEqualTo(7));
        sql(migrated, "ALTER TABLE audit_log DROP COLUMN source");
        assertThat(DataSnapshot.of(migrated).diff(atBackup)).isEmpty();
        assertThat(count(migrated, "SELECT nextval('auth_user_id_seq')")).isEqualTo(51);
    }

    @Test
    void aCycleOfNonDeferrableKeysIsNamed() throws Exception {
        TestDatabase migrated = server.createDatabase(server.uniqueDatabaseName("migrated"));
        sql(migrated, schemaPart().replace("REFERENCES cyc_a (id) DEFERRABLE INITIALLY DEFERRED", "REFERENCES cyc_a (id)")
                .replace("REFERENCES cyc_b (id) DEFERRABLE INITIALLY DEFERRED", "REFERENCES cyc_b (id)"));
        assertThatThrownBy(() -> system.restore(backup.id()).to(PostgresTarget.dataOnly(db(migrated))).plan())
                .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT))
                .hasMessageContaining("cycle").hasMessageContaining("cyc_a").hasMessageContaining("cyc_b");
    }
    @Test
    void swapWithLiveSessionsNeedsPermissionToEndThem() throws Exception {
        TestDatabase live = server.createDatabase(server.uniqueDatabaseName("live"));
        sql(live, schemaPart() + dataPart() + "; INSERT INTO audit_log VALUES (now(), 'after the backup')");
        DataSnapshot liveBefore = DataSnapshot.of(live);
        java.util.List<String> databasesBefore = databases();
        try (Connection app = live.connect()) {
            assertThatThrownBy(() -> system.restore(backup.id()).to(PostgresTarget.swap(db(live))).plan().execute())
                    .isInstanceOfSatisfying(io.wlj.backup.RestoreFailedException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.TARGET_NOT_EMPTY);
                        assertThat(e.getMessage()).contains("1 other session").contains("terminate");
                    });
            assertThat(app.isValid(5)).as("the application's session was left alone").isTrue();
            assertThat(databases()).isEqualTo(databasesBefore);
            assertThat(DataSnapshot.of(live).diff(liveBefore)).isEmpty();

            RestoreReport report = system.restore(backup.id()).to(PostgresTarget.swap(db(live)).terminateSessions(true)).plan().execute();
            assertThat(report.steps()).filteredOn(st -> st.name().equals("sessions")).singleElement()
                    .satisfies(st -> assertThat(st.detail()).startsWith("1 session(s) terminated"));
            assertThat(app.isValid(5)).as("the application's session was ended").isFalse();
        }
        assertThat(DataSnapshot.of(live).diff(atBackup)).isEmpty();
        assertThat(count(live, "SELECT count(*) FROM pg_database WHERE NOT datallowconn AND datname LIKE '" + live.name() + "%'"))
                .as("both databases accept connections again").isZero();
    }

    @Test
    void selfReferencesAndCyclesAreReplacedInOneTransaction() throws Exception {
        TestDatabase live = server.createDatabase(server.uniqueDatabaseName("live"));
        sql(live, schemaPart() + dataPart() + "; UPDATE org_employee SET manager_id = NULL WHERE id > 20; DELETE FROM org_employee WHERE id > 30;"
                + " UPDATE cyc_b SET a_id = NULL; DELETE FROM cyc_a WHERE id > 5; UPDATE cyc_a SET b_id = 1;"
                + " INSERT INTO org_employee VALUES (99, 99, 'own manager')");
        RestoreReport report = system.restore(backup.id()).to(PostgresTarget.tables(db(live), "org_employee", "cyc_*")).plan().execute();
        assertThat(report.tables()).extracting(RestoreReport.TableResult::table)
                .containsExactlyInAnyOrder("public.org_employee", "public.cyc_a", "public.cyc_b");
        assertThat(DataSnapshot.of(live).diff(atBackup)).as("the three tables are as backed up, the rest was equal already").isEmpty();
        assertThat(report.tables()).filteredOn(t -> t.table().equals("public.org_employee")).singleElement()
                .satisfies(t -> assertThat(t.deleted()).isEqualTo(1));
    }

    java.util.List<String> databases() throws Exception {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Connection c = source.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT datname FROM pg_database ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
