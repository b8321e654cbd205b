package io.wlj.backup.cli;

import io.wlj.backup.audit.AuditEntry;
import io.wlj.backup.audit.JournalCheck;
import io.wlj.backup.internal.Json;
import io.wlj.backup.repository.FileSystemRepository;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "journal", description = "Print the audit journal and check its hash chain (exit 3 if it was altered).")
final class JournalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RepositoryOption repository;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws Exception {
        FileSystemRepository repo = repository.open();
        JournalCheck check = repo.journal().verify();
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            out.println(Json.PRETTY.writeValueAsString(java.util.Map.of("intact", check.intact(), "lines", check.lines(),
                    "firstBrokenLine", check.firstBrokenLine().isPresent() ? check.firstBrokenLine().getAsLong() : 0,
                    "problem", check.problem())));
        } else {
            if (check.intact()) {
                List<AuditEntry> entries = repo.journal().entries();
                for (AuditEntry e : entries) {
                    out.printf("%s  %-8s %-8s %s@%s  %s%n", e.start().toString().replaceFirst("\\.\\d+Z$", "Z"), e.operation(),
                            e.outcome(), e.user(), e.host(), e.details());
                }
                out.println("Journal intact: " + check.lines() + " line(s), hash chain unbroken.");
            }
        }
        if (!check.intact()) {
            spec.commandLine().getErr().println("error: the audit journal was altered: " + check.problem() + ".");
            return WljBackup.CHECK_FAILED;
        }
        return WljBackup.OK;
    }
}
