package io.wlj.backup.cli;

import io.wlj.backup.postgres.SwapRollback;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "rollback", description = {"Undo the latest 'restore --swap' of a database: the database set aside as NAME_before_TIME "
        + "takes its name back, and the restored one is kept as NAME_rolled_back_TIME. Nothing is dropped.",
        "Without --yes it prints what it would do and does nothing."})
final class RollbackCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--target", required = true, paramLabel = "JDBC_URL", description = "The live database: jdbc:postgresql://HOST[:PORT]/DB.")
    String target;

    @Option(names = "--terminate-sessions", description = "End sessions connected to the live database (default: they stop the rollback).")
    boolean terminateSessions;

    @Option(names = "--dry-run", description = "Print what would be done and touch nothing.")
    boolean dryRun;

    @Option(names = "--yes", description = "Confirm the rollback.")
    boolean yes;

    @Mixin
    DatabaseLogin login;

    @Override
    public Integer call() {
        SwapRollback rollback = SwapRollback.of(login.database(target)).terminateSessions(terminateSessions);
        PrintWriter out = spec.commandLine().getOut();
        String plan = rollback.describe();
        if (dryRun || !yes) {
            out.print(plan);
            if (!dryRun) {
                out.flush();
                spec.commandLine().getErr().println("error: a rollback renames databases; nothing was done. Re-run with --yes to confirm.");
                return WljBackup.USAGE;
            }
            return WljBackup.OK;
        }
        SwapRollback.Result r = rollback.execute();
        out.println("Rolled back the swap of backup " + r.backupId() + ": " + r.live() + " is the database that was set aside as "
                + r.restored() + "; the restored one is kept as " + r.setAside() + ".");
        return WljBackup.OK;
    }
}
