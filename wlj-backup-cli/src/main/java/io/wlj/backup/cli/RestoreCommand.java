package io.wlj.backup.cli;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.RestoreRequest;
import io.wlj.backup.postgres.PostgresTarget;
import io.wlj.backup.RestorePlan;
import io.wlj.backup.RestoreReport;
import io.wlj.backup.internal.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "restore", description = {"Restore a backup into a directory (--to) or into a new PostgreSQL database (--target --create).",
        "Directories: each stored directory R becomes DIR/R; data is staged and checked before it is moved into place.",
        "Database: the database named in the URL is created, loaded and checked; if anything fails it is dropped again."})
final class RestoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RepositoryOption repository;
    @Mixin
    BackupSelector selector;
    @Mixin
    OutputOptions output;

    @Option(names = "--to", paramLabel = "DIR", description = "Target directory.")
    Path to;

    @Option(names = "--target", paramLabel = "JDBC_URL", description = "Target database (created; must not exist): jdbc:postgresql://HOST[:PORT]/NEWDB.")
    String target;

    @Option(names = "--create", description = "Create the --target database (the only database mode so far).")
    boolean create;

    @Mixin
    DatabaseLogin login;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "2", description = "Connections loading data and building indexes (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--source", paramLabel = "NAME", description = "Restore only this source (repeatable).")
    List<String> sources = new ArrayList<>();

    @Option(names = "--replace", description = "Replace existing non-empty directories (they are kept as NAME.before-restore-TIME). Needs --yes.")
    boolean replace;

    @Option(names = "--dry-run", description = "Print the plan and touch nothing.")
    boolean dryRun;

    @Option(names = "--yes", description = "Confirm a destructive restore (--replace).")
    boolean yes;

    @Override
    public Integer call() throws Exception {
        if ((to == null) == (target == null)) {
            throw BackupException.badInput("Give one restore target: --to DIR for directories, or --target JDBC_URL --create for a new database.");
        }
        BackupSystem backups = repository.builder(true).build();
        RestoreRequest request = backups.restore(selector.resolve(backups)).progress(output.progress(spec.commandLine().getErr()));
        if (target != null) {
            if (!create) {
                throw BackupException.badInput("--target restores into a new database; add --create to confirm it is created "
                        + "(replacing an existing database comes with restore plans).");
            }
            if (replace || sources.size() > 1) {
                throw BackupException.badInput("--replace and several --source apply to --to directories, not to --target.");
            }
            PostgresTarget t = PostgresTarget.newDatabase(login.database(target)).jobs(jobs);
            request.to(sources.isEmpty() ? t : t.source(sources.get(0)));
        } else {
            request.toDirectory(to).replaceExisting(replace).sources(sources.toArray(String[]::new));
        }
        RestorePlan plan = request.plan();
        PrintWriter out = spec.commandLine().getOut();
        if (dryRun) {
            out.print(plan.describe());
            return WljBackup.OK;
        }
        if (replace && !yes) {
            out.print(plan.describe());
            spec.commandLine().getErr().println("error: --replace moves existing directories aside; nothing was done. "
                    + "Re-run with --yes to confirm, or --dry-run to only print the plan.");
            return WljBackup.USAGE;
        }
        RestoreReport report = plan.execute();
        if (output.json) {
            out.println(Json.PRETTY.writeValueAsString(report));
        } else {
            out.println("Restored backup " + report.backupId() + " into " + (to != null ? to.toAbsolutePath().normalize()
                    : "database " + login.database(target).databaseName()) + " in "
                    + report.duration().toMillis() + " ms:");
            for (RestoreReport.Step s : report.steps()) {
                out.println("  " + s.name() + ": " + s.detail());
            }
            report.warnings().forEach(w -> out.println("  warning: " + w));
        }
        return WljBackup.OK;
    }
}
