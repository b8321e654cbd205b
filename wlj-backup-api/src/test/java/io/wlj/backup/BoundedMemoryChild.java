package io.wlj.backup;

import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.repository.FileSystemRepository;
import java.nio.file.Path;

/** Backs up, verifies and restores a directory inside a child JVM started with a small heap. */
public final class BoundedMemoryChild {
    public static void main(String[] args) {
        BackupSystem backups = BackupSystem.configure()
                .repository(FileSystemRepository.initOrOpen(Path.of(args[0])))
                .source(FileTreeSource.of("big", Path.of(args[1])))
                .gates(Stage.AFTER_BACKUP, Gates.checksums())
                .build();
        BackupResult result = backups.backup();
        if (!backups.verify(result.id(), true, ProgressMonitor.NONE).passed()) {
            throw new IllegalStateException("verify failed");
        }
        backups.restore(result.id()).toDirectory(Path.of(args[2])).plan().execute();
        System.out.println("OK " + result.plainBytes() + " " + Runtime.getRuntime().maxMemory());
    }
}
