package io.wlj.backup.cli;

import io.wlj.backup.BackupException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code wlj-backup} command line. Exit codes: 0 success, 1 operation failed, 2 bad usage
 * or bad input, 3 a validation gate or check failed.
 */
@Command(name = "wlj-backup", mixinStandardHelpOptions = true, versionProvider = WljBackup.VersionProvider.class,
        description = "Encrypted, verified, retained backups and planned, reversible restores.",
        subcommands = {InitCommand.class, BackupCommand.class, ListCommand.class, ShowCommand.class, VerifyCommand.class,
                RestoreCommand.class, RollbackCommand.class, PruneCommand.class, PinCommand.class, UnpinCommand.class, ExportCommand.class, JournalCommand.class, AuditCommand.class, StatusCommand.class, KeysCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the operation failed", "2:bad usage or bad input", "3:a validation gate or check failed"})
public final class WljBackup {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int CHECK_FAILED = 3;

    public static void main(String[] args) {
        // An application binds the logger; keep library chatter to warnings on stderr.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("wlj.log.level", "warn"));
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests use it in-process with their own writers. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new WljBackup());
        cl.setExecutionExceptionHandler(WljBackup::handle);
        cl.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("error: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for the options.");
            err.flush();
            return USAGE;
        });
        cl.setExitCodeExceptionMapper(e -> e instanceof BackupException be ? be.code().exitCode()
                : e instanceof CommandLine.ParameterException ? USAGE : FAILED);
        cl.getCommandSpec().usageMessage().sortOptions(false);
        return cl;
    }

    private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof BackupException be) {
            err.println("error: " + be.getMessage());
            err.flush();
            return be.code().exitCode();
        }
        err.println("error: unexpected failure: " + e);
        if (System.getenv("WLJ_DEBUG") != null) {
            e.printStackTrace(err);
        } else {
            err.println("(set WLJ_DEBUG=1 to see the stack trace)");
        }
        err.flush();
        return FAILED;
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"wlj-backup " + io.wlj.backup.Version.current()};
        }
    }
}
