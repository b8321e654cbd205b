package io.wlj.backup.examples;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupResult;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.Compression;
import io.wlj.backup.Gates;
import io.wlj.backup.Stage;
import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.repository.VerificationRecord;
import io.wlj.backup.retention.KeepPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Life-OS playbook's file backup: the JSON {@code data/}, {@code presets/} and
 * {@code configs/} trees of an app directory, backed up with zstd, checked by gates before
 * sealing, then verified; the playbook's "30 backups, auto-cleanup" is a retention policy that
 * runs after each sealed backup. Run: {@code java ... LifeOsDataBackup APP_DIR REPO_DIR}.
 */
public final class LifeOsDataBackup {
    /** How many backups the playbook keeps. */
    public static final int KEEP = 30;

    private LifeOsDataBackup() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: LifeOsDataBackup APP_DIR REPO_DIR");
            System.exit(2);
        }
        try {
            BackupResult result = run(Path.of(args[0]), Path.of(args[1]));
            System.out.println("Backup " + result.id() + " sealed and verified (" + result.storedBytes() + " bytes stored).");
        } catch (BackupException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(e.code().exitCode());
        }
    }

    /** Backs up whichever of data/, presets/ and configs/ exist under {@code app}, then verifies the result. */
    public static BackupResult run(Path app, Path repositoryDir) {
        List<Path> roots = new ArrayList<>();
        for (String name : List.of("data", "presets", "configs")) {
            if (Files.isDirectory(app.resolve(name))) {
                roots.add(app.resolve(name));
            }
        }
        if (roots.isEmpty()) {
            throw BackupException.badInput(app + " has none of data/, presets/ or configs/ to back up.");
        }
        FileTreeSource.Builder source = FileTreeSource.builder("life-os").exclude("**/*.tmp", "**/.DS_Store");
        roots.forEach(source::root);
        BackupSystem backups = BackupSystem.configure()
                .repository(FileSystemRepository.initOrOpen(repositoryDir))
                .source(source.build())
                .compression(Compression.zstd())
                .gates(Stage.AFTER_BACKUP, Gates.checksums(), Gates.minSize(1))
                .retention(KeepPolicy.keep().last(KEEP))
                .build();
        BackupResult result = backups.backup(Map.of("playbook", "life-os"), io.wlj.backup.ProgressMonitor.NONE);
        VerificationRecord check = backups.verify(result.id(), true, io.wlj.backup.ProgressMonitor.NONE);
        if (!check.passed()) {
            throw new BackupException(io.wlj.backup.ErrorCode.INTEGRITY, "The new backup did not verify: " + check.problems());
        }
        return result;
    }
}
