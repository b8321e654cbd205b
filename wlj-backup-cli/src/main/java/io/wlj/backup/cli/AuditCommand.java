package io.wlj.backup.cli;

import io.wlj.backup.audit.JournalCheck;
import io.wlj.backup.internal.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "audit", description = "The repository's audit journal (print it with 'journal').",
        subcommands = {AuditCommand.Verify.class})
final class AuditCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Name what to do with the audit journal: verify.");
    }

    @Command(name = "verify", description = "Check the audit journal's hash chain: exit 0 when intact, else 3 with the first broken line.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        RepositoryOption repository;
        @Mixin
        OutputOptions output;

        @Override
        public Integer call() throws Exception {
            JournalCheck check = repository.open().journal().verify();
            PrintWriter out = spec.commandLine().getOut();
            if (output.json) {
                out.println(Json.PRETTY.writeValueAsString(java.util.Map.of("intact", check.intact(), "lines", check.lines(),
                        "firstBrokenLine", check.firstBrokenLine().isPresent() ? check.firstBrokenLine().getAsLong() : 0,
                        "problem", check.problem())));
            } else if (check.intact()) {
                out.println("Audit journal intact: " + check.lines() + " line(s), hash chain unbroken.");
            }
            if (!check.intact()) {
                spec.commandLine().getErr().println("error: the audit journal was altered at line " + check.firstBrokenLine().getAsLong()
                        + ": " + check.problem() + ".");
                return WljBackup.CHECK_FAILED;
            }
            return WljBackup.OK;
        }
    }
}
