package io.wlj.backup.cli;

import io.wlj.backup.BackupSystem;
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

@Command(name = "restore", description = {"Restore a backup's directories into a target directory.",
        "Each stored directory R becomes DIR/R. Data is staged and checked before it is moved into place."})
final class RestoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RepositoryOption repository;
    @Mixin
    BackupSelector selector;
    @Mixin
    OutputOptions output;

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "Target directory.")
    Path to;

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
        BackupSystem backups = repository.builder(true).build();
        RestorePlan plan = backups.restore(selector.resolve(backups)).toDirectory(to).replaceExisting(replace)
                .sources(sources.toArray(String[]::new)).progress(output.progress(spec.commandLine().getErr())).plan();
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
            out.println("Restored backup " + report.backupId() + " into " + to.toAbsolutePath().normalize() + " in "
                    + report.duration().toMillis() + " ms:");
            for (RestoreReport.Step s : report.steps()) {
                out.println("  " + s.name() + ": " + s.detail());
            }
            report.warnings().forEach(w -> out.println("  warning: " + w));
        }
        return WljBackup.OK;
    }
}
