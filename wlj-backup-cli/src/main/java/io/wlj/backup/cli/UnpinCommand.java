package io.wlj.backup.cli;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "unpin", description = "Remove a backup's pin; the retention policy decides about it again. Needs no key.")
final class UnpinCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RepositoryOption repository;
    @Parameters(index = "0", paramLabel = "ID", description = "Backup id.")
    String id;

    @Override
    public Integer call() {
        BackupId backup = BackupId.parse(id);
        if (!repository.system().unpin(backup)) {
            throw BackupException.badInput("Backup " + backup + " is not pinned; nothing was changed.");
        }
        spec.commandLine().getOut().println("Unpinned " + backup + ".");
        return WljBackup.OK;
    }
}
