package io.wlj.backup.postgres.internal;

import io.wlj.backup.BackupEvent;
import io.wlj.backup.BackupException;
import io.wlj.backup.BackupId;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.GateResult;
import io.wlj.backup.RestorePlan;
import io.wlj.backup.RestoreReport;
import io.wlj.backup.Stage;
import io.wlj.backup.postgres.PostgresSource;
import io.wlj.backup.spi.RepositoryLock;
import io.wlj.backup.spi.RestoreContext;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Restores tables or rows into a live database, in one transaction: selected tables replaced
 * (rows the backup lacks deleted, the others upserted by primary key) or merged
 * ({@code INSERT ... ON CONFLICT DO NOTHING}), rows chosen by a predicate per table merged with
 * their missing parents (restored too, or named before anything is written), and data-only
 * restores into a schema the host's migrations made. Rows are staged in temporary tables first
 * ({@link TableStaging}), then applied in foreign-key order ({@link LoadOrder}) with deferrable
 * keys deferred; then deferred keys are checked, owned sequences advanced, the gates run, and
 * only then is the transaction committed. Any failure rolls it all back.
 */
public final class LiveTablesPlan implements RestorePlan {
    private final RestoreContext context;
    private final TargetSettings settings;
    private final StoredDump dump;
    private final RestoreConnections connections;
    private final boolean replace;
    private final RestoreSteps steps;
    private final Selection planned;

    /** What will be restored, resolved against the target's catalog. */
    private record Selection(TargetCatalog catalog, List<Toc.TableData> tables, Map<String, String> predicates,
                             List<Toc.TableData> parentSources, List<String> order, Map<String, Long> currentRows) {
        Toc.TableData table(String name) {
            return tables.stream().filter(t -> t.qualifiedName().equals(name)).findFirst()
                    .or(() -> parentSources.stream().filter(t -> t.qualifiedName().equals(name)).findFirst()).orElse(null);
        }
    }

    public LiveTablesPlan(RestoreContext context, TargetSettings settings) {
        this.context = context;
        this.settings = settings;
        this.dump = StoredDump.open(context, settings.source());
        this.connections = settings.connections();
        this.replace = settings.mode() == TargetSettings.Mode.TABLES && !settings.merge() && settings.where().isEmpty();
        if ("SCHEMA_ONLY".equals(dump.toc().scope())) {
            throw BackupException.badInput("Backup " + context.manifest().id() + " holds the schema only; it has no rows to restore.");
        }
        if (settings.mode() == TargetSettings.Mode.TABLES && settings.tables().isEmpty() && settings.where().isEmpty()) {
            throw BackupException.badInput("Name the tables to restore (tables(...) or --tables), or rows with where(...).");
        }
        try (Connection c = connections.open()) {
            c.setReadOnly(true);
            this.planned = resolve(c, TargetCatalog.read(c), true);
        } catch (SQLException e) {
            throw new BackupException(ErrorCode.SOURCE_FAILED, "Cannot read the catalog of " + settings.database() + ": "
                    + Failures.describe(e) + ".", null);
        }
        this.steps = new RestoreSteps(context);
        planSteps();
    }

    private Selection resolve(Connection c, TargetCatalog catalog, boolean countRows) throws SQLException {
        List<Toc.TableData> all = dump.toc().tables();
        Set<Toc.TableData> chosen = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        List<String> patterns = settings.mode() == TargetSettings.Mode.DATA_ONLY && settings.tables().isEmpty() && settings.where().isEmpty()
                ? List.of("*") : settings.tables();
        for (String p : patterns) {
            NamePattern pattern = NamePattern.table(p);
            List<Toc.TableData> m = all.stream().filter(t -> pattern.matchesTable(t.schema(), t.name())).toList();
            if (m.isEmpty()) {
                problems.add("'" + p + "' matches no table in backup " + context.manifest().id());
            }
            chosen.addAll(m);
        }
        Map<String, String> predicates = new LinkedHashMap<>();
        settings.where().forEach((p, predicate) -> {
            NamePattern pattern = NamePattern.table(p);
            List<Toc.TableData> m = all.stream().filter(t -> pattern.matchesTable(t.schema(), t.name())).toList();
            if (m.size() != 1) {
                problems.add("the row predicate for '" + p + "' must name exactly one table of the backup, and it matches "
                        + (m.isEmpty() ? "none" : m.stream().map(Toc.TableData::qualifiedName).collect(Collectors.joining(", "))));
            } else {
                chosen.add(m.get(0));
                predicates.put(m.get(0).qualifiedName(), predicate);
            }
        });
        for (Toc.TableData t : chosen) {
            checkColumns(t, catalog, problems);
        }
        List<Toc.TableData> parents = new ArrayList<>();
        if (settings.withParents()) {
            Set<String> seen = chosen.stream().map(Toc.TableData::qualifiedName).collect(Collectors.toCollection(LinkedHashSet::new));
            List<String> work = new ArrayList<>(seen);
            while (!work.isEmpty()) {
                String child = work.remove(0);
                for (TargetCatalog.ForeignKey fk : catalog.foreignKeysFrom(catalog.root(child))) {
                    Toc.TableData p = all.stream().filter(t -> t.qualifiedName().equals(fk.parent())).findFirst().orElse(null);
                    if (p != null && seen.add(p.qualifiedName())) {
                        parents.add(p);
                        work.add(p.qualifiedName());
                        checkColumns(p, catalog, problems);
                    }
                }
            }
        }
        List<String> names = new ArrayList<>();
        chosen.forEach(t -> names.add(t.qualifiedName()));
        parents.forEach(t -> names.add(t.qualifiedName()));
        if (replace) {
            for (TargetCatalog.ForeignKey fk : catalog.foreignKeys) {
                if (names.contains(catalog.root(fk.parent())) || names.contains(fk.parent())) {
                    if (!names.contains(fk.child()) && fk.deleteCascades()) {
                        problems.add("replacing " + fk.parent() + " would " + (fk.deleteAction() == 'c' ? "delete" : "change")
                                + " rows of " + fk.child() + " through its ON DELETE action (" + fk.describe()
                                + "); add " + fk.child() + " to the tables, or merge instead");
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw BackupException.badInput("This restore cannot go ahead: " + String.join("; ", problems) + ". Nothing was changed.");
        }
        List<String> order = names.isEmpty() ? List.of() : LoadOrder.of(names, catalog);
        Map<String, Long> current = new LinkedHashMap<>();
        if (countRows) {
            for (String n : order) {
                current.put(n, Long.parseLong(Sql.value(c, "SELECT count(*) FROM " + catalog.tables.get(n).sql())));
            }
        }
        return new Selection(catalog, List.copyOf(chosen), predicates, parents, order, current);
    }

    /** Columns are matched by name: each backup column must exist and be writable; each required target column must be in the backup. */
    private static void checkColumns(Toc.TableData t, TargetCatalog catalog, List<String> problems) {
        TargetCatalog.Table target = catalog.tables.get(t.qualifiedName());
        if (target == null) {
            problems.add("table " + t.qualifiedName() + " does not exist in the target (create it, for example by running the "
                    + "migrations, or leave it out)");
            return;
        }
        List<String> cols = t.columns();
        List<String> missing = cols.stream().filter(c -> target.column(c).isEmpty()).toList();
        if (!missing.isEmpty()) {
            problems.add("table " + t.qualifiedName() + " has no column " + String.join(", ", missing) + " that the backup has");
        }
        List<String> generated = cols.stream().filter(c -> target.column(c).map(TargetCatalog.Column::generated).orElse(false)).toList();
        if (!generated.isEmpty()) {
            problems.add("column(s) " + String.join(", ", generated) + " of " + t.qualifiedName() + " are generated in the target");
        }
        List<String> required = target.columns().stream().filter(TargetCatalog.Column::required).map(TargetCatalog.Column::name)
                .filter(c -> !cols.contains(c)).toList();
        if (!required.isEmpty()) {
            problems.add("table " + t.qualifiedName() + " requires column(s) " + String.join(", ", required)
                    + " (NOT NULL without a default) that the backup does not have");
        }
    }

    private void planSteps() {
        Selection s = planned;
        steps.planGatesBefore();
        long rows = s.tables().stream().mapToLong(Toc.TableData::rows).sum() + s.parentSources().stream().mapToLong(Toc.TableData::rows).sum();
        long artifacts = new java.util.HashSet<>(s.order().stream().map(s::table).map(Toc.TableData::artifact).toList()).size();
        steps.plan("stage", "Begin one transaction on " + settings.database() + "; read " + s.order().size() + " table(s), " + rows
                + " row(s), from " + artifacts + " artifact(s) into temporary tables, proving each artifact's checksums before any row is applied");
        if (!s.predicates().isEmpty() || settings.withParents()) {
            StringBuilder sb = new StringBuilder("Select rows: ");
            s.predicates().forEach((t, p) -> sb.append(t).append(" where ").append(p).append("; "));
            sb.append(settings.withParents() ? "then add each selected row's missing parent rows from the backup ("
                    + s.parentSources().stream().map(Toc.TableData::qualifiedName).collect(Collectors.joining(", ")) + ")"
                    : "then check that each selected row's parent rows exist, and name any that do not before writing anything");
            steps.plan("select", sb.toString());
        } else {
            steps.plan("select", "Check that every row's parent rows exist in the target or in this restore");
        }
        steps.plan("safety-backup", "Back up the current contents of the " + s.order().size() + " affected table(s) into the repository "
                + "(labelled kind=pre-restore; separate connections, which see the rows as they are before this restore changes any), "
                + "so this restore can be undone after it commits");
        StringBuilder apply = new StringBuilder();
        for (String n : s.order()) {
            Toc.TableData t = s.table(n);
            String pred = s.predicates().get(n);
            apply.append("\n       ").append(n).append(": ");
            if (replace) {
                TargetCatalog.Table target = s.catalog().tables.get(n);
                apply.append("replace its ").append(s.currentRows().get(n)).append(" row(s) with the backup's ").append(t.rows())
                        .append(target.primaryKey().isEmpty() ? " (no primary key: delete all, then insert)"
                                : " (upsert by primary key " + String.join(", ", target.primaryKey()) + ", delete rows the backup lacks)");
            } else {
                apply.append("merge ").append(pred != null ? "the rows where " + pred + " of the backup's " + t.rows()
                        : s.parentSources().contains(t) ? "missing parent rows from the backup's " + t.rows() : "the backup's " + t.rows())
                        .append(" row(s) into its ").append(s.currentRows().get(n)).append(" (existing keys are kept, counted as skipped)");
            }
        }
        steps.plan("apply", "In foreign-key order, deferrable keys deferred:" + apply);
        steps.plan("constraints", "Check the deferred foreign keys (SET CONSTRAINTS ALL IMMEDIATE)");
        List<String> gates = new ArrayList<>(List.of(RestoreChecks.ROW_COUNTS, RestoreChecks.FOREIGN_KEYS));
        gates.addAll(context.gateNames(Stage.AFTER_RESTORE_BEFORE_COMMIT));
        steps.plan("verify", "Run gates before commit, inside the transaction: " + String.join(", ", gates));
        steps.plan("sequences", "Advance the sequences owned by these tables' columns past the largest restored value (last, "
                + "because PostgreSQL never rolls back a sequence: a failure from here on leaves them ahead, never behind)");
        steps.plan("commit", "Commit");
        steps.planGatesAfter("the restored rows");
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
        String what = settings.mode() == TargetSettings.Mode.DATA_ONLY ? "data only, into the existing schema of"
                : replace ? "replacing tables in" : "merging rows into";
        return steps.describe(RestoreSteps.heading(backupId(), dump) + ": " + what + " " + settings.database(),
                "every change is made in one transaction; a failed step or gate rolls it back, leaving the tables as they were. "
                + "After the commit, the safety backup taken in step 'safety-backup' holds the previous rows.");
    }

    @Override
    public RestoreReport execute() {
        Instant start = Instant.now();
        context.emit(BackupEvent.Type.RESTORE_STARTED, settings.database().databaseName(), "Restore into " + settings.database() + " started");
        Connection c = null;
        try (RepositoryLock lock = context.lockRepository("restore " + backupId() + " into " + settings.database())) {
            steps.runGatesBefore();
            Connection tx = connections.open();
            c = tx;
            tx.setAutoCommit(false);
            Sql.execute(tx, settings.lockTimeoutSetting());
            Sql.execute(tx, "SET CONSTRAINTS ALL DEFERRED");
            Selection s = resolve(tx, TargetCatalog.read(tx), false); // the catalog as it is now, inside the transaction
            Map<String, TableStaging.Staged> staged = new LinkedHashMap<>();
            steps.run("stage", () -> {
                if (replace) {
                    // EXCLUSIVE: others may still read (the safety backup does), but no one writes until we commit.
                    for (String n : s.order()) {
                        Sql.execute(tx, "LOCK TABLE " + s.catalog().tables.get(n).sql() + " IN EXCLUSIVE MODE");
                    }
                }
                List<Toc.TableData> all = new ArrayList<>(s.tables());
                all.addAll(s.parentSources());
                staged.putAll(TableStaging.stage(tx, dump, all, s.catalog()));
                return staged.size() + " table(s), " + staged.values().stream().mapToLong(TableStaging.Staged::rows).sum() + " row(s) staged";
            });
            Map<String, String> selections = new LinkedHashMap<>();
            steps.run("select", () -> select(tx, s, staged, selections));
            steps.run("safety-backup", () -> {
                BackupId id = context.safetyBackup(safetySource());
                steps.safetyBackup(id);
                return "sealed backup " + id;
            });
            steps.run("apply", () -> apply(tx, s, staged, selections));
            steps.run("constraints", () -> {
                try {
                    Sql.execute(tx, "SET CONSTRAINTS ALL IMMEDIATE");
                } catch (SQLException e) {
                    throw new SQLException("a deferred foreign key does not hold: " + Failures.describe(e), e.getSQLState(), e);
                }
                return "deferred foreign keys hold";
            });
            steps.run("verify", () -> {
                List<GateResult> results = new ArrayList<>();
                results.add(replace ? RestoreChecks.rowCounts(tx, expectedCounts(s, staged), sqlNames(s))
                        : RestoreChecks.rowCountsMerged(staged.size(), staged.values().stream().mapToLong(TableStaging.Staged::rows).sum()));
                results.add(RestoreChecks.orphans(tx, s.catalog(), s.catalog().foreignKeysTouching(s.order()), 0));
                steps.gates(results);
                RestoreChecks.require(results);
                steps.gates(context.runGates(Stage.AFTER_RESTORE_BEFORE_COMMIT, tx));
                return "passed";
            });
            steps.run("sequences", () -> advanceSequences(tx, s));
            steps.run("commit", () -> {
                tx.commit();
                steps.committed();
                return "committed";
            });
            steps.runGatesAfter("the restored rows", connections);
            String rollback = steps.safetyBackup().map(id -> "The previous rows are in backup " + id
                    + "; restore its tables with replace to undo.").orElse("");
            RestoreReport report = steps.report(rollback);
            context.audit("restore", start, "SUCCESS", steps.auditSteps(), steps.warnings, Map.of("backupId", backupId().value(),
                    "target", "tables of database " + settings.database().databaseName()));
            context.emit(BackupEvent.Type.RESTORE_FINISHED, settings.database().databaseName(), "Restore finished");
            return report;
        } catch (RuntimeException | SQLException | IOException e) {
            boolean rolledBack = !steps.isCommitted() && rollback(c);
            String after = steps.isCommitted() ? "The restore had been committed before this; it stands." : c == null ? "Nothing was changed." : rolledBack
                    ? "The transaction was rolled back; the target is as it was."
                    : "The connection was lost, so the server rolled the transaction back; the target is as it was.";
            io.wlj.backup.RestoreFailedException failure = steps.failure(e, "The restore into " + settings.database(), after);
            context.audit("restore", start, "FAILED", steps.auditSteps(), steps.warnings, Map.of("backupId", backupId().value(),
                    "target", "tables of database " + settings.database().databaseName(), "error", failure.code().name(),
                    "stoppedAt", failure.stoppedAt(), "message", failure.getMessage()));
            context.emit(BackupEvent.Type.RESTORE_FAILED, settings.database().databaseName(), failure.getMessage());
            throw failure;
        } finally {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // rolled back or committed already
                }
            }
        }
    }

    private static boolean rollback(Connection c) {
        if (c == null) {
            return false;
        }
        try {
            c.rollback();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private io.wlj.backup.spi.BackupSource safetySource() {
        PostgresSource.Builder b = PostgresSource.builder(settings.database()).name(DatabaseNames.safetySourceName(settings.database().databaseName())).jobs(1).lockTimeout(settings.lockTimeout());
        boolean plainNames = planned.order().stream().allMatch(n -> n.chars().filter(ch -> ch == '.').count() == 1
                && n.indexOf('*') < 0 && n.indexOf('?') < 0);
        if (plainNames) {
            planned.order().forEach(b::includeTable);
        }
        return b.build();
    }

    /** Builds the rows to apply per table (the staged rows, or those a predicate selects), with missing parents. */
    private String select(Connection c, Selection s, Map<String, TableStaging.Staged> staged, Map<String, String> selections)
            throws SQLException {
        int n = 0;
        for (Toc.TableData t : s.tables()) {
            TableStaging.Staged st = staged.get(t.qualifiedName());
            String predicate = s.predicates().get(t.qualifiedName());
            if (predicate == null) {
                selections.put(t.qualifiedName(), st.stage());
            } else {
                String sel = "wlj_select_" + (++n);
                try {
                    Sql.execute(c, "CREATE TEMPORARY TABLE " + sel + " ON COMMIT DROP AS SELECT * FROM pg_temp." + st.stage()
                            + " WHERE (" + predicate + ")");
                } catch (SQLException e) {
                    String state = e.getSQLState() == null ? "" : e.getSQLState();
                    if (state.startsWith("42") || state.startsWith("22")) { // syntax, unknown names, types; data errors
                        throw BackupException.badInput("The row predicate for " + t.qualifiedName() + " (" + predicate + ") cannot be "
                                + "evaluated on the backup's rows: " + Failures.describe(e) + ".");
                    }
                    throw e;
                }
                selections.put(t.qualifiedName(), sel);
            }
        }
        // Parents: each selected row's key must exist in the target or among the rows restored with it.
        List<String> missing = new ArrayList<>();
        List<String> work = new ArrayList<>(selections.keySet());
        int added = 0;
        while (!work.isEmpty()) {
            String child = work.remove(0);
            for (TargetCatalog.ForeignKey fk : s.catalog().foreignKeysFrom(s.catalog().root(child))) {
                if (replace && selections.containsKey(fk.parent())) {
                    continue; // the parent table is replaced too; the deferred check at the end judges
                }
                String keys = missingKeys(s, fk, selections.get(child), selections.get(fk.parent()));
                long count = Long.parseLong(Sql.value(c, "SELECT count(*) FROM (" + keys + ") m"));
                if (count == 0) {
                    continue;
                }
                TableStaging.Staged parent = staged.get(fk.parent());
                if (settings.withParents() && parent != null) {
                    String sel = selections.get(fk.parent());
                    if (sel == null) {
                        sel = "wlj_select_" + (++n);
                        Sql.execute(c, "CREATE TEMPORARY TABLE " + sel + " ON COMMIT DROP AS SELECT * FROM pg_temp." + parent.stage()
                                + " WITH NO DATA");
                        selections.put(fk.parent(), sel);
                    }
                    StringBuilder match = new StringBuilder();
                    for (int i = 0; i < fk.parentColumns().size(); i++) {
                        match.append(i == 0 ? "" : " AND ").append("p.").append(Sql.ident(fk.parentColumns().get(i))).append(" = m.k").append(i);
                    }
                    try (Statement st = c.createStatement()) {
                        added += st.executeUpdate("INSERT INTO pg_temp." + sel + " SELECT p.* FROM pg_temp." + parent.stage() + " p WHERE EXISTS "
                                + "(SELECT 1 FROM (" + keys + ") m WHERE " + match + ")");
                    }
                    work.add(fk.parent());
                    // keys the backup does not have either stay missing
                    long still = Long.parseLong(Sql.value(c, "SELECT count(*) FROM (" + missingKeys(s, fk, selections.get(child), sel) + ") m"));
                    if (still > 0) {
                        missing.add(describeMissing(c, s, fk, selections.get(child), sel, still) + " (not in the backup either)");
                    }
                } else {
                    missing.add(describeMissing(c, s, fk, selections.get(child), selections.get(fk.parent()), count)
                            + (settings.withParents() ? " (not in the backup either)" : ""));
                }
            }
        }
        if (!missing.isEmpty()) {
            throw BackupException.badInput("Selected rows refer to parent rows the target does not have: " + String.join("; ", missing)
                    + (settings.withParents() ? "." : ". Restore the parents too (withParents(), --with-parents), or widen the selection."));
        }
        long selected = 0;
        for (String sel : selections.values()) {
            selected += Long.parseLong(Sql.value(c, "SELECT count(*) FROM pg_temp." + sel));
        }
        return selected + " row(s) selected" + (added > 0 ? ", including " + added + " missing parent row(s) from the backup" : "");
    }

    /** Distinct keys of {@code childRows} that match no row of the parent table nor of {@code parentRows}. */
    private static String missingKeys(Selection s, TargetCatalog.ForeignKey fk, String childRows, String parentRows) {
        StringBuilder cols = new StringBuilder();
        StringBuilder notNull = new StringBuilder();
        StringBuilder inTarget = new StringBuilder();
        StringBuilder inRestore = new StringBuilder();
        for (int i = 0; i < fk.childColumns().size(); i++) {
            String cc = "s." + Sql.ident(fk.childColumns().get(i));
            String pc = Sql.ident(fk.parentColumns().get(i));
            cols.append(i == 0 ? "" : ", ").append(cc).append(" AS k").append(i);
            notNull.append(" AND ").append(cc).append(" IS NOT NULL");
            inTarget.append(i == 0 ? "" : " AND ").append("p.").append(pc).append(" = ").append(cc);
            inRestore.append(i == 0 ? "" : " AND ").append("q.").append(pc).append(" = ").append(cc);
        }
        return "SELECT DISTINCT " + cols + " FROM pg_temp." + childRows + " s WHERE TRUE" + notNull
                + " AND NOT EXISTS (SELECT 1 FROM " + RestoreChecks.sqlName(s.catalog(), fk.parent()) + " p WHERE " + inTarget + ")"
                + (parentRows == null ? "" : " AND NOT EXISTS (SELECT 1 FROM pg_temp." + parentRows + " q WHERE " + inRestore + ")");
    }

    private static String describeMissing(Connection c, Selection s, TargetCatalog.ForeignKey fk, String childRows, String parentRows,
                                          long count) throws SQLException {
        List<String> examples = new ArrayList<>();
        String cols = java.util.stream.IntStream.range(0, fk.childColumns().size()).mapToObj(i -> "k" + i + "::text")
                .collect(Collectors.joining(" || ', ' || "));
        Sql.query(c, "SELECT " + cols + " FROM (" + missingKeys(s, fk, childRows, parentRows) + ") m ORDER BY 1 LIMIT 5",
                rs -> examples.add("(" + rs.getString(1) + ")"));
        return count + " missing row(s) of " + fk.parent() + " referred to by " + fk.child() + "."
                + String.join(", ", fk.childColumns()) + " (" + fk.name() + "): " + fk.parentColumns() + " = "
                + String.join(", ", examples) + (count > examples.size() ? ", ..." : "");
    }

    private String apply(Connection c, Selection s, Map<String, TableStaging.Staged> staged, Map<String, String> selections)
            throws SQLException {
        List<String> order = s.order().stream().filter(selections::containsKey).toList();
        Map<String, Long> deleted = new LinkedHashMap<>();
        if (replace) {
            // Children first, so a parent's rows are gone only after the rows that point at them.
            for (int i = order.size() - 1; i >= 0; i--) {
                String n = order.get(i);
                TableStaging.Staged st = staged.get(n);
                TargetCatalog.Table target = st.target();
                String sql;
                if (target.primaryKey().isEmpty()) {
                    sql = "DELETE FROM " + target.sql();
                } else {
                    String match = target.primaryKey().stream().map(k -> "s." + Sql.ident(k) + " = t." + Sql.ident(k))
                            .collect(Collectors.joining(" AND "));
                    sql = "DELETE FROM " + target.sql() + " t WHERE NOT EXISTS (SELECT 1 FROM pg_temp." + st.stage() + " s WHERE " + match + ")";
                }
                deleted.put(n, (long) update(c, sql, n));
            }
        }
        long total = 0;
        for (String n : order) {
            TableStaging.Staged st = staged.get(n);
            TargetCatalog.Table target = st.target();
            String cols = st.columnList();
            String sel = selections.get(n);
            boolean identity = target.columns().stream().anyMatch(TargetCatalog.Column::identity);
            String insert = "INSERT INTO " + target.sql() + " (" + cols + ")" + (identity ? " OVERRIDING SYSTEM VALUE" : "")
                    + " SELECT " + cols + " FROM pg_temp." + sel;
            long selected = Long.parseLong(Sql.value(c, "SELECT count(*) FROM pg_temp." + sel));
            long written;
            if (replace && !target.primaryKey().isEmpty()) {
                List<String> rest = st.data().columns().stream().filter(col -> !target.primaryKey().contains(col)).toList();
                String conflict = " ON CONFLICT (" + target.primaryKey().stream().map(Sql::ident).collect(Collectors.joining(", ")) + ") DO "
                        + (rest.isEmpty() ? "NOTHING" : "UPDATE SET " + rest.stream().map(col -> Sql.ident(col) + " = EXCLUDED." + Sql.ident(col))
                        .collect(Collectors.joining(", ")));
                written = update(c, insert + conflict, n);
                if (rest.isEmpty()) {
                    written = selected; // DO NOTHING on an all-key table counts only new rows; the others are already equal
                }
            } else if (replace) {
                written = update(c, insert, n);
            } else {
                written = update(c, insert + " ON CONFLICT DO NOTHING", n);
            }
            long skipped = replace ? 0 : selected - written;
            steps.table(new RestoreReport.TableResult(n, selected, written, skipped, deleted.getOrDefault(n, 0L)));
            total += written;
        }
        return order.size() + " table(s), " + total + " row(s) written"
                + (replace ? ", " + deleted.values().stream().mapToLong(Long::longValue).sum() + " deleted" : "");
    }

    private static int update(Connection c, String sql, String table) throws SQLException {
        try (Statement st = c.createStatement()) {
            return st.executeUpdate(sql);
        } catch (SQLException e) {
            throw new SQLException("writing table " + table + ": " + Failures.describe(e), e.getSQLState(), e);
        }
    }

    private String advanceSequences(Connection c, Selection s) throws SQLException {
        int n = 0;
        for (TargetCatalog.OwnedSequence seq : s.catalog().ownedSequences) {
            if (!s.order().contains(seq.table())) {
                continue;
            }
            String max = Sql.value(c, "SELECT max(" + Sql.ident(seq.column()) + ")::bigint FROM " + RestoreChecks.sqlName(s.catalog(), seq.table()));
            if (max == null) {
                continue;
            }
            String moved = Sql.value(c, "SELECT pg_catalog.setval(" + Sql.literal(seq.sequence()) + ", " + max + ") FROM "
                    + seq.sequence() + " WHERE NOT is_called AND last_value <= " + max + " OR is_called AND last_value < " + max);
            if (moved != null) {
                n++;
            }
        }
        return n + " sequence(s) advanced";
    }

    private static Map<String, Long> expectedCounts(Selection s, Map<String, TableStaging.Staged> staged) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (TableStaging.Staged st : staged.values()) {
            m.put(st.data().qualifiedName(), st.rows());
        }
        return m;
    }

    private static Map<String, String> sqlNames(Selection s) {
        Map<String, String> m = new LinkedHashMap<>();
        s.catalog().tables.forEach((k, v) -> m.put(k, v.sql()));
        return m;
    }
}
