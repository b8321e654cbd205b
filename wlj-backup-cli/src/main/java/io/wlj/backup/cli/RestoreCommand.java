package io.wlj.backup.cli;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.RestoreFailedException;
import io.wlj.backup.RestorePlan;
import io.wlj.backup.RestoreReport;
import io.wlj.backup.RestoreRequest;
import io.wlj.backup.internal.Durations;
import io.wlj.backup.internal.Json;
import io.wlj.backup.postgres.PostgresDatabase;
import io.wlj.backup.postgres.PostgresTarget;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "restore", description = {"Restore a backup into a directory (--to) or into PostgreSQL (--target).",
        "Directories: each stored directory R becomes DIR/R; data is staged and checked before it is moved into place.",
        "Database modes (exactly one with --target):",
        "  --create       a new database named in the URL; dropped again if anything fails",
        "  --swap         restore beside the live database, then take its name; the old one is kept as NAME_before_TIME "
                + "(undo with 'rollback')",
        "  --replace      replace the live database's contents in one transaction, after sealing a safety backup",
        "  --tables/--where   replace (or --merge) selected tables, or merge selected rows, in one transaction",
        "  --data-only    load the rows into tables the application's migrations made; existing keys are kept",
        "Every mode except --create changes a live database: without --yes it prints the plan and does nothing."})
final class RestoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RepositoryOption repository;
    @Mixin
    BackupSelector selector;
    @Mixin
    OutputOptions output;
    @Mixin
    GateOptions gates;

    @Option(names = "--to", paramLabel = "DIR", description = "Target directory.")
    Path to;

    @Option(names = "--target", paramLabel = "JDBC_URL", description = "Target database: jdbc:postgresql://HOST[:PORT]/DB.")
    String target;

    @Option(names = "--create", description = "Create the --target database (it must not exist) and restore into it.")
    boolean create;

    @Option(names = "--swap", description = "Restore beside the --target database, then swap names; the old one is kept.")
    boolean swap;

    @Option(names = "--terminate-sessions", description = "With --swap: end sessions connected to the live database (default: they stop the swap).")
    boolean terminateSessions;

    @Option(names = "--tables", paramLabel = "T,...", split = ",", description = "Tables to restore (table, schema.table, * wildcards).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--where", paramLabel = "\"T: PREDICATE\"", description = "Restore only the rows of table T where PREDICATE holds (SQL over the "
            + "backup's columns), merged; repeatable.")
    List<String> where = new ArrayList<>();

    @Option(names = "--merge", description = "Keep the live rows and add the backup's missing ones, instead of replacing the tables.")
    boolean merge;

    @Option(names = "--with-parents", description = "Also restore missing parent rows of the selected rows (default: name them and stop).")
    boolean withParents;

    @Option(names = "--data-only", description = "Load rows into existing tables made by the application's migrations.")
    boolean dataOnly;

    @Mixin
    DatabaseLogin login;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "2", description = "Connections loading data and building indexes (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--lock-timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long to wait for locks held by the live database's sessions (default: ${DEFAULT-VALUE}).")
    String lockTimeout;

    @Option(names = "--source", paramLabel = "NAME", description = "Restore only this source (repeatable for directories).")
    List<String> sources = new ArrayList<>();

    @Option(names = "--replace", description = "Directories: replace existing non-empty ones (kept as NAME.before-restore-TIME). "
            + "Database: replace the live database in place. Needs --yes.")
    boolean replace;

    @Option(names = "--dry-run", description = "Print the plan and touch nothing.")
    boolean dryRun;

    @Option(names = "--yes", description = "Confirm a restore that changes existing data (every mode but --create and new directories).")
    boolean yes;

    @Override
    public Integer call() throws Exception {
        if ((to == null) == (target == null)) {
            throw BackupException.badInput("Give one restore target: --to DIR for directories, or --target JDBC_URL with a mode "
                    + "(--create, --swap, --replace, --tables/--where, --data-only).");
        }
        BackupSystem.Builder configured = repository.builder(true);
        gates.apply(configured, GateOptions.Context.RESTORE, null);
        BackupSystem backups = configured.build();
        RestoreRequest request = backups.restore(selector.resolve(backups)).progress(output.progress(spec.commandLine().getErr()));
        boolean destructive;
        if (target != null) {
            PostgresTarget t = databaseTarget(login.database(target));
            destructive = t.destructive();
            request.to(sources.isEmpty() ? t : t.source(sources.get(0)));
        } else {
            if (create || swap || dataOnly || merge || withParents || terminateSessions || !tables.isEmpty() || !where.isEmpty()) {
                throw BackupException.badInput("--create, --swap, --tables, --where, --merge, --with-parents and --data-only apply to "
                        + "--target databases, not to --to directories.");
            }
            destructive = replace;
            request.toDirectory(to).replaceExisting(replace).sources(sources.toArray(String[]::new));
        }
        RestorePlan plan = request.plan();
        PrintWriter out = spec.commandLine().getOut();
        if (dryRun) {
            out.print(plan.describe());
            return WljBackup.OK;
        }
        if (destructive && !yes) {
            out.print(plan.describe());
            out.flush();
            spec.commandLine().getErr().println("error: this restore changes existing data (" + (target != null
                    ? "database " + login.database(target).databaseName() : "directories under " + to) + "); nothing was done. "
                    + "Read the plan above, then re-run with --yes to confirm, or --dry-run to only print it.");
            return WljBackup.USAGE;
        }
        RestoreReport report;
        try {
            report = plan.execute();
        } catch (RestoreFailedException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("error: " + e.getMessage());
            err.println("  stopped at step: " + (e.stoppedAt().isEmpty() ? "(before the first step)" : e.stoppedAt()));
            e.report().steps().forEach(s -> err.println("  done, then undone: " + s.name() + ": " + s.detail()));
            if (!e.notRun().isEmpty()) {
                err.println("  not run: " + String.join(", ", e.notRun()));
            }
            err.flush();
            return e.code().exitCode();
        }
        if (output.json) {
            out.println(Json.PRETTY.writeValueAsString(json(report)));
        } else {
            out.println("Restored backup " + report.backupId() + " into " + (to != null ? to.toAbsolutePath().normalize()
                    : "database " + login.database(target).databaseName()) + " in " + report.duration().toMillis() + " ms:");
            for (RestoreReport.Step s : report.steps()) {
                out.println("  " + s.name() + " (" + s.duration().toMillis() + " ms): " + s.detail());
            }
            for (RestoreReport.TableResult t : report.tables()) {
                out.println("  table " + t.table() + ": " + t.rows() + " row(s) from the backup, " + t.inserted() + " written"
                        + (t.skipped() > 0 ? ", " + t.skipped() + " skipped (key exists)" : "") + (t.deleted() > 0 ? ", " + t.deleted() + " deleted" : ""));
            }
            report.gates().forEach(g -> out.println("  gate " + g.gate() + ": " + g.status() + " - " + g.evidence()));
            report.safetyBackup().ifPresent(id -> out.println("  safety backup: " + id));
            if (!report.rollback().isEmpty()) {
                out.println("  undo: " + report.rollback());
            }
            report.warnings().forEach(w -> out.println("  warning: " + w));
        }
        return WljBackup.OK;
    }

    private PostgresTarget databaseTarget(PostgresDatabase db) {
        boolean rows = !tables.isEmpty() || !where.isEmpty();
        int modes = (create ? 1 : 0) + (swap ? 1 : 0) + (replace ? 1 : 0) + (dataOnly ? 1 : 0) + (rows && !dataOnly ? 1 : 0);
        if (modes != 1) {
            throw BackupException.badInput("Give exactly one database mode with --target: --create, --swap, --replace, "
                    + "--tables/--where or --data-only" + (modes > 1 ? " (several were given)." : "."));
        }
        if (sources.size() > 1) {
            throw BackupException.badInput("A database restore takes one --source.");
        }
        if (terminateSessions && !swap) {
            throw BackupException.badInput("--terminate-sessions applies to --swap only.");
        }
        if ((merge || withParents) && !rows && !dataOnly) {
            throw BackupException.badInput("--merge and --with-parents apply to --tables, --where and --data-only.");
        }
        PostgresTarget t;
        if (create) {
            t = PostgresTarget.newDatabase(db);
        } else if (swap) {
            t = PostgresTarget.swap(db).terminateSessions(terminateSessions);
        } else if (replace) {
            t = PostgresTarget.replace(db);
        } else if (dataOnly) {
            t = PostgresTarget.dataOnly(db).only(tables.toArray(String[]::new));
        } else {
            t = PostgresTarget.tables(db, tables.toArray(String[]::new));
        }
        for (String w : where) {
            int colon = w.indexOf(':');
            if (colon <= 0 || w.substring(colon + 1).isBlank()) {
                throw BackupException.badInput("--where takes \"TABLE: PREDICATE\", for example \"journal_entry: entry_date = '2025-12-25'\"; "
                        + "'" + w + "' is not of that form.");
            }
            t = t.where(w.substring(0, colon).strip(), w.substring(colon + 1).strip());
        }
        if (merge) {
            t = t.merge();
        }
        if (withParents) {
            t = t.withParents(true);
        }
        return t.jobs(jobs).lockTimeout(Durations.parse(lockTimeout));
    }

    /** The report as JSON: plain values only. */
    private static Map<String, Object> json(RestoreReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backupId", r.backupId().value());
        m.put("durationMillis", r.duration().toMillis());
        m.put("steps", r.steps().stream().map(s -> Map.of("name", s.name(), "detail", s.detail(), "millis", s.duration().toMillis())).toList());
        m.put("tables", r.tables());
        m.put("gates", r.gates());
        m.put("safetyBackup", r.safetyBackup().map(io.wlj.backup.BackupId::value).orElse(null));
        m.put("rollback", r.rollback());
        m.put("warnings", r.warnings());
        return m;
    }
}
