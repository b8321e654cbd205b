package io.wlj.backup.cli;

import io.wlj.backup.BackupException;
import io.wlj.backup.crypto.OpenPgp;
import io.wlj.backup.crypto.OpenPgpPublicKey;
import io.wlj.backup.crypto.OpenPgpSecretKey;
import io.wlj.backup.crypto.OpenPgpStage;
import io.wlj.backup.crypto.PassphraseSource;
import io.wlj.backup.internal.Json;
import io.wlj.backup.repository.FileSystemRepository;
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

@Command(name = "init", description = {"Create a new, empty repository. Choose its protection: a passphrase, recipient public keys,",
        "or explicitly none. Passphrase repositories also sign every manifest with a key derived from the passphrase."})
final class InitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    OutputOptions output;

    @Option(names = "--repo", required = true, paramLabel = "DIR", description = "Repository directory (absent or empty).")
    Path repo;

    @Option(names = "--passphrase-env", paramLabel = "NAME", description = "Encrypt with the passphrase in environment variable NAME.")
    String passphraseEnv;

    @Option(names = "--passphrase-file", paramLabel = "FILE", description = "Encrypt with the passphrase in FILE.")
    Path passphraseFile;

    @Option(names = "--recipient", paramLabel = "KEYFILE", description = "Encrypt to the public key(s) in KEYFILE (repeatable): write-only backups.")
    List<Path> recipients = new ArrayList<>();

    @Option(names = "--signing-key", paramLabel = "FILE", description = "With --recipient: require manifests signed by this secret key "
            + "(its passphrase from WLJ_BACKUP_PASSPHRASE when protected).")
    Path signingKey;

    @Option(names = "--no-encryption", description = "Store backups unencrypted.")
    boolean noEncryption;

    @Override
    public Integer call() throws Exception {
        int choices = (passphraseEnv != null ? 1 : 0) + (passphraseFile != null ? 1 : 0) + (recipients.isEmpty() ? 0 : 1) + (noEncryption ? 1 : 0);
        if (choices != 1) {
            throw BackupException.badInput("Choose exactly one protection: --passphrase-env NAME, --passphrase-file FILE, "
                    + "--recipient KEYFILE... or --no-encryption.");
        }
        if (signingKey != null && recipients.isEmpty()) {
            throw BackupException.badInput("--signing-key goes with --recipient; passphrase repositories sign with the passphrase.");
        }
        FileSystemRepository.Builder builder = FileSystemRepository.builder(repo);
        String description;
        if (noEncryption) {
            description = "an unencrypted repository";
        } else if (recipients.isEmpty()) {
            PassphraseSource passphrase = passphraseEnv != null ? PassphraseSource.env(passphraseEnv) : PassphraseSource.file(passphraseFile);
            builder.protectedBy(OpenPgp.passphrase(passphrase)).requireSignaturesBy(OpenPgp.newPassphraseSignerId());
            description = "a passphrase-encrypted repository (passphrase from " + passphrase.describe() + ")";
        } else {
            List<OpenPgpPublicKey> keys = new ArrayList<>();
            for (Path p : recipients) {
                keys.addAll(OpenPgpPublicKey.readAll(p));
            }
            OpenPgpStage stage = OpenPgp.recipients(keys);
            builder.protectedBy(stage).recipientKeys(keys.stream().map(OpenPgpPublicKey::armored).toList());
            description = "a repository encrypted to " + keys.stream().map(OpenPgpPublicKey::fingerprint).toList();
            if (signingKey != null) {
                OpenPgpPublicKey signer = OpenPgpSecretKey.read(signingKey).publicKey();
                builder.requireSignaturesBy(signer.fingerprint()).signingPublicKey(signer.armored());
                description += ", manifests signed by " + signer.fingerprint();
            }
        }
        FileSystemRepository created = builder.init();
        if (output.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("repository", created.root().toString());
            out.put("repositoryId", created.config().repositoryId());
            out.put("encryption", created.config().encryption());
            out.put("keyFingerprints", created.config().keyFingerprints());
            out.put("signingKey", created.config().signingKey());
            spec.commandLine().getOut().println(Json.PRETTY.writeValueAsString(out));
        } else {
            spec.commandLine().getOut().println("Initialised " + description + " at " + created.root() + ".");
        }
        return WljBackup.OK;
    }
}
