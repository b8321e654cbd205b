package io.wlj.backup.cli;

import io.wlj.backup.BackupResult;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.Compression;
import io.wlj.backup.Gates;
import io.wlj.backup.Stage;
import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.internal.Json;
import io.wlj.backup.repository.StoredArtifact;
import java.io.PrintWriter;
import java.nio.file.Path;
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

@Command(name = "backup", description = "Back up directories into the repository.")
final class BackupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RepositoryOption repository;
    @Mixin
    OutputOptions output;

    @Option(names = "--files", required = true, paramLabel = "DIR", description = "A directory to back up (repeatable).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "files", description = "Source name recorded in the manifest (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--include", paramLabel = "GLOB", description = "Store only files matching this glob (repeatable), e.g. 'data/**/*.json'.")
    List<String> includes = new ArrayList<>();

    @Option(names = "--exclude", paramLabel = "GLOB", description = "Skip paths matching this glob (repeatable), e.g. '**/*.tmp'.")
    List<String> excludes = new ArrayList<>();

    @Option(names = "--compression", paramLabel = "CODEC", defaultValue = "zstd:3",
            description = "zstd, zstd:LEVEL, gzip, gzip:LEVEL or none (default: ${DEFAULT-VALUE}).")
    String compression;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label recorded in the manifest (repeatable).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        FileTreeSource.Builder source = FileTreeSource.builder(name);
        files.forEach(source::root);
        source.include(includes.toArray(String[]::new)).exclude(excludes.toArray(String[]::new));
        BackupSystem backups = repository.builder(true)
                .source(source.build())
                .compression(Compression.parse(compression))
                .gates(Stage.AFTER_BACKUP, Gates.checksums())
                .build();
        PrintWriter out = spec.commandLine().getOut();
        BackupResult result = backups.backup(labels, output.progress(spec.commandLine().getErr()));
        if (output.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", result.id().value());
            json.put("createdAt", result.manifest().header().createdAt());
            json.put("completedAt", result.manifest().header().completedAt());
            json.put("plainBytes", result.plainBytes());
            json.put("storedBytes", result.storedBytes());
            json.put("artifacts", result.manifest().header().artifacts());
            json.put("warnings", result.warnings());
            json.put("durationMillis", result.duration().toMillis());
            out.println(Json.PRETTY.writeValueAsString(json));
        } else {
            out.printf("Backup %s sealed: %s read, %s stored in %d file(s), %.1f s.%n", result.id(), Sizes.human(result.plainBytes()),
                    Sizes.human(result.storedBytes()), result.manifest().header().artifacts().size(), result.duration().toMillis() / 1000.0);
            for (StoredArtifact a : result.manifest().header().artifacts()) {
                out.printf("  %-40s %10s  sha256 %s%n", a.file(), Sizes.human(a.storedSize()), a.storedSha256());
            }
            for (String w : result.warnings()) {
                out.println("  warning: " + w);
            }
        }
        return WljBackup.OK;
    }

}
