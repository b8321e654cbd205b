package io.wlj.backup.cli;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupResult;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.Compression;
import io.wlj.backup.Gates;
import io.wlj.backup.Stage;
import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.internal.Json;
import io.wlj.backup.postgres.Engine;
import io.wlj.backup.postgres.PostgresSource;
import io.wlj.backup.postgres.Scope;
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

@Command(name = "backup", description = {"Back up a PostgreSQL database and/or directories into the repository.",
        "--db takes a consistent logical backup (engine jdbc: no client binaries; engine pg_dump: its custom archive).",
        "--keep-* rules, if given, are applied as by 'prune --yes' once the backup is sealed, never after a failed one."})
final class BackupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RepositoryOption repository;
    @Mixin
    OutputOptions output;
    @Mixin
    GateOptions gates;
    @Mixin
    KeepOptions keep;

    @Option(names = "--files", paramLabel = "DIR", description = "A directory to back up (repeatable).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "files", description = "Source name of the directories in the manifest (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--db", paramLabel = "JDBC_URL", description = "A PostgreSQL database to back up: jdbc:postgresql://HOST[:PORT]/DB.")
    String db;

    @Mixin
    DatabaseLogin login;

    @Option(names = "--db-name", paramLabel = "NAME", defaultValue = "postgres", description = "Source name of the database in the manifest (default: ${DEFAULT-VALUE}).")
    String dbName;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "jdbc", description = "jdbc (default) or pg_dump.")
    String engine;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "2", description = "Connections reading tables at once (default: ${DEFAULT-VALUE}).")
    int jobs;

    @Option(names = "--schema-only", description = "Only the schema.")
    boolean schemaOnly;

    @Option(names = "--data-only", description = "Only table data, sequence values and large objects.")
    boolean dataOnly;

    @Option(names = "--include-table", paramLabel = "PATTERN", description = "Only tables matching [SCHEMA.]TABLE, * and ? wildcards (repeatable).")
    List<String> includeTables = new ArrayList<>();

    @Option(names = "--exclude-table", paramLabel = "PATTERN", description = "Leave out tables matching [SCHEMA.]TABLE (repeatable).")
    List<String> excludeTables = new ArrayList<>();

    @Option(names = "--include-schema", paramLabel = "PATTERN", description = "Only schemas matching PATTERN (repeatable).")
    List<String> includeSchemas = new ArrayList<>();

    @Option(names = "--exclude-schema", paramLabel = "PATTERN", description = "Leave out schemas matching PATTERN (repeatable).")
    List<String> excludeSchemas = new ArrayList<>();

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
        if (files.isEmpty() && db == null) {
            throw BackupException.badInput("Nothing to back up: give --db JDBC_URL and/or --files DIR.");
        }
        BackupSystem.Builder builder = repository.builder(true);
        if (db != null) {
            builder.source(postgres());
        } else if (schemaOnly || dataOnly || !includeTables.isEmpty() || !excludeTables.isEmpty()) {
            throw BackupException.badInput("--schema-only, --data-only and table patterns apply to --db, which is not given.");
        }
        if (!files.isEmpty()) {
            FileTreeSource.Builder source = FileTreeSource.builder(name);
            files.forEach(source::root);
            source.include(includes.toArray(String[]::new)).exclude(excludes.toArray(String[]::new));
            builder.source(source.build());
        }
        gates.apply(builder, GateOptions.Context.BACKUP, db == null ? null : login.database(db));
        keep.policy().ifPresent(builder::retention); // applied after the backup is sealed, never after a failed one
        BackupSystem backups = builder
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
            json.put("gates", result.gates());
            json.put("warnings", result.warnings());
            json.put("durationMillis", result.duration().toMillis());
            result.retention().ifPresent(r -> json.put("retention", PruneCommand.json(r)));
            out.println(Json.PRETTY.writeValueAsString(json));
        } else {
            out.printf("Backup %s sealed: %s read, %s stored in %d file(s), %.1f s.%n", result.id(), Sizes.human(result.plainBytes()),
                    Sizes.human(result.storedBytes()), result.manifest().header().artifacts().size(), result.duration().toMillis() / 1000.0);
            for (StoredArtifact a : result.manifest().header().artifacts()) {
                out.printf("  %-40s %10s  sha256 %s%n", a.file(), Sizes.human(a.storedSize()), a.storedSha256());
            }
            for (io.wlj.backup.GateResult g : result.gates()) {
                out.println("  gate " + g.gate() + ": " + g.status() + " - " + g.evidence());
            }
            for (String w : result.warnings()) {
                out.println("  warning: " + w);
            }
            result.retention().ifPresent(r -> out.println("Retention (" + r.policy() + "): " + r.keep().size() + " kept, "
                    + r.forget().size() + " forgotten" + (r.forget().isEmpty() ? "" : " " + r.forget().stream().map(e -> e.id().value()).toList())
                    + ", " + r.garbage().size() + " leftover(s) removed."));
        }
        return WljBackup.OK;
    }

    private PostgresSource postgres() {
        if (schemaOnly && dataOnly) {
            throw BackupException.badInput("--schema-only and --data-only exclude each other; give at most one.");
        }
        Engine e = switch (engine) {
            case "jdbc" -> Engine.JDBC;
            case "pg_dump" -> Engine.PG_DUMP;
            default -> throw BackupException.badInput("--engine must be jdbc or pg_dump, not '" + engine + "'.");
        };
        PostgresSource.Builder b = PostgresSource.builder(login.database(db)).name(dbName).engine(e).jobs(jobs)
                .scope(schemaOnly ? Scope.SCHEMA_ONLY : dataOnly ? Scope.DATA_ONLY : Scope.FULL);
        includeTables.forEach(b::includeTable);
        excludeTables.forEach(b::excludeTable);
        includeSchemas.forEach(b::includeSchema);
        excludeSchemas.forEach(b::excludeSchema);
        return b.build();
    }
}
