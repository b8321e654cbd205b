package io.wlj.backup.cli;

import io.wlj.backup.BackupId;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.repository.Pin;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "pin", description = "Pin a backup so that no prune deletes it, whatever the policy. Needs no key.")
final class PinCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RepositoryOption repository;
    @Mixin
    BackupSelector selector;

    @Option(names = "--note", paramLabel = "TEXT", defaultValue = "", description = "Why it is pinned, for whoever reads it later.")
    String note;

    @Override
    public Integer call() {
        BackupSystem backups = repository.system();
        BackupId id = selector.resolve(backups);
        Pin pin = backups.pin(id, note);
        spec.commandLine().getOut().println("Pinned " + pin.backupId() + (pin.note().isEmpty() ? "" : " (" + pin.note() + ")")
                + "; prune keeps it until 'wlj-backup unpin " + pin.backupId() + "'.");
        return WljBackup.OK;
    }
}
