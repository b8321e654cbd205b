package io.wlj.backup.cli;

import io.wlj.backup.BackupException;
import io.wlj.backup.internal.Json;
import io.wlj.backup.repository.FileSystemRepository;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "init", description = "Create a new, empty repository.")
final class InitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RepositoryOption repository;
    @Mixin
    OutputOptions output;

    @Option(names = "--no-encryption", description = "Store backups unencrypted (encryption arrives with the crypto module; "
            + "then init will require choosing one or this flag).")
    boolean noEncryption;

    @Override
    public Integer call() throws Exception {
        if (!noEncryption) {
            // Until the crypto module lands, the only mode is plaintext; say so instead of choosing silently.
            throw BackupException.badInput("Choose how backups are protected: encryption is not available in this version yet, "
                    + "so pass --no-encryption to create an unencrypted repository.");
        }
        FileSystemRepository repo = FileSystemRepository.init(repository.repo);
        if (output.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("repository", repo.root().toString());
            out.put("repositoryId", repo.config().repositoryId());
            out.put("encryption", repo.config().encryption());
            spec.commandLine().getOut().println(Json.PRETTY.writeValueAsString(out));
        } else {
            spec.commandLine().getOut().println("Initialised an unencrypted repository at " + repo.root() + ".");
        }
        return WljBackup.OK;
    }
}
