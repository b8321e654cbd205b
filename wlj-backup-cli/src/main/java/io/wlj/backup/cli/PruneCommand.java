package io.wlj.backup.cli;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.internal.Durations;
import io.wlj.backup.internal.Json;
import io.wlj.backup.repository.Leftover;
import io.wlj.backup.retention.GroupBy;
import io.wlj.backup.retention.KeepPolicy;
import io.wlj.backup.retention.PruneResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "prune", sortOptions = false,
        description = {"Forget backups a retention policy does not keep, and remove leftovers of interrupted operations.",
            "The rules are ORed, as restic's are, and applied per group. The newest backup of each group, its newest "
                + "verified backup and pinned backups are always kept. Without --yes it prints the plan and deletes nothing. "
                + "Needs no key."})
final class PruneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RepositoryOption repository;
    @Mixin
    OutputOptions output;
    @Mixin
    KeepOptions keep;

    @Option(names = "--group-by", paramLabel = "KEYS", defaultValue = "sources,group",
            description = "Group backups by sources, group and/or label:NAME, comma-separated; '' for one group (default: ${DEFAULT-VALUE}).")
    String groupBy;
    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "24h",
            description = "Remove unsealed backups and temporary files only once this old (default: ${DEFAULT-VALUE}).")
    String grace;
    @Option(names = "--dry-run", description = "Print the plan and delete nothing (exit 0).")
    boolean dryRun;
    @Option(names = "--yes", description = "Confirm: forget the backups the plan lists.")
    boolean yes;

    @Override
    public Integer call() throws Exception {
        if (dryRun && yes) {
            throw BackupException.badInput("Give either --dry-run or --yes, not both.");
        }
        KeepPolicy policy = keep.policy().orElseThrow(() -> BackupException.badInput(
                "Give at least one --keep-* rule; a policy with no rule would keep nothing."));
        BackupSystem backups = repository.system();
        PruneResult result = backups.prune(policy).groupBy(GroupBy.parse(groupBy)).grace(Durations.parse(grace)).dryRun(!yes).call();
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            out.println(Json.PRETTY.writeValueAsString(json(result)));
        } else {
            print(out, result);
        }
        out.flush();
        boolean pending = !result.forget().isEmpty() || !result.garbage().isEmpty();
        if (!yes && !dryRun && pending) {
            spec.commandLine().getErr().println("error: nothing was deleted. Read the plan above, then re-run with --yes to forget "
                    + result.forget().size() + " backup(s) and remove " + result.garbage().size() + " leftover(s), or --dry-run to only print it.");
            return WljBackup.USAGE;
        }
        return WljBackup.OK;
    }

    static Map<String, Object> json(PruneResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dryRun", r.dryRun());
        m.put("policy", r.policy());
        m.put("groupBy", r.grouping());
        m.put("keep", r.keep().stream().map(PruneCommand::entry).toList());
        m.put("forget", r.forget().stream().map(PruneCommand::entry).toList());
        m.put("leftovers", r.garbage().stream().map(l -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("path", l.path());
            x.put("kind", l.kind().name());
            x.put("bytes", l.bytes());
            x.put("lastModified", l.lastModified());
            return x;
        }).toList());
        return m;
    }

    private static Map<String, Object> entry(PruneResult.Entry e) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("id", e.id().value());
        x.put("createdAt", e.createdAt());
        x.put("group", e.group());
        x.put("reasons", e.reasons());
        return x;
    }

    private static void print(PrintWriter out, PruneResult r) {
        out.println("Policy: " + r.policy() + "; grouped by " + r.grouping() + ".");
        Map<String, List<String[]>> groups = new LinkedHashMap<>();
        List<PruneResult.Entry> all = new ArrayList<>(r.keep());
        all.addAll(r.forget());
        all.sort(java.util.Comparator.comparing(PruneResult.Entry::group).thenComparing(PruneResult.Entry::createdAt));
        for (PruneResult.Entry e : all) {
            boolean kept = r.keep().contains(e);
            groups.computeIfAbsent(e.group(), g -> new ArrayList<>()).add(new String[] {e.id().value(),
                e.createdAt().toString().replaceFirst("\\.\\d+Z$", "Z"), kept ? "keep" : "forget", String.join(", ", e.reasons())});
        }
        groups.forEach((g, rows) -> {
            out.println();
            out.println("Group " + g + ":");
            out.printf("  %-24s %-21s %-7s %s%n", "ID", "CREATED (UTC)", "ACTION", "REASONS");
            rows.forEach(row -> out.printf("  %-24s %-21s %-7s %s%n", (Object[]) row));
        });
        if (!r.garbage().isEmpty()) {
            out.println();
            out.println("Leftovers of interrupted operations" + (r.dryRun() ? " to remove" : " removed") + ":");
            for (Leftover l : r.garbage()) {
                out.printf("  %-48s %-20s %10s%n", l.path(), l.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
                        Sizes.human(l.bytes()));
            }
        }
        out.println();
        out.println(r.dryRun()
                ? r.keep().size() + " to keep, " + r.forget().size() + " to forget, " + r.garbage().size() + " leftover(s) to remove."
                : r.keep().size() + " kept, " + r.forget().size() + " forgotten, " + r.garbage().size() + " leftover(s) removed in "
                        + r.duration().toMillis() + " ms.");
    }
}
