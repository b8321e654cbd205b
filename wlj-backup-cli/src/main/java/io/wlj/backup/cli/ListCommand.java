package io.wlj.backup.cli;

import io.wlj.backup.BackupSystem;
import io.wlj.backup.internal.Json;
import io.wlj.backup.repository.Leftover;
import io.wlj.backup.repository.ManifestHeader;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "list", description = "List sealed backups, oldest first. Needs no key.")
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RepositoryOption repository;
    @Mixin
    OutputOptions output;

    @Override
    public Integer call() throws Exception {
        BackupSystem backups = repository.system();
        List<ManifestHeader> all = backups.list();
        List<Leftover> leftovers = backups.leftovers();
        java.util.Set<io.wlj.backup.BackupId> pinned = new java.util.HashSet<>();
        backups.pins().forEach(p -> pinned.add(p.backupId()));
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (ManifestHeader h : all) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", h.id().value());
                row.put("createdAt", h.createdAt());
                row.put("completedAt", h.completedAt());
                row.put("status", h.status());
                row.put("kind", h.kind());
                row.put("storedBytes", h.storedBytes());
                row.put("artifacts", h.artifacts().size());
                row.put("labels", h.labels());
                row.put("pinned", pinned.contains(h.id()));
                rows.add(row);
            }
            out.println(Json.PRETTY.writeValueAsString(rows));
        } else {
            if (all.isEmpty()) {
                out.println("No sealed backups in " + backups.repository().location() + ".");
            } else {
                out.printf("%-24s %-24s %10s %6s  %s%n", "ID", "CREATED (UTC)", "STORED", "FILES", "LABELS");
                for (ManifestHeader h : all) {
                    out.printf("%-24s %-24s %10s %6d  %s%n", h.id(), h.createdAt().toString().replaceFirst("\\.\\d+Z$", "Z"),
                            Sizes.human(h.storedBytes()), h.artifacts().size(),
                            (pinned.contains(h.id()) ? "[pinned] " : "") + (h.labels().isEmpty() ? "" : h.labels()));
                }
            }
        }
        if (!leftovers.isEmpty()) {
            spec.commandLine().getErr().println("note: " + leftovers.size() + " leftover(s) of interrupted operations (not backups; "
                    + "prune removes them): " + leftovers.stream().map(Leftover::path).toList());
        }
        return WljBackup.OK;
    }
}
