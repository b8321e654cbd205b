package io.wlj.backup.postgres.internal;

import io.wlj.backup.BackupEvent;
import io.wlj.backup.BackupException;
import io.wlj.backup.BackupId;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.GateResult;
import io.wlj.backup.RestoreFailedException;
import io.wlj.backup.RestorePlan;
import io.wlj.backup.RestoreReport;
import io.wlj.backup.Stage;
import io.wlj.backup.spi.RepositoryLock;
import io.wlj.backup.spi.RestoreContext;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Restores a JDBC-engine backup into a new database: create it, pre-data in one transaction,
 * table data on parallel connections (each block's row count checked against the backup),
 * sequence values, large objects, post-data (index and constraint builds in parallel with a
 * raised {@code maintenance_work_mem}), then the before-commit gates. With a swap, the new
 * database is built under a temporary name and then takes the live database's name in one
 * transaction, the live one being renamed {@code <name>_before_<time>} and kept as the rollback.
 * If anything fails before the swap commits, the new database is dropped and the server is as it was.
 */
public final class DatabaseRestorePlan implements RestorePlan {
    private final RestoreContext context;
    private final TargetSettings settings;
    private final StoredDump dump;
    private final boolean swap;
    /** The database the restore creates: the target's name, or for a swap a temporary one. */
    private final String name;
    private final String liveName;
    private final String setAsideName;
    private final RestoreConnections restored;
    private final RestoreConnections admin;
    private final RestoreSteps steps;

    public DatabaseRestorePlan(RestoreContext context, TargetSettings settings) {
        this.context = context;
        this.settings = settings;
        this.dump = StoredDump.open(context, settings.source());
        this.swap = settings.mode() == TargetSettings.Mode.SWAP;
        this.admin = settings.admin();
        Toc toc = dump.toc();
        if ("DATA_ONLY".equals(toc.scope())) {
            throw BackupException.badInput("Backup " + context.manifest().id() + " holds data only; it cannot create a database "
                    + "(restore it into an existing schema with dataOnly / --data-only, or export it as SQL).");
        }
        if (toc.partial() && swap) {
            throw BackupException.badInput("Backup " + context.manifest().id() + " holds only some schemas or tables; swapping it in "
                    + "would replace the whole database with part of it. Restore it into a new database, or restore its tables.");
        }
        String target = settings.database().databaseName();
        if (target.isEmpty()) {
            throw BackupException.badInput("The target URL names no database.");
        }
        String stamp = DatabaseNames.stamp(Instant.now());
        this.liveName = swap ? target : null;
        this.name = swap ? DatabaseNames.fit(target, "_restore_" + stamp) : target;
        this.setAsideName = swap ? DatabaseNames.fit(target, "_before_" + stamp) : null;
        this.restored = new RestoreConnections(settings.database().withDatabase(name), settings.retryBackoff());
        checkServer();
        this.steps = new RestoreSteps(context);
        planSteps(toc);
    }

    private void checkServer() {
        try (Connection c = admin.open()) {
            if (DatabaseNames.exists(c, name)) {
                throw new BackupException(ErrorCode.TARGET_NOT_EMPTY, "Database " + Sql.ident(name) + " already exists on "
                        + admin.database() + "; restore into a new name, swap it (swap / --swap) or replace it in place "
                        + "(replace / --replace).");
            }
            if (swap && !DatabaseNames.exists(c, liveName)) {
                throw BackupException.badInput("Database " + Sql.ident(liveName) + " does not exist on " + admin.database()
                        + ", so there is nothing to swap; restore into it as a new database instead (--create).");
            }
        } catch (SQLException e) {
            throw new BackupException(ErrorCode.SOURCE_FAILED, "Cannot inspect the target server: " + Failures.describe(e) + ".", null);
        }
    }

    private void planSteps(Toc toc) {
        long pre = toc.entries().stream().filter(e -> e.section() == Toc.Section.PRE_DATA).count();
        long post = toc.entries().size() - pre;
        long rows = toc.tables().stream().mapToLong(Toc.TableData::rows).sum();
        steps.planGatesBefore();
        steps.plan("create", "Create database " + Sql.ident(name) + (swap ? " (a temporary name)" : "") + " (encoding "
                + toc.encoding() + ", collation " + toc.collate() + ") on " + admin.database());
        steps.plan("pre-data", "Create " + pre + " schema object(s) in one transaction (" + DumpLoader.kinds(toc, Toc.Section.PRE_DATA) + ")");
        String tables = RestoreSteps.tableList(toc.tables());
        long builds = toc.entries().stream().filter(Toc.Entry::parallel).count();
        steps.plan("data", "Load " + toc.tables().size() + " table(s), " + rows + " row(s), from " + dump.dataByArtifact().size()
                + " data artifact(s) on " + settings.jobs() + " connection(s), checking each table's row count and each artifact's checksums; "
                + "build " + builds + " index(es) and primary/unique/exclusion constraint(s) as soon as their table is loaded "
                + "(maintenance_work_mem at least " + settings.maintenanceWorkMem() + "):" + tables);
        steps.plan("sequences", "Set " + toc.sequences().size() + " sequence value(s)"
                + (toc.largeObjects() != null ? " and load " + toc.largeObjectCount() + " large object(s)" : ""));
        steps.plan("post-data", "Create the other " + (post - builds) + " post-data object(s) (foreign keys, triggers, rules, "
                + "policies...) in one transaction");
        List<String> gates = new ArrayList<>(List.of(RestoreChecks.ROW_COUNTS, RestoreChecks.FOREIGN_KEYS));
        gates.addAll(context.gateNames(Stage.AFTER_RESTORE_BEFORE_COMMIT));
        steps.plan("verify", "Run gates before " + (swap ? "the swap" : "keeping the database") + ": " + String.join(", ", gates));
        if (swap) {
            steps.plan("sessions", settings.terminateSessions()
                    ? "Stop new connections to " + Sql.ident(liveName) + " and terminate its sessions (" + sessions() + " now)"
                    : "Require that no session is connected to " + Sql.ident(liveName) + " (" + sessions()
                    + " now; allow terminating them with terminateSessions / --terminate-sessions)");
            steps.plan("swap", "In one transaction, rename " + Sql.ident(liveName) + " to " + Sql.ident(setAsideName) + " and "
                    + Sql.ident(name) + " to " + Sql.ident(liveName));
        }
        steps.planGatesAfter("the database");
        if (!toc.unsupported().isEmpty()) {
            steps.warnings.add("Not in the backup, so not restored: " + String.join("; ", toc.unsupported()));
        }
    }

    private String sessions() {
        try (Connection c = admin.open()) {
            return DatabaseNames.sessions(c, liveName).size() + " session(s)";
        } catch (SQLException | RuntimeException e) {
            return "sessions unknown";
        }
    }

    @Override
    public BackupId backupId() {
        return context.manifest().id();
    }

    @Override
    public List<String> steps() {
        return steps.descriptions();
    }

    @Override
    public String describe() {
        return steps.describe(RestoreSteps.heading(backupId(), dump) + " " + (swap ? "swapped in as database " + Sql.ident(liveName)
                : "into a new database " + Sql.ident(name)), swap ? "until the swap commits, a failure drops " + Sql.ident(name)
                + " and " + Sql.ident(liveName) + " is untouched. After it, the old database is kept as " + Sql.ident(setAsideName)
                + "; `wlj-backup rollback` (SwapRollback) puts it back."
                : "the database is new; if any step fails it is dropped again, so the server is left as it was.");
    }

    @Override
    public RestoreReport execute() {
        Instant start = Instant.now();
        boolean created = false;
        boolean swapped = false;
        String subject = swap ? liveName : name;
        context.emit(BackupEvent.Type.RESTORE_STARTED, subject, "Restore into database " + subject + " started");
        try (RepositoryLock lock = context.lockRepository("restore " + backupId() + " into database " + subject)) {
            steps.runGatesBefore();
            if (swap && !settings.terminateSessions()) {
                new DatabaseSwap(admin, false).clearSessions(liveName); // fail before hours of loading, not after
            }
            steps.run("create", () -> {
                checkServer();
                createDatabase();
                return "created " + Sql.ident(name);
            });
            created = true;
            Toc toc = dump.toc();
            try (Connection c = restored.openForSchema()) {
                steps.run("pre-data", () -> {
                    Sql.execute(c, "BEGIN");
                    int n = DumpLoader.preData(c, toc);
                    Sql.execute(c, "COMMIT");
                    return n + " schema object(s) created";
                });
                steps.run("data", this::loadDataAndBuild);
                toc.tables().forEach(t -> steps.table(new RestoreReport.TableResult(t.qualifiedName(), t.rows(), t.rows(), 0, 0)));
                steps.run("sequences", () -> {
                    DumpLoader.sequences(c, toc);
                    DumpLoader.largeObjects(c, dump);
                    return toc.sequences().size() + " sequence value(s), " + toc.largeObjectCount() + " large object(s)";
                });
                steps.run("post-data", () -> postData(c) + " object(s) created");
                steps.run("verify", () -> {
                    List<GateResult> results = new ArrayList<>();
                    results.add(RestoreChecks.rowCountsLoaded(toc.tables().size(), toc.tables().stream().mapToLong(Toc.TableData::rows).sum()));
                    TargetCatalog catalog = TargetCatalog.read(c);
                    List<TargetCatalog.ForeignKey> notValid = catalog.foreignKeys.stream().filter(f -> !f.validated()).toList();
                    results.add(RestoreChecks.orphans(c, catalog, notValid, catalog.foreignKeys.size() - notValid.size()));
                    steps.gates(results);
                    RestoreChecks.require(results);
                    steps.gates(context.runGates(Stage.AFTER_RESTORE_BEFORE_COMMIT, c));
                    return "passed";
                });
            }
            if (swap) {
                DatabaseSwap renamer = new DatabaseSwap(admin, settings.terminateSessions());
                try {
                    steps.run("sessions", () -> renamer.clearSessions(liveName));
                    steps.run("swap", () -> {
                        renamer.swap(liveName, setAsideName, name, DatabaseNames.marker(liveName, start, backupId().value()));
                        return Sql.ident(liveName) + " is now the restored database; the previous one is " + Sql.ident(setAsideName);
                    });
                } finally {
                    renamer.release();
                }
                swapped = true;
            }
            steps.committed();
            steps.runGatesAfter("the database", swap ? settings.connections() : restored);
            String rollback = swap ? "The previous database is kept as " + setAsideName + "; `wlj-backup rollback --target <url of "
                    + liveName + "> --yes` (SwapRollback) puts it back." : "Drop database " + name + " to undo.";
            RestoreReport report = steps.report(rollback);
            context.audit("restore", start, "SUCCESS", steps.auditSteps(), steps.warnings, swap
                    ? Map.of("backupId", backupId().value(), "target", "database " + liveName + " (swapped)", "previous", setAsideName)
                    : Map.of("backupId", backupId().value(), "target", "database " + name));
            context.emit(BackupEvent.Type.RESTORE_FINISHED, subject, "Restore into database " + subject + " finished");
            return report;
        } catch (RuntimeException | SQLException | IOException e) {
            String after;
            if (swapped || steps.isCommitted()) {
                after = swap ? "The swap had completed; " + Sql.ident(liveName) + " is the restored database."
                        : "The restored database " + Sql.ident(name) + " had been completed and checked; it stays.";
            } else if (created) {
                List<String> w = new ArrayList<>();
                dropDatabase(w);
                steps.warnings.addAll(w);
                after = w.isEmpty() ? "The new database " + Sql.ident(name) + " was dropped again" + (swap ? " and " + Sql.ident(liveName)
                        + " was not touched" : "") + "; the server is as it was." : w.get(0);
            } else {
                after = "Nothing was changed.";
            }
            RestoreFailedException failure = steps.failure(e, "The restore into database " + Sql.ident(name), after);
            context.audit("restore", start, "FAILED", steps.auditSteps(), steps.warnings,
                    Map.of("backupId", backupId().value(), "target", "database " + subject, "error", failure.code().name(),
                            "stoppedAt", failure.stoppedAt(), "message", failure.getMessage()));
            context.emit(BackupEvent.Type.RESTORE_FAILED, subject, failure.getMessage());
            throw failure;
        }
    }

    private void createDatabase() throws SQLException {
        Toc toc = dump.toc();
        try (Connection c = admin.open()) {
            Sql.execute(c, "CREATE DATABASE " + Sql.ident(name) + " TEMPLATE template0 ENCODING " + Sql.literal(toc.encoding())
                    + " LC_COLLATE " + Sql.literal(toc.collate()) + " LC_CTYPE " + Sql.literal(toc.ctype()));
        } catch (SQLException e) {
            throw new BackupException(ErrorCode.IO, "Database " + Sql.ident(name) + " cannot be created: " + Failures.describe(e) + ".", null);
        }
    }

    private void dropDatabase(List<String> warnings) {
        try (Connection c = admin.open()) {
            Sql.execute(c, "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE datname = "
                    + Sql.literal(name) + " AND pid <> pg_catalog.pg_backend_pid()");
            Sql.execute(c, "DROP DATABASE IF EXISTS " + Sql.ident(name));
        } catch (SQLException | RuntimeException e) {
            warnings.add("The partly restored database " + name + " could not be dropped (drop it by hand): " + e.getMessage());
        }
    }

    /**
     * Loads the data artifacts (biggest first) on {@code jobs} connections and builds each table's
     * indexes and primary/unique/exclusion constraints as soon as its rows are in, while other
     * tables are still loading, as pg_restore's scheduler does. Builds whose table is not known
     * (older backups, partitioned parents) wait until all data is in.
     */
    private String loadDataAndBuild() throws SQLException, IOException {
        Map<String, List<Toc.TableData>> byArtifact = dump.dataByArtifact();
        java.util.ArrayDeque<Map.Entry<String, List<Toc.TableData>>> artifacts = new java.util.ArrayDeque<>();
        byArtifact.entrySet().stream().sorted((a, b) -> Long.compare(dump.artifact(b.getKey()).plainSize(),
                dump.artifact(a.getKey()).plainSize())).forEach(artifacts::add);
        java.util.Set<String> withData = new java.util.HashSet<>();
        dump.toc().tables().forEach(t -> withData.add(t.qualifiedName()));
        Map<String, List<Toc.Entry>> buildsByTable = new java.util.HashMap<>();
        List<Toc.Entry> afterAll = new ArrayList<>();
        for (Toc.Entry e : DumpLoader.postData(dump.toc())) {
            if (e.parallel()) {
                if (e.table() != null && withData.contains(e.table())) {
                    buildsByTable.computeIfAbsent(e.table(), k -> new ArrayList<>()).add(e);
                } else {
                    afterAll.add(e);
                }
            }
        }
        java.util.ArrayDeque<Toc.Entry> ready = new java.util.ArrayDeque<>();
        if (artifacts.isEmpty()) {
            ready.addAll(afterAll);
            buildsByTable.values().forEach(ready::addAll);
        }
        int[] artifactsLeft = {artifacts.size()};
        int builds = afterAll.size() + buildsByTable.values().stream().mapToInt(List::size).sum();
        Object lock = new Object();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong rows = new AtomicLong();
        int workers = Math.max(1, Math.min(settings.jobs(), artifacts.size() + builds));
        Parallel.run(workers, "wlj-postgres-restore", worker -> {
            try (Connection c = restored.openForSchema()) {
                Sql.execute(c, "SET synchronous_commit = off"); // the final post-data commit flushes it all
                Sql.raiseMaintenanceWorkMem(c, settings.maintenanceWorkMem(), false);
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                while (true) {
                    Map.Entry<String, List<Toc.TableData>> artifact = null;
                    Toc.Entry build = null;
                    synchronized (lock) {
                        while (!stop.get() && artifacts.isEmpty() && ready.isEmpty() && artifactsLeft[0] > 0) {
                            lock.wait(); // another worker is loading the last artifacts; their builds follow
                        }
                        if (stop.get()) {
                            return;
                        }
                        if (!artifacts.isEmpty()) {
                            artifact = artifacts.poll();
                        } else if (!ready.isEmpty()) {
                            build = ready.poll();
                        } else {
                            return;
                        }
                    }
                    if (context.progress().isCancelled()) {
                        throw new BackupException(ErrorCode.CANCELLED, "The restore was cancelled.");
                    }
                    if (artifact != null) {
                        rows.addAndGet(DumpLoader.loadArtifact(copy, c, dump, artifact.getKey(), artifact.getValue(),
                                DumpLoader.Freeze.TRUNCATE_FIRST));
                        synchronized (lock) {
                            for (Toc.TableData t : artifact.getValue()) {
                                ready.addAll(buildsByTable.getOrDefault(t.qualifiedName(), List.of()));
                            }
                            if (--artifactsLeft[0] == 0) {
                                ready.addAll(afterAll);
                            }
                            lock.notifyAll();
                        }
                    } else {
                        DumpLoader.run(c, build);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackupException(ErrorCode.CANCELLED, "Interrupted while restoring.");
            } catch (SQLException | IOException | RuntimeException e) {
                synchronized (lock) {
                    stop.set(true); // the others stop after their current task; the database is dropped anyway
                    lock.notifyAll();
                }
                throw e;
            }
        });
        return dump.toc().tables().size() + " table(s), " + rows.get() + " row(s) loaded and checked; " + builds
                + " index(es) and constraint(s) built";
    }

    private int postData(Connection c) throws SQLException {
        int n = 0;
        Sql.execute(c, "BEGIN");
        for (Toc.Entry e : DumpLoader.postData(dump.toc())) {
            if (!e.parallel()) {
                DumpLoader.run(c, e);
                n++;
            }
        }
        Sql.execute(c, "COMMIT");
        return n;
    }
}
