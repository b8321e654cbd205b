package io.wlj.backup.cli;

import io.wlj.backup.BackupSystem;
import io.wlj.backup.repository.FileSystemRepository;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --repo DIR} option every command takes. */
final class RepositoryOption {
    @Option(names = "--repo", required = true, paramLabel = "DIR", description = "Repository directory.")
    Path repo;

    FileSystemRepository open() {
        return FileSystemRepository.at(repo);
    }

    BackupSystem system() {
        return BackupSystem.configure().repository(open()).build();
    }
}
