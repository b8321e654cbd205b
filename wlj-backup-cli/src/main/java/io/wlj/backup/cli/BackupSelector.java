package io.wlj.backup.cli;

import io.wlj.backup.BackupId;
import io.wlj.backup.BackupSystem;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ID} or {@code --latest}, exactly one. */
final class BackupSelector {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "Backup id.")
    String id;

    @Option(names = "--latest", description = "The newest sealed backup.")
    boolean latest;

    BackupId resolve(BackupSystem backups) {
        if (id != null && latest) {
            throw io.wlj.backup.BackupException.badInput("Give either a backup id or --latest, not both.");
        }
        if (id == null && !latest) {
            throw io.wlj.backup.BackupException.badInput("Name a backup: give its id, or --latest.");
        }
        return latest ? backups.requireLatest() : BackupId.parse(id);
    }
}
