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
import io.wlj.backup.postgres.PostgresSource;
import io.wlj.backup.spi.RepositoryLock;
import io.wlj.backup.spi.RestoreContext;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Replaces a live database's contents in place, in one transaction: a safety backup of the
 * current state is sealed in the repository first, then every user schema, extension, event
 * trigger and large object is dropped and the backup recreated (schema, data, sequences, large
 * objects, indexes and constraints), the gates run, and only then is the transaction committed.
 * Any error or failed gate rolls everything back. Roles, database settings and other databases
 * are not touched.
 */
public final class ReplaceDatabasePlan implements RestorePlan {
    private final RestoreContext context;
    private final TargetSettings settings;
    private final StoredDump dump;
    private final RestoreConnections connections;
    private final RestoreSteps steps;
    private final String name;

    public ReplaceDatabasePlan(RestoreContext context, TargetSettings settings) {
        this.context = context;
        this.settings = settings;
        this.dump = StoredDump.open(context, settings.source());
        this.connections = settings.connections();
        this.name = settings.database().databaseName();
        Toc toc = dump.toc();
        if (!"FULL".equals(toc.scope()) || toc.partial()) {
            throw BackupException.badInput("Backup " + context.manifest().id() + " is not a full backup of a database ("
                    + ("FULL".equals(toc.scope()) ? "patterns left schemas or tables out" : "it holds " + toc.scope().toLowerCase(java.util.Locale.ROOT).replace('_', ' '))
                    + "); replacing a whole database with it would lose what it lacks. Restore selected tables, "
                    + "restore data only, or restore into a new database.");
        }
        List<String> schemas;
        try (Connection c = connections.open()) {
            schemas = userSchemas(c);
        } catch (SQLException e) {
            throw new BackupException(ErrorCode.SOURCE_FAILED, "Cannot inspect " + settings.database() + ": " + Failures.describe(e) + ".", null);
        }
        this.steps = new RestoreSteps(context);
        long pre = toc.entries().stream().filter(e -> e.section() == Toc.Section.PRE_DATA).count();
        long rows = toc.tables().stream().mapToLong(Toc.TableData::rows).sum();
        steps.planGatesBefore();
        steps.plan("safety-backup", "Back up the whole of database " + Sql.ident(name) + " as it is now into the repository "
                + "(labelled kind=pre-restore) and seal it before anything is changed");
        steps.plan("drop", "Begin one transaction; drop every user schema of " + Sql.ident(name) + " (" + String.join(", ", schemas)
                + ") with everything in it, its extensions, event triggers and large objects; public is emptied and recreated "
                + "with its owner and privileges");
        steps.plan("pre-data", "Create the backup's " + pre + " schema object(s) (" + DumpLoader.kinds(toc, Toc.Section.PRE_DATA) + ")");
        String tables = RestoreSteps.tableList(toc.tables());
        steps.plan("data", "Load " + toc.tables().size() + " table(s), " + rows + " row(s), checking each table's row count and each "
                + "artifact's checksums:" + tables);
        steps.plan("sequences", "Set " + toc.sequences().size() + " sequence value(s)"
                + (toc.largeObjects() != null ? " and load " + toc.largeObjectCount() + " large object(s)" : ""));
        steps.plan("post-data", "Build " + (toc.entries().size() - pre) + " index(es), constraint(s), trigger(s) and other post-data "
                + "object(s) (maintenance_work_mem at least " + settings.maintenanceWorkMem() + ")");
        List<String> gates = new ArrayList<>(List.of(RestoreChecks.ROW_COUNTS, RestoreChecks.FOREIGN_KEYS));
        gates.addAll(context.gateNames(Stage.AFTER_RESTORE_BEFORE_COMMIT));
        steps.plan("verify", "Run gates before commit, inside the transaction: " + String.join(", ", gates));
        steps.plan("commit", "Commit");
        steps.planGatesAfter("the database");
    }

    private static List<String> userSchemas(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        Sql.query(c, "SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE " + Scoping.USER_NAMESPACE + " AND "
                + Scoping.notExtensionMember("2615", "n.oid") + " ORDER BY n.nspname = 'public' DESC, n.nspname", rs -> out.add(rs.getString(1)));
        return out;
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
        return steps.describe(RestoreSteps.heading(backupId(), dump) + ": REPLACE the contents of database " + Sql.ident(name)
                + " in place", "everything after the safety backup runs in one transaction; a failed step or gate rolls it back and "
                + "the database is as it was. After the commit, the safety backup restores the previous contents.");
    }

    @Override
    public RestoreReport execute() {
        Instant start = Instant.now();
        Connection c = null;
        context.emit(BackupEvent.Type.RESTORE_STARTED, name, "Replacing database " + name + " started");
        try (RepositoryLock lock = context.lockRepository("restore " + backupId() + " replacing database " + name)) {
            steps.runGatesBefore();
            steps.run("safety-backup", () -> {
                BackupId id = context.safetyBackup(PostgresSource.builder(settings.database()).name(DatabaseNames.safetySourceName(settings.database().databaseName()))
                        .lockTimeout(settings.lockTimeout()).build());
                steps.safetyBackup(id);
                return "sealed backup " + id;
            });
            Connection tx = connections.openForSchema();
            c = tx;
            Toc toc = dump.toc();
            steps.run("drop", () -> {
                Sql.execute(tx, "BEGIN");
                Sql.execute(tx, settings.lockTimeoutSetting());
                return dropEverything(tx);
            });
            Sql.execute(tx, "SET lock_timeout = 0"); // everything is ours now
            steps.run("pre-data", () -> DumpLoader.preData(tx, toc) + " schema object(s) created");
            steps.run("data", () -> {
                CopyManager copy = tx.unwrap(PGConnection.class).getCopyAPI();
                long rows = 0;
                for (Map.Entry<String, List<Toc.TableData>> a : dump.dataByArtifact().entrySet()) {
                    rows += DumpLoader.loadArtifact(copy, tx, dump, a.getKey(), a.getValue(), DumpLoader.Freeze.CREATED_IN_TRANSACTION);
                }
                toc.tables().forEach(t -> steps.table(new RestoreReport.TableResult(t.qualifiedName(), t.rows(), t.rows(), 0, 0)));
                return toc.tables().size() + " table(s), " + rows + " row(s) loaded and checked";
            });
            steps.run("sequences", () -> {
                DumpLoader.sequences(tx, toc);
                DumpLoader.largeObjects(tx, dump);
                return toc.sequences().size() + " sequence value(s), " + toc.largeObjectCount() + " large object(s)";
            });
            steps.run("post-data", () -> {
                Sql.raiseMaintenanceWorkMem(tx, settings.maintenanceWorkMem(), true);
                List<Toc.Entry> post = DumpLoader.postData(toc);
                for (Toc.Entry e : post) {
                    DumpLoader.run(tx, e);
                }
                return post.size() + " object(s) built";
            });
            steps.run("verify", () -> {
                List<GateResult> results = new ArrayList<>();
                results.add(RestoreChecks.rowCountsLoaded(toc.tables().size(), toc.tables().stream().mapToLong(Toc.TableData::rows).sum()));
                TargetCatalog catalog = TargetCatalog.read(tx);
                List<TargetCatalog.ForeignKey> notValid = catalog.foreignKeys.stream().filter(f -> !f.validated()).toList();
                results.add(RestoreChecks.orphans(tx, catalog, notValid, catalog.foreignKeys.size() - notValid.size()));
                steps.gates(results);
                RestoreChecks.require(results);
                steps.gates(context.runGates(Stage.AFTER_RESTORE_BEFORE_COMMIT, tx));
                return "passed";
            });
            steps.run("commit", () -> {
                Sql.execute(tx, "COMMIT");
                steps.committed();
                return "committed";
            });
            steps.runGatesAfter("the database", connections);
            String rollback = "The previous contents are in backup " + steps.safetyBackup().map(BackupId::value).orElse("?")
                    + "; replace again from it to undo.";
            RestoreReport report = steps.report(rollback);
            context.audit("restore", start, "SUCCESS", steps.auditSteps(), steps.warnings, Map.of("backupId", backupId().value(),
                    "target", "database " + name + " (replaced in place)", "safetyBackup", steps.safetyBackup().map(BackupId::value).orElse("")));
            context.emit(BackupEvent.Type.RESTORE_FINISHED, name, "Replacing database " + name + " finished");
            return report;
        } catch (RuntimeException | SQLException | IOException e) {
            String after;
            if (steps.isCommitted()) {
                after = "The replace had been committed before this; it stands.";
            } else if (c == null) {
                after = "Nothing was changed.";
            } else {
                try {
                    Sql.execute(c, "ROLLBACK");
                    after = "The transaction was rolled back; database " + Sql.ident(name) + " is as it was.";
                } catch (SQLException ex) {
                    after = "The connection was lost, so the server rolled the transaction back; database " + Sql.ident(name) + " is as it was.";
                }
            }
            RestoreFailedException failure = steps.failure(e, "Replacing database " + Sql.ident(name), after);
            context.audit("restore", start, "FAILED", steps.auditSteps(), steps.warnings, Map.of("backupId", backupId().value(),
                    "target", "database " + name + " (replace in place)", "error", failure.code().name(), "stoppedAt", failure.stoppedAt(),
                    "message", failure.getMessage()));
            context.emit(BackupEvent.Type.RESTORE_FAILED, name, failure.getMessage());
            throw failure;
        } finally {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // already rolled back or committed
                }
            }
        }
    }

    /** Drops what the backup will recreate; public is recreated empty with its owner, privileges and comment. */
    private static String dropEverything(Connection c) throws SQLException {
        List<String> sql = new ArrayList<>();
        Sql.query(c, "SELECT evtname FROM pg_catalog.pg_event_trigger ORDER BY 1",
                rs -> sql.add("DROP EVENT TRIGGER " + Sql.ident(rs.getString(1)) + " CASCADE"));
        Sql.query(c, "SELECT extname FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql' ORDER BY 1",
                rs -> sql.add("DROP EXTENSION IF EXISTS " + Sql.ident(rs.getString(1)) + " CASCADE"));
        List<String> schemas = userSchemas(c);
        int dropped = 0;
        for (String s : schemas) {
            if (!"public".equals(s)) {
                sql.add("DROP SCHEMA IF EXISTS " + Sql.ident(s) + " CASCADE");
                dropped++;
            }
        }
        if (schemas.contains("public")) {
            String owner = Sql.value(c, "SELECT pg_catalog.quote_ident(r.rolname) FROM pg_catalog.pg_namespace n JOIN pg_catalog.pg_roles r "
                    + "ON r.oid = n.nspowner WHERE n.nspname = 'public'");
            String comment = Sql.value(c, "SELECT pg_catalog.obj_description(oid, 'pg_namespace') FROM pg_catalog.pg_namespace WHERE nspname = 'public'");
            List<String> grants = new ArrayList<>();
            Sql.query(c, "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(r.rolname) END, a.privilege_type, a.is_grantable "
                    + "FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee "
                    + "WHERE n.nspname = 'public'", rs -> grants.add("GRANT " + rs.getString(2) + " ON SCHEMA public TO " + rs.getString(1)
                    + (rs.getBoolean(3) ? " WITH GRANT OPTION" : "")));
            sql.add("DROP SCHEMA public CASCADE");
            sql.add("CREATE SCHEMA public");
            sql.add("ALTER SCHEMA public OWNER TO " + owner);
            if (!grants.isEmpty()) {
                sql.add("REVOKE ALL ON SCHEMA public FROM " + owner);
                sql.addAll(grants);
            }
            if (comment != null) {
                sql.add("COMMENT ON SCHEMA public IS " + Sql.literal(comment));
            }
        }
        sql.add("SELECT pg_catalog.lo_unlink(oid) FROM pg_catalog.pg_largeobject_metadata");
        for (String s : sql) {
            Sql.execute(c, s);
        }
        return dropped + (schemas.contains("public") ? 1 : 0) + " schema(s) dropped or emptied";
    }
}
