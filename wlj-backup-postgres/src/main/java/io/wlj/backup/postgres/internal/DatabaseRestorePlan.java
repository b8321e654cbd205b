package io.wlj.backup.postgres.internal;

import io.wlj.backup.BackupEvent;
import io.wlj.backup.BackupException;
import io.wlj.backup.BackupId;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.RestorePlan;
import io.wlj.backup.RestoreReport;
import io.wlj.backup.Stage;
import io.wlj.backup.postgres.PostgresDatabase;
import io.wlj.backup.spi.RepositoryLock;
import io.wlj.backup.spi.RestoreContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Restores a JDBC-engine backup into a new database: create it, pre-data in one transaction,
 * table data on parallel connections (each block's row count checked against the backup),
 * sequence values, large objects, post-data (index and constraint builds in parallel with a
 * raised {@code maintenance_work_mem}), then the before-commit gates. If anything fails the new
 * database is dropped, so the server is left as it was.
 */
public final class DatabaseRestorePlan implements RestorePlan {
    private final RestoreContext context;
    private final StoredDump dump;
    private final PostgresDatabase target;
    private final String adminDatabase;
    private final int jobs;
    private final String maintenanceWorkMem;
    private final String name;
    private final List<String> steps = new ArrayList<>();

    public DatabaseRestorePlan(RestoreContext context, String sourceName, PostgresDatabase target, String adminDatabase, int jobs,
                               String maintenanceWorkMem) {
        this.context = context;
        this.dump = StoredDump.open(context, sourceName);
        this.target = target;
        this.adminDatabase = adminDatabase;
        this.jobs = jobs;
        this.maintenanceWorkMem = maintenanceWorkMem;
        this.name = target.databaseName();
        Toc toc = dump.toc();
        if ("DATA_ONLY".equals(toc.scope())) {
            throw BackupException.badInput("Backup " + context.manifest().id() + " holds data only; it cannot create a database "
                    + "(restore it into an existing schema, or export it as SQL).");
        }
        if (name.isEmpty()) {
            throw BackupException.badInput("The target URL names no database to create.");
        }
        checkTargetAbsent();
        long pre = toc.entries().stream().filter(e -> e.section() == Toc.Section.PRE_DATA).count();
        long post = toc.entries().size() - pre;
        long rows = toc.tables().stream().mapToLong(Toc.TableData::rows).sum();
        context.gateNames(Stage.BEFORE_RESTORE).forEach(g -> steps.add("Run gate '" + g + "' before restoring"));
        steps.add("Create database " + Sql.ident(name) + " (encoding " + toc.encoding() + ", collation " + toc.collate() + ") on "
                + target.withDatabase(adminDatabase));
        steps.add("Create " + pre + " schema object(s) in one transaction");
        steps.add("Load " + toc.tables().size() + " table(s), " + rows + " row(s), from " + dump.dataByArtifact().size()
                + " data artifact(s) on " + jobs + " connection(s), checking each table's row count and each artifact's SHA-256");
        if (!toc.sequences().isEmpty()) {
            steps.add("Set " + toc.sequences().size() + " sequence value(s)");
        }
        if (toc.largeObjects() != null) {
            steps.add("Load " + toc.largeObjectCount() + " large object(s)");
        }
        steps.add("Build " + post + " index(es), constraint(s), trigger(s) and other post-data object(s) ("
                + toc.entries().stream().filter(Toc.Entry::parallel).count() + " in parallel, maintenance_work_mem " + maintenanceWorkMem + ")");
        context.gateNames(Stage.AFTER_RESTORE_BEFORE_COMMIT).forEach(g -> steps.add("Run gate '" + g + "' before keeping the database"));
        context.gateNames(Stage.AFTER_RESTORE).forEach(g -> steps.add("Run gate '" + g + "' after the restore"));
        if (!toc.unsupported().isEmpty()) {
            steps.add("Not in the backup, so not restored: " + String.join("; ", toc.unsupported()));
        }
    }

    private void checkTargetAbsent() {
        try (Connection admin = target.withDatabase(adminDatabase).connect()) {
            if (Sql.value(admin, "SELECT 1 FROM pg_catalog.pg_database WHERE datname = " + Sql.literal(name)) != null) {
                throw new BackupException(ErrorCode.TARGET_NOT_EMPTY, "Database " + Sql.ident(name) + " already exists on "
                        + target.withDatabase(adminDatabase) + "; restore into a new name (replacing a database comes with restore plans).");
            }
        } catch (SQLException e) {
            throw new BackupException(ErrorCode.SOURCE_FAILED, "Cannot inspect the target server: " + Failures.describe(e) + ".", null);
        }
    }

    @Override
    public BackupId backupId() {
        return context.manifest().id();
    }

    @Override
    public List<String> steps() {
        return List.copyOf(steps);
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("Restore plan for backup ").append(backupId()).append(" (source '").append(dump.source())
                .append("', PostgreSQL ").append(dump.toc().serverVersion()).append(") into a new database ").append(Sql.ident(name))
                .append('\n');
        for (int i = 0; i < steps.size(); i++) {
            sb.append(String.format("  %d. %s%n", i + 1, steps.get(i)));
        }
        sb.append("Rollback: the database is new; if any step fails it is dropped again, so the server is left as it was.\n");
        sb.append("Nothing has been touched yet.\n");
        return sb.toString();
    }

    @Override
    public RestoreReport execute() {
        Instant start = Instant.now();
        List<RestoreReport.Step> done = Collections.synchronizedList(new ArrayList<>());
        List<String> warnings = new ArrayList<>();
        boolean created = false;
        context.emit(BackupEvent.Type.RESTORE_STARTED, name, "Restore into database " + name + " started");
        try (RepositoryLock lock = context.lockRepository("restore " + backupId() + " into database " + name)) {
            context.runGates(Stage.BEFORE_RESTORE);
            checkTargetAbsent();
            Instant t = Instant.now();
            createDatabase();
            created = true;
            done.add(new RestoreReport.Step("create database", "created " + Sql.ident(name), Duration.between(t, Instant.now())));
            Toc toc = dump.toc();
            try (Connection c = connect()) {
                t = Instant.now();
                Sql.execute(c, "BEGIN");
                int n = 0;
                for (Toc.Entry e : toc.entries()) {
                    if (e.section() == Toc.Section.PRE_DATA) {
                        run(c, e);
                        n++;
                    }
                }
                Sql.execute(c, "COMMIT");
                done.add(new RestoreReport.Step("pre-data", n + " schema object(s) created", Duration.between(t, Instant.now())));
                t = Instant.now();
                long rows = loadData();
                done.add(new RestoreReport.Step("data", toc.tables().size() + " table(s), " + rows + " row(s) loaded and checked",
                        Duration.between(t, Instant.now())));
                t = Instant.now();
                for (Toc.SequenceValue s : toc.sequences()) {
                    Sql.execute(c, s.sql());
                }
                if (toc.largeObjects() != null) {
                    loadLargeObjects(c);
                }
                done.add(new RestoreReport.Step("sequences", toc.sequences().size() + " sequence value(s), " + toc.largeObjectCount()
                        + " large object(s)", Duration.between(t, Instant.now())));
                t = Instant.now();
                int post = postData(c);
                done.add(new RestoreReport.Step("post-data", post + " object(s) built", Duration.between(t, Instant.now())));
            }
            context.runGates(Stage.AFTER_RESTORE_BEFORE_COMMIT);
            try {
                context.runGates(Stage.AFTER_RESTORE);
            } catch (BackupException e) {
                warnings.add("After-restore gate failed; the restored database stays: " + e.getMessage());
            }
            RestoreReport report = new RestoreReport(backupId(), done, warnings, Duration.between(start, Instant.now()));
            context.audit("restore", start, "SUCCESS", done.stream().map(s -> s.name() + ": " + s.detail()).toList(), warnings,
                    Map.of("backupId", backupId().value(), "target", "database " + name));
            context.emit(BackupEvent.Type.RESTORE_FINISHED, name, "Restore into database " + name + " finished");
            return report;
        } catch (RuntimeException | SQLException | IOException e) {
            if (created) {
                dropDatabase(warnings);
            }
            BackupException failure = failure(e, created);
            context.audit("restore", start, "FAILED", done.stream().map(s -> s.name() + ": " + s.detail()).toList(), warnings,
                    Map.of("backupId", backupId().value(), "target", "database " + name, "error", failure.code().name(),
                            "message", failure.getMessage()));
            context.emit(BackupEvent.Type.RESTORE_FAILED, name, failure.getMessage());
            throw failure;
        }
    }

    private BackupException failure(Exception e, boolean created) {
        String after = created ? " The new database " + Sql.ident(name) + " was dropped again; the server is as it was."
                : " Nothing was changed.";
        if (e instanceof io.wlj.backup.IntegrityException ie) {
            return new io.wlj.backup.IntegrityException(ie.artifact(), ie.getMessage() + after);
        }
        if (e instanceof BackupException be) {
            return new BackupException(be.code(), be.getMessage() + after, be);
        }
        String what = e instanceof SQLException se ? Failures.describe(se) : e.getMessage();
        return new BackupException(ErrorCode.IO, "The restore into database " + Sql.ident(name) + " failed: " + what + "." + after, e);
    }

    private Connection connect() throws SQLException {
        // The simple query protocol: the server itself splits an entry into statements, which the
        // driver's own splitting gets wrong for bodies such as BEGIN ATOMIC ... END.
        Connection c = target.option("preferQueryMode", "simple").connect();
        for (String s : Sql.RESTORE_SETTINGS) {
            Sql.execute(c, s);
        }
        return c;
    }

    private void createDatabase() throws SQLException {
        Toc toc = dump.toc();
        try (Connection admin = target.withDatabase(adminDatabase).connect()) {
            Sql.execute(admin, "CREATE DATABASE " + Sql.ident(name) + " TEMPLATE template0 ENCODING " + Sql.literal(toc.encoding())
                    + " LC_COLLATE " + Sql.literal(toc.collate()) + " LC_CTYPE " + Sql.literal(toc.ctype()));
        } catch (SQLException e) {
            throw new BackupException(ErrorCode.IO, "Database " + Sql.ident(name) + " cannot be created: " + Failures.describe(e)
                    + ". Nothing was changed.", null);
        }
    }

    private void dropDatabase(List<String> warnings) {
        try (Connection admin = target.withDatabase(adminDatabase).connect()) {
            Sql.execute(admin, "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE datname = "
                    + Sql.literal(name) + " AND pid <> pg_catalog.pg_backend_pid()");
            Sql.execute(admin, "DROP DATABASE IF EXISTS " + Sql.ident(name));
        } catch (SQLException | RuntimeException e) {
            warnings.add("The partly restored database " + name + " could not be dropped: " + e.getMessage());
        }
    }

    private void run(Connection c, Toc.Entry e) throws SQLException {
        try {
            Sql.execute(c, e.sql());
        } catch (SQLException ex) {
            throw new SQLException("creating " + e.kind().toLowerCase(java.util.Locale.ROOT) + " "
                    + (e.schema() == null ? "" : e.schema() + ".") + e.name() + ": " + Failures.describe(ex), ex.getSQLState(), ex);
        }
    }

    private long loadData() throws SQLException, IOException {
        Map<String, List<Toc.TableData>> byArtifact = dump.dataByArtifact();
        ConcurrentLinkedQueue<Map.Entry<String, List<Toc.TableData>>> queue = new ConcurrentLinkedQueue<>();
        byArtifact.entrySet().stream().sorted((a, b) -> Long.compare(dump.artifact(b.getKey()).plainSize(),
                dump.artifact(a.getKey()).plainSize())).forEach(queue::add);
        AtomicLong rows = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        int workers = Math.max(1, Math.min(jobs, byArtifact.size()));
        Parallel.run(workers, "wlj-postgres-restore", worker -> {
            try (Connection c = connect()) {
                Sql.execute(c, "SET synchronous_commit = off"); // the final post-data commit flushes it all
                CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                Map.Entry<String, List<Toc.TableData>> next;
                while (!stop.get() && (next = queue.poll()) != null) {
                    if (context.progress().isCancelled()) {
                        throw new BackupException(ErrorCode.CANCELLED, "The restore was cancelled.");
                    }
                    rows.addAndGet(loadArtifact(copy, next.getKey(), next.getValue()));
                }
            } catch (SQLException | IOException | RuntimeException e) {
                stop.set(true); // the others stop after their current artifact; the database is dropped anyway
                throw e;
            }
        });
        return rows.get();
    }

    private long loadArtifact(CopyManager copy, String artifact, List<Toc.TableData> tables) throws SQLException, IOException {
        long rows = 0;
        try (InputStream in = dump.open(artifact)) {
            CopyBlockReader reader = new CopyBlockReader(in);
            for (Toc.TableData t : tables) {
                String header = reader.nextHeader();
                while (header != null && header.startsWith("SET ")) {
                    header = reader.nextHeader(); // the preamble that makes the artifact a psql script on its own
                }
                if (!t.copy().equals(header)) {
                    throw new io.wlj.backup.IntegrityException(artifact, "The data artifact " + artifact + " does not hold table "
                            + t.qualifiedName() + " where its table of contents says it does.");
                }
                String sql = header.substring(0, header.length() - " FROM stdin;".length()) + " FROM STDIN";
                CopyIn in2 = copy.copyIn(sql);
                try {
                    reader.copyRows(in2::writeToCopy);
                    long loaded = in2.endCopy();
                    if (loaded != t.rows()) {
                        throw new io.wlj.backup.IntegrityException(artifact, "Table " + t.qualifiedName() + " got " + loaded
                                + " rows where the backup recorded " + t.rows() + ".");
                    }
                    rows += loaded;
                } catch (SQLException | IOException | RuntimeException e) {
                    if (in2.isActive()) {
                        try {
                            in2.cancelCopy();
                        } catch (SQLException ignored) {
                            // the connection is discarded with the database
                        }
                    }
                    if (e instanceof SQLException se) {
                        throw new SQLException("loading table " + t.qualifiedName() + ": " + Failures.describe(se), se.getSQLState(), se);
                    }
                    throw e;
                }
            }
            if (reader.nextHeader() != null) {
                throw new io.wlj.backup.IntegrityException(artifact, "The data artifact " + artifact
                        + " holds more than its table of contents lists.");
            }
        }
        return rows;
    }

    private void loadLargeObjects(Connection c) throws SQLException, IOException {
        try (InputStream in = dump.open(dump.toc().largeObjects());
             java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (!line.isEmpty()) {
                    Sql.execute(c, line);
                }
            }
        }
    }

    private int postData(Connection c) throws SQLException, IOException {
        List<Toc.Entry> post = dump.toc().entries().stream().filter(e -> e.section() == Toc.Section.POST_DATA).toList();
        ConcurrentLinkedQueue<Toc.Entry> builds = new ConcurrentLinkedQueue<>(post.stream().filter(Toc.Entry::parallel).toList());
        if (!builds.isEmpty()) {
            Parallel.run(Math.max(1, Math.min(jobs, builds.size())), "wlj-postgres-restore", worker -> {
                try (Connection w = connect()) {
                    Sql.execute(w, "SET maintenance_work_mem = " + Sql.literal(maintenanceWorkMem));
                    Toc.Entry e;
                    while ((e = builds.poll()) != null) {
                        run(w, e);
                    }
                }
            });
        }
        Sql.execute(c, "BEGIN");
        for (Toc.Entry e : post) {
            if (!e.parallel()) {
                run(c, e);
            }
        }
        Sql.execute(c, "COMMIT");
        return post.size();
    }
}
