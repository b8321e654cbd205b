package io.wlj.backup.cli;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupId;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.RestoreRequest;
import io.wlj.backup.postgres.SqlScriptTarget;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "export", description = {"Export a database backup as a plain SQL script (the escape hatch: psql alone restores it).",
        "Restore with: psql -X -v ON_ERROR_STOP=1 -d EMPTY_DATABASE -f FILE"})
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RepositoryOption repository;
    @Mixin
    BackupSelector selector;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "sql (the only format so far).")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE (written aside, renamed when complete) instead of standard output.")
    Path output;

    @Option(names = "--source", paramLabel = "NAME", description = "The PostgreSQL source to export, when the backup has several.")
    String source;

    @Override
    public Integer call() throws Exception {
        if (!"sql".equals(format)) {
            throw BackupException.badInput("--format must be sql, not '" + format + "'.");
        }
        BackupSystem backups = repository.builder(true).build();
        BackupId id = selector.resolve(backups);
        if (output == null) {
            OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
            run(backups, id, out);
            out.flush();
            return WljBackup.OK;
        }
        Path absolute = output.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            throw BackupException.badInput(absolute + " already exists; choose another file or remove it first.");
        }
        Path partial = absolute.resolveSibling("." + absolute.getFileName() + ".partial");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
            run(backups, id, out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, absolute, StandardCopyOption.ATOMIC_MOVE);
        PrintWriter err = spec.commandLine().getErr();
        err.println("Exported backup " + id + " to " + absolute + " (" + Sizes.human(Files.size(absolute)) + ").");
        return WljBackup.OK;
    }

    private void run(BackupSystem backups, BackupId id, OutputStream out) {
        SqlScriptTarget target = SqlScriptTarget.to(out);
        RestoreRequest request = backups.restore(id).to(source == null ? target : target.source(source));
        request.plan().execute();
    }
}
