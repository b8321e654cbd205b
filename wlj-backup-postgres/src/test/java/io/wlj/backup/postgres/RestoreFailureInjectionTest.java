package io.wlj.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.wlj.backup.BackupEvent;
import io.wlj.backup.BackupId;
import io.wlj.backup.BackupListener;
import io.wlj.backup.BackupResult;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.GateResult;
import io.wlj.backup.IntegrityException;
import io.wlj.backup.ProgressMonitor;
import io.wlj.backup.RestoreFailedException;
import io.wlj.backup.RestorePlan;
import io.wlj.backup.RestoreReport;
import io.wlj.backup.Stage;
import io.wlj.backup.postgres.internal.RestoreConnections;
import io.wlj.backup.repository.ArtifactDetail;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.spi.GateContext;
import io.wlj.backup.spi.ValidationGate;
import io.wlj.backup.testkit.DataSnapshot;
import io.wlj.backup.testkit.PostgresServer;
import io.wlj.backup.testkit.TestDatabase;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safety rule 4 (DESIGN.md section 7) by fault injection: a failure injected at every step of
 * every restore mode leaves the target exactly as it was, compared row by row, and the
 * {@link RestoreFailedException} says where the restore stopped.
 *
 * <p>For each mode the steps are not listed here but discovered: the mode is run once,
 * successfully, on a scratch target, and the subjects of its {@link BackupEvent.Type#RESTORE_STEP}
 * events are collected (passing gates are configured at {@link Stage#BEFORE_RESTORE},
 * {@link Stage#AFTER_RESTORE_BEFORE_COMMIT} and {@link Stage#AFTER_RESTORE}, so the gate steps
 * are among them). The state that run leaves is the "restored" oracle. Then, at every step:
 * <ul>
 *   <li>cancellation: a listener, called on the restoring thread before the step runs, sets the
 *       flag the restore's {@link ProgressMonitor} returns; the restore must fail with
 *       {@link ErrorCode#CANCELLED} at exactly that step;</li>
 *   <li>connection kill: the listener terminates every backend whose application name is
 *       {@value RestoreConnections#APPLICATION_NAME}; at the steps of {@code killMustFail} the
 *       restore holds a connection it uses again, so it must fail at that step or a later one;
 *       at the others either outcome is allowed (but a failure only when a session was
 *       terminated), and a failure must leave the target as it was, a success exactly as the
 *       discovery run left it. Each case logs which it was. A lost connection must be reported
 *       as {@link ErrorCode#IO} or {@link ErrorCode#SOURCE_FAILED}, not as bad input.</li>
 * </ul>
 * Then a failing gate at {@link Stage#BEFORE_RESTORE} and at
 * {@link Stage#AFTER_RESTORE_BEFORE_COMMIT}, and a byte flipped in the middle of the backup's
 * only data artifact. After every failure: the target's rows ({@link DataSnapshot}) are those
 * from before, the server has the same databases (no restore database, no {@code _before_}
 * database left), and a swapped database accepts connections again.
 *
 * <p>'gates-after' runs after the commit or swap, yet a failure there is still thrown as a
 * {@link RestoreFailedException}, whose contract is that the target was put back as it was; the
 * cases there hold the restore to that contract like any other step (a restore may instead
 * finish, or ignore a cancellation that comes too late, but it must not report a failure and
 * leave its changes behind).
 *
 * <p>Existing targets are copies of a template database made once per mode; a copy is reused
 * while failures leave it as it was, and copied afresh after a success or a case that changed
 * it, so one broken case does not spill into the next.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestoreFailureInjectionTest {
    private static final String APP = "/io/wlj/backup/postgres/injection-app.sql";
    /** Far above any case here (a few seconds at most); a restore still running then hangs. */
    private static final Duration CASE_LIMIT = Duration.ofSeconds(60);

    /*
     * Steps at which killing the restore's sessions must fail it, per plan. The listener runs
     * before the step, so what counts is which connections are open at that moment and used later:
     *
     * DatabaseRestorePlan (newDatabase, swap): its schema connection to the database being built is
     * opened just before 'pre-data' and used by 'pre-data', 'sequences', 'post-data' and 'verify';
     * killed before 'data' (which loads and builds indexes on connections of its own) it fails at
     * 'sequences'. It is closed before 'sessions'. 'gates-before' holds none; 'create', 'sessions'
     * and 'swap' open and close admin connections inside the step; 'gates-after' holds none.
     */
    private static final Set<String> WHOLE_DATABASE = Set.of("pre-data", "data", "sequences", "post-data", "verify");
    /*
     * ReplaceDatabasePlan: one transaction connection, opened after 'safety-backup' (whose backup
     * runs on the backup engine's own connections, another application name) and before 'drop',
     * used by every step up to and including 'commit'. 'gates-after' runs after the commit and does
     * not use it again (it is only closed at the end).
     */
    private static final Set<String> REPLACE = Set.of("drop", "pre-data", "data", "sequences", "post-data", "verify", "commit");
    /*
     * LiveTablesPlan (tables, merge, rows, dataOnly): the transaction connection is opened after
     * 'gates-before' and before 'stage', and used by every step up to and including 'commit'; during
     * 'safety-backup' (after 'select', on the backup engine's own connections) it is held open with
     * the staged rows and table locks, and 'apply' uses it next. 'gates-before' holds none;
     * 'gates-after' does not use it.
     */
    private static final Set<String> LIVE_TABLES = Set.of("stage", "select", "safety-backup", "apply", "constraints", "sequences",
            "verify", "commit");

    @TempDir
    static Path tmp;
    private PostgresServer server;
    private Connection admin;
    private FileSystemRepository repository;
    private BackupSystem system;
    private BackupId backup;
    private String dataArtifact;
    private DataSnapshot atBackup;
    private final Injector injector = new Injector();
    private final SwitchGate gateBefore = new SwitchGate("injected-before-restore", Stage.BEFORE_RESTORE);
    private final SwitchGate gateBeforeCommit = new SwitchGate("injected-before-commit", Stage.AFTER_RESTORE_BEFORE_COMMIT);
    private final SwitchGate gateAfter = new SwitchGate("injected-after-restore", Stage.AFTER_RESTORE);
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    /** How a mode treats its target: creates it, swaps it, or changes it in place (all of it, or tables of it). */
    private enum Kind { NEW_DATABASE, SWAP, REPLACE, TABLES }

    private enum Injection { NONE, CANCEL, KILL }

    /**
     * One restore mode.
     *
     * @param before       SQL that makes the target as it is before the restore (null: a new database)
     * @param readsData    the step that reads the data artifacts
     * @param killMustFail steps at which killing the restore's sessions must fail it (see above)
     */
    private record Mode(String name, Kind kind, Function<PostgresDatabase, PostgresTarget> target, String before,
                        String readsData, Set<String> killMustFail) {
    }

    private static String fixture() throws Exception {
        return new String(RestoreFailureInjectionTest.class.getResourceAsStream(APP).readAllBytes(), StandardCharsets.UTF_8);
    }

    private static List<Mode> modes() throws Exception {
        String all = fixture();
        String schema = all.substring(0, all.indexOf("-- DATA"));
        // The live database drifted from the backup: rows gone, rows changed, a row added.
        String drifted = all + "; DELETE FROM journal_tag WHERE id > 2000; UPDATE journal_tag SET name = 'changed' WHERE id < 10;"
                + " INSERT INTO audit_log VALUES ('2026-01-05 10:00+00', 'after the backup')";
        // For replace also a table and large-object bytes the backup does not have.
        String driftedMore = drifted + "; CREATE TABLE extra (x int PRIMARY KEY); INSERT INTO extra VALUES (1);"
                + " SELECT lo_put(424242, 0, '\\x4c4c')";
        // As if copied before the last thousand tags were written: the tag sequence is behind the
        // backup's largest id, so the restore's 'sequences' step has something to advance.
        String tagsBehind = all + "; DELETE FROM journal_tag WHERE id > 2000; SELECT setval('journal_tag_id_seq', 2000);"
                + " UPDATE journal_tag SET name = 'changed' WHERE id < 10; INSERT INTO journal_tag (entry_id, name) VALUES (1, 'live only')";
        // The entries of one day were deleted, with their tags and with user 6, who wrote only on that day.
        String dayDeleted = all + "; DELETE FROM journal_tag t USING journal_journalentry e WHERE t.entry_id = e.id"
                + " AND e.entry_date = '2025-12-25'; DELETE FROM journal_journalentry WHERE entry_date = '2025-12-25';"
                + " DELETE FROM auth_user WHERE id = 6";
        // What the application's migrations made: the schema, reference data, and a newer column.
        String migrated = schema + "INSERT INTO ai_coachingstyle SELECT g, 'style ' || g FROM generate_series(1, 7) g;"
                + " ALTER TABLE audit_log ADD COLUMN source text NOT NULL DEFAULT 'restored'";
        return List.of(
                new Mode("newDatabase", Kind.NEW_DATABASE, PostgresTarget::newDatabase, null, "data", WHOLE_DATABASE),
                new Mode("swap", Kind.SWAP, d -> PostgresTarget.swap(d).terminateSessions(false), drifted, "data", WHOLE_DATABASE),
                new Mode("swap terminateSessions", Kind.SWAP, d -> PostgresTarget.swap(d).terminateSessions(true), drifted, "data",
                        WHOLE_DATABASE),
                new Mode("replace", Kind.REPLACE, PostgresTarget::replace, driftedMore, "data", REPLACE),
                new Mode("tables replace", Kind.TABLES, d -> PostgresTarget.tables(d, "journal_tag"), tagsBehind, "stage", LIVE_TABLES),
                new Mode("tables merge", Kind.TABLES, d -> PostgresTarget.tables(d, "journal_tag").merge(), tagsBehind, "stage",
                        LIVE_TABLES),
                new Mode("rows with parents", Kind.TABLES, d -> PostgresTarget.tables(d)
                        .where("journal_journalentry", "entry_date = '2025-12-25'").withParents(true), dayDeleted, "stage", LIVE_TABLES),
                new Mode("dataOnly", Kind.TABLES, PostgresTarget::dataOnly, migrated, "stage", LIVE_TABLES));
    }

    @BeforeAll
    void backUpTheApplication() throws Exception {
        server = PostgresServer.shared();
        admin = server.adminDataSource().getConnection();
        TestDatabase source = server.createDatabase(server.uniqueDatabaseName("inject_source"));
        sql(source, fixture());
        repository = FileSystemRepository.init(tmp.resolve("repo"));
        system = BackupSystem.configure().repository(repository)
                // one connection: every table's rows in one data artifact, which every mode reads
                .source(PostgresSource.builder(JdbcEngineRoundTripTest.db(source)).jobs(1).build())
                .gates(Stage.BEFORE_RESTORE, gateBefore)
                .gates(Stage.AFTER_RESTORE_BEFORE_COMMIT, gateBeforeCommit)
                .gates(Stage.AFTER_RESTORE, gateAfter)
                .listener(injector)
                .build();
        BackupResult result = system.backup();
        backup = result.id();
        List<ArtifactDetail> data = result.manifest().detail().artifacts().stream().filter(a -> a.name().startsWith("data-")).toList();
        assertThat(data).as("data artifacts").hasSize(1);
        dataArtifact = data.get(0).file();
        assertThat(data.get(0).plainSize()).as("plain size of the data artifact").isGreaterThan(50_000);
        atBackup = DataSnapshot.of(source);
        assertThat(atBackup.text()).contains("rows 3000", "large object 424242");
    }

    @AfterAll
    void summary() throws SQLException {
        log.forEach(System.out::println);
        if (admin != null) {
            admin.close();
        }
    }

    @TestFactory
    Stream<DynamicNode> failureAtEveryStepOfEveryMode() throws Exception {
        return modes().stream().map(m -> dynamicContainer(m.name(), Stream.of(m).flatMap(this::casesOf)));
    }

    /** Discovers the mode's steps (failing the container if that fails), then its cases. */
    private Stream<DynamicNode> casesOf(Mode mode) {
        ModeRun run = new ModeRun(mode);
        try {
            run.discover();
        } catch (Exception e) {
            throw new IllegalStateException("Discovering the steps of " + mode.name() + " failed: " + e.getMessage(), e);
        }
        List<DynamicNode> cases = new ArrayList<>();
        for (String step : run.steps) {
            cases.add(dynamicTest("cancel at '" + step + "'", () -> run.cancelAt(step)));
        }
        for (String step : run.steps) {
            cases.add(dynamicTest("kill the connections at '" + step + "'", () -> run.killAt(step)));
        }
        cases.add(dynamicTest("gate fails at BEFORE_RESTORE", () -> run.gateFails(gateBefore, "gates-before")));
        cases.add(dynamicTest("gate fails at AFTER_RESTORE_BEFORE_COMMIT", () -> run.gateFails(gateBeforeCommit, "verify")));
        cases.add(dynamicTest("data artifact corrupted mid-stream", run::corrupted));
        return cases.stream();
    }

    /** One mode's target, its steps and the state a successful restore leaves. */
    private final class ModeRun {
        private final Mode mode;
        private List<String> steps;
        private DataSnapshot restored;
        /** SWAP and in place: made once, then copied to make the target (again, after a case changed it). */
        private TestDatabase template;
        private DataSnapshot liveBefore;
        private TestDatabase live;
        private boolean remake = true;
        /** This case's target (for a new database, a fresh name) and the server's databases before it. */
        private TestDatabase target;
        private Set<String> databasesBefore;

        ModeRun(Mode mode) {
            this.mode = mode;
        }

        void prepare() throws Exception {
            if (mode.kind() == Kind.NEW_DATABASE) {
                target = server.database(server.uniqueDatabaseName("inject_new"));
            } else {
                if (template == null) {
                    template = server.createDatabase(server.uniqueDatabaseName("inject_template"));
                    sql(template, mode.before());
                    liveBefore = DataSnapshot.of(template);
                    endSessions(template.name());
                }
                if (remake) {
                    if (live != null) {
                        server.dropDatabase(live.name());
                    }
                    live = server.database(server.uniqueDatabaseName("inject_live"));
                    try (Statement s = admin.createStatement()) {
                        s.execute("CREATE DATABASE " + live.name() + " TEMPLATE " + template.name());
                    }
                    remake = false;
                }
                target = live;
                if (mode.kind() == Kind.SWAP) {
                    endSessions(live.name()); // our own closed connections, so that none counts as another session
                }
            }
            databasesBefore = databases();
        }

        void discover() throws Exception {
            prepare();
            Outcome o = execute(null, Injection.NONE);
            if (o.failure() != null) {
                throw o.failure();
            }
            steps = List.copyOf(injector.seen);
            log.add(mode.name() + ": steps " + steps);
            assertThat(steps).as("steps of %s", mode.name()).isNotEmpty().doesNotHaveDuplicates()
                    .contains("gates-before", mode.readsData(), "verify", "gates-after").containsAll(mode.killMustFail());
            assertThat(o.report().steps()).extracting(RestoreReport.Step::name).containsExactlyElementsOf(steps);
            SoftAssertions softly = new SoftAssertions();
            checkRestored(softly);
            softly.assertAll();
            if (mode.kind() != Kind.TABLES) {
                assertThat(atBackup.diff(restored)).as("a whole-database restore gives the backed-up rows").isEmpty();
            }
            if (liveBefore != null) {
                assertThat(liveBefore.diff(restored)).as("the restore changes the target, so 'as before' and 'restored' differ")
                        .isNotEmpty();
            }
        }

        void cancelAt(String step) throws Exception {
            prepare();
            Outcome o = execute(step, Injection.CANCEL);
            SoftAssertions softly = new SoftAssertions();
            softly.assertThat(injector.fired).as("step '%s' announced", step).isTrue();
            // After the commit or swap the restore has taken effect: a cancellation then is too late
            // to undo anything, and must not claim it did, so the restore finishes and reports.
            boolean afterEffect = step.equals("gates-after");
            if (o.failure() == null) {
                if (!afterEffect) {
                    softly.fail(mode.name() + ", cancelled at '" + step + "': the restore still succeeded");
                }
                checkRestored(softly);
            } else {
                RestoreFailedException e = o.failure();
                softly.assertThat(afterEffect).as("%s: cancelled after it took effect, the restore reported a failure: %s",
                        mode.name(), e.getMessage()).isFalse();
                softly.assertThat(e.code()).as("code (%s)", e.getMessage()).isEqualTo(ErrorCode.CANCELLED);
                softly.assertThat(e.stoppedAt()).as("stoppedAt").isEqualTo(step);
                checkReport(softly, e);
                checkAsBefore(softly, "cancelled at '" + step + "'", e);
            }
            softly.assertAll();
        }

        void killAt(String step) throws Exception {
            prepare();
            Outcome o = execute(step, Injection.KILL);
            boolean mustFail = mode.killMustFail().contains(step);
            SoftAssertions softly = new SoftAssertions();
            softly.assertThat(injector.fired).as("step '%s' announced", step).isTrue();
            if (mustFail) {
                softly.assertThat(o.killed()).as("restore sessions terminated before '%s'", step).isPositive();
            }
            if (o.failure() != null) {
                RestoreFailedException e = o.failure();
                log.add(mode.name() + ": kill at '" + step + "' (" + o.killed() + " session(s) terminated) -> failed at '"
                        + e.stoppedAt() + "', " + e.code());
                softly.assertThat(o.killed()).as("failed although no restore session was terminated: %s", e.getMessage()).isPositive();
                softly.assertThat(steps.indexOf(e.stoppedAt())).as("stoppedAt '%s' is '%s' or a later step of %s (%s)", e.stoppedAt(),
                        step, steps, e.getMessage()).isGreaterThanOrEqualTo(steps.indexOf(step));
                // A lost connection is an I/O failure, not the user's fault (BAD_INPUT) nor damage (INTEGRITY).
                softly.assertThat(e.code()).as("code (%s)", e.getMessage()).isIn(ErrorCode.IO, ErrorCode.SOURCE_FAILED);
                checkReport(softly, e);
                checkAsBefore(softly, "killed at '" + step + "'", e);
            } else {
                log.add(mode.name() + ": kill at '" + step + "' (" + o.killed() + " session(s) terminated) -> succeeded");
                softly.assertThat(mustFail).as("%s, killed at '%s', where the restore holds a connection: it still succeeded",
                        mode.name(), step).isFalse();
                checkRestored(softly);
            }
            softly.assertAll();
        }

        void gateFails(SwitchGate gate, String expectedStep) throws Exception {
            prepare();
            Outcome o;
            gate.fail = true;
            try {
                o = execute(null, Injection.NONE);
            } finally {
                gate.fail = false;
            }
            SoftAssertions softly = new SoftAssertions();
            if (o.failure() == null) {
                softly.fail(mode.name() + ", the gate at " + gate.stage + " failed: the restore still succeeded");
                checkRestored(softly);
            } else {
                RestoreFailedException e = o.failure();
                softly.assertThat(e.code()).as("code (%s)", e.getMessage()).isEqualTo(ErrorCode.GATE_FAILED);
                softly.assertThat(e.stoppedAt()).as("stoppedAt").isEqualTo(expectedStep);
                softly.assertThat(e.report().gates()).as("gate results").contains(gate.failure());
                checkReport(softly, e);
                checkAsBefore(softly, "gate failed at " + gate.stage, e);
            }
            softly.assertAll();
        }

        void corrupted() throws Exception {
            prepare();
            Path file = repository.pathOf(backup, dataArtifact);
            Outcome o;
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                long middle = f.length() / 2;
                f.seek(middle);
                int original = f.read();
                f.seek(middle);
                f.write(original ^ 0x20);
                try {
                    o = execute(null, Injection.NONE);
                } finally {
                    f.seek(middle);
                    f.write(original);
                }
            }
            SoftAssertions softly = new SoftAssertions();
            if (o.failure() == null) {
                softly.fail(mode.name() + ", the data artifact was corrupted: the restore still succeeded");
                checkRestored(softly);
            } else {
                RestoreFailedException e = o.failure();
                softly.assertThat(e.code()).as("code (%s)", e.getMessage()).isEqualTo(ErrorCode.INTEGRITY);
                softly.assertThat(e.getCause()).as("cause").isInstanceOfSatisfying(IntegrityException.class,
                        i -> assertThat(i.artifact()).isEqualTo(dataArtifact));
                softly.assertThat(e.stoppedAt()).as("stoppedAt").isEqualTo(mode.readsData());
                softly.assertThat(e.report().tables()).as("tables applied").isEmpty();
                checkReport(softly, e);
                checkAsBefore(softly, "data artifact corrupted", e);
            }
            softly.assertAll();
        }

        /** Runs the mode with an injection at {@code step}; a failure other than a RestoreFailedException fails the case. */
        private Outcome execute(String step, Injection injection) {
            CancelFlag monitor = new CancelFlag();
            RestorePlan plan = system.restore(backup).progress(monitor).to(mode.target().apply(db(target))).plan();
            injector.arm(step, injection, monitor);
            try {
                Outcome o = assertTimeoutPreemptively(CASE_LIMIT, () -> {
                    try {
                        return new Outcome(plan.execute(), null, injector.killed);
                    } catch (RestoreFailedException e) {
                        return new Outcome(null, e, injector.killed);
                    }
                }, () -> mode.name() + " with " + injection + " at '" + step + "' did not end within " + CASE_LIMIT);
                if (injector.error != null) {
                    throw new IllegalStateException("The injection failed: " + injector.error, injector.error);
                }
                return o;
            } finally {
                injector.disarm();
            }
        }

        /** The report of a failure names the steps that ran before it stopped, and those that never ran. */
        private void checkReport(SoftAssertions softly, RestoreFailedException e) {
            int at = steps.indexOf(e.stoppedAt());
            softly.assertThat(at).as("stoppedAt '%s' is one of %s", e.stoppedAt(), steps).isNotNegative();
            if (at >= 0) {
                softly.assertThat(e.report().steps()).extracting(RestoreReport.Step::name).as("steps reported as run")
                        .containsExactlyElementsOf(steps.subList(0, at));
                softly.assertThat(e.notRun()).as("steps reported as not run").containsExactlyElementsOf(steps.subList(at + 1, steps.size()));
            }
        }

        /**
         * After a failure: the same databases on the server, the target's rows as before, a
         * swapped database open to connections. A target found otherwise is made again for the next case.
         */
        private void checkAsBefore(SoftAssertions softly, String injected, RestoreFailedException e) throws Exception {
            String what = mode.name() + ", " + injected + "; the restore said: " + e.getMessage();
            Set<String> now = databases();
            Set<String> added = minus(now, databasesBefore);
            Set<String> gone = minus(databasesBefore, now);
            DataSnapshot data = mode.kind() == Kind.NEW_DATABASE || gone.contains(live.name()) ? null : DataSnapshot.of(live);
            Boolean allows = mode.kind() == Kind.SWAP && !gone.contains(live.name()) ? allowsConnections(live.name()) : null;
            // PostgreSQL never rolls back a sequence (setval, like nextval, survives a rollback). A
            // restore into live tables advances owned sequences as its last step before commit, so a
            // failure there may leave a sequence ahead of where it was; never behind.
            boolean sequencesMayMove = mode.kind() == Kind.TABLES && List.of("sequences", "commit").contains(e.stoppedAt());
            boolean sameRows = data != null && (sequencesMayMove ? withoutSequences(liveBefore).equals(withoutSequences(data))
                    : liveBefore.equals(data));
            boolean same = added.isEmpty() && gone.isEmpty() && (mode.kind() == Kind.NEW_DATABASE || sameRows)
                    && !Boolean.FALSE.equals(allows);
            if (!same) {
                log.add(mode.name() + ": NOT AS BEFORE after " + injected);
                for (String d : added) {
                    server.dropDatabase(d);
                }
                remake = true;
            }
            softly.assertThat(added).as("databases left behind (%s)", what).isEmpty();
            softly.assertThat(gone).as("databases gone (%s)", what).isEmpty();
            if (mode.kind() != Kind.NEW_DATABASE) {
                softly.assertThat(data).as("the target is still there (%s)", what).isNotNull();
                if (data != null && sequencesMayMove) {
                    softly.assertThat(withoutSequences(data)).as("the target's rows changed (%s)", what)
                            .containsExactlyElementsOf(withoutSequences(liveBefore));
                    Map<String, Long> before = sequenceValues(liveBefore);
                    sequenceValues(data).forEach((seq, value) -> softly.assertThat(value).as("sequence %s is not behind (%s)", seq, what)
                            .isGreaterThanOrEqualTo(before.getOrDefault(seq, Long.MIN_VALUE)));
                } else if (data != null) {
                    softly.assertThat(liveBefore.diff(data)).as("the target's rows changed, - before + after (%s)", what).isEmpty();
                }
            }
            if (allows != null) {
                softly.assertThat(allows).as("%s accepts connections (%s)", live.name(), what).isTrue();
            }
        }

        /**
         * After a success: the target holds what the discovery run left (on the discovery run
         * itself, that is recorded), and no database came or went but a swap's set-aside one.
         */
        private void checkRestored(SoftAssertions softly) throws Exception {
            Set<String> now = databases();
            Set<String> added = minus(now, databasesBefore);
            Set<String> gone = minus(databasesBefore, now);
            softly.assertThat(gone).as("databases gone").isEmpty();
            DataSnapshot data;
            switch (mode.kind()) {
                case NEW_DATABASE -> {
                    softly.assertThat(added).as("databases added").containsExactly(target.name());
                    data = DataSnapshot.of(target);
                }
                case SWAP -> {
                    softly.assertThat(added).as("databases added").singleElement().asString().startsWith(live.name() + "_before_");
                    for (String d : added) {
                        softly.assertThat(liveBefore.diff(DataSnapshot.of(server.database(d)))).as("rows of the set-aside %s", d)
                                .isEmpty();
                        softly.assertThat(allowsConnections(d)).as("%s accepts connections", d).isTrue();
                    }
                    softly.assertThat(allowsConnections(live.name())).as("%s accepts connections", live.name()).isTrue();
                    data = DataSnapshot.of(live);
                }
                default -> {
                    softly.assertThat(added).as("databases added").isEmpty();
                    data = DataSnapshot.of(live);
                }
            }
            if (restored == null) {
                restored = data;
            } else {
                softly.assertThat(restored.diff(data)).as("rows after a successful restore, - expected + actual").isEmpty();
            }
            for (String d : added) {
                server.dropDatabase(d);
            }
            remake = true;
        }
    }

    private record Outcome(RestoreReport report, RestoreFailedException failure, int killed) {
    }

    /** The restore's progress monitor: cancelled once the listener says so. */
    private static final class CancelFlag implements ProgressMonitor {
        volatile boolean cancelled;

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }

    /** Records the RESTORE_STEP events and injects the armed failure when its step is announced. */
    private final class Injector implements BackupListener {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        private volatile String step;
        private volatile Injection injection = Injection.NONE;
        private volatile CancelFlag monitor;
        volatile boolean fired;
        volatile int killed;
        volatile Throwable error;

        void arm(String step, Injection injection, CancelFlag monitor) {
            seen.clear();
            this.step = step;
            this.injection = injection;
            this.monitor = monitor;
            fired = false;
            killed = 0;
            error = null;
        }

        void disarm() {
            step = null;
            injection = Injection.NONE;
        }

        @Override
        public void onEvent(BackupEvent event) {
            if (event.type() != BackupEvent.Type.RESTORE_STEP) {
                return;
            }
            seen.add(event.subject());
            if (fired || injection == Injection.NONE || !event.subject().equals(step)) {
                return;
            }
            fired = true;
            try {
                if (injection == Injection.CANCEL) {
                    monitor.cancelled = true;
                } else {
                    killed = killRestoreSessions();
                }
            } catch (Throwable t) {
                error = t; // a listener's exception is only logged; the case reports it
            }
        }
    }

    /** A gate configured on the system that passes unless a case makes it fail. */
    private static final class SwitchGate implements ValidationGate {
        private final String name;
        private final Stage stage;
        volatile boolean fail;

        SwitchGate(String name, Stage stage) {
            this.name = name;
            this.stage = stage;
        }

        @Override
        public String name() {
            return name;
        }

        GateResult failure() {
            return new GateResult(name, stage, GateResult.Status.FAIL, "failing on purpose");
        }

        @Override
        public GateResult evaluate(GateContext context) {
            return fail ? failure() : new GateResult(name, stage, GateResult.Status.PASS, "passing");
        }
    }

    /**
     * Terminates every session of the restore, found by its application name, and waits (at most
     * 5 s each) until they have ended, so the restore's next statement meets a dead connection.
     */
    private int killRestoreSessions() throws SQLException {
        try (PreparedStatement s = admin.prepareStatement("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))"
                + " FROM pg_stat_activity WHERE application_name = ?")) {
            s.setString(1, RestoreConnections.APPLICATION_NAME);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Ends (and waits for) every session on {@code database}. */
    private void endSessions(String database) throws SQLException {
        try (PreparedStatement s = admin.prepareStatement("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                + " WHERE datname = ? AND pid <> pg_backend_pid()")) {
            s.setString(1, database);
            s.executeQuery().close();
        }
    }

    private Set<String> databases() throws SQLException {
        Set<String> out = new TreeSet<>();
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SELECT datname FROM pg_database")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private boolean allowsConnections(String database) throws SQLException {
        try (PreparedStatement s = admin.prepareStatement("SELECT datallowconn FROM pg_database WHERE datname = ?")) {
            s.setString(1, database);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static PostgresDatabase db(TestDatabase t) {
        return JdbcEngineRoundTripTest.db(t);
    }

    private static void sql(TestDatabase db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> withoutSequences(DataSnapshot snapshot) {
        return snapshot.lines().stream().filter(l -> !l.startsWith("sequence ")).toList();
    }

    /** last_value of each sequence line ("sequence NAME last_value N is_called B"). */
    private static Map<String, Long> sequenceValues(DataSnapshot snapshot) {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (String l : snapshot.lines()) {
            if (l.startsWith("sequence ")) {
                String[] w = l.split(" ");
                out.put(w[1], Long.parseLong(w[3]));
            }
        }
        return out;
    }
}
