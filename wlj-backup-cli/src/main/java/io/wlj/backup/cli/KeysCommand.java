package io.wlj.backup.cli;

import io.wlj.backup.BackupException;
import io.wlj.backup.crypto.KeyType;
import io.wlj.backup.crypto.OpenPgpPublicKey;
import io.wlj.backup.crypto.OpenPgpSecretKey;
import io.wlj.backup.crypto.PassphraseSource;
import io.wlj.backup.internal.DurableFiles;
import io.wlj.backup.internal.IoHook;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "keys", description = "OpenPGP keys for users without gpg: generate, export, show.",
        subcommands = {KeysCommand.Generate.class, KeysCommand.Export.class, KeysCommand.Show.class})
final class KeysCommand {

    @Command(name = "generate", description = "Generate a v4 key pair that gpg 2.2 reads (Ed25519 signing + Curve25519 encryption by default, or RSA_3072).")
    static final class Generate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--user-id", required = true, paramLabel = "UID", description = "For example 'Backups <ops@example.org>'.")
        String userId;

        @Option(names = "--type", defaultValue = "ED25519_CV25519", paramLabel = "TYPE", description = "One of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
        KeyType type;

        @Option(names = "--secret-out", required = true, paramLabel = "FILE", description = "Where to write the armored secret key (mode 0600).")
        Path secretOut;

        @Option(names = "--public-out", required = true, paramLabel = "FILE", description = "Where to write the armored public key.")
        Path publicOut;

        @Option(names = "--protect-env", paramLabel = "NAME", description = "Protect the secret key with the passphrase in environment variable NAME.")
        String protectEnv;

        @Override
        public Integer call() throws Exception {
            for (Path p : List.of(secretOut, publicOut)) {
                if (Files.exists(p)) {
                    throw BackupException.badInput(p + " already exists; keys are never overwritten.");
                }
            }
            OpenPgpSecretKey key = OpenPgpSecretKey.generate(userId, type, protectEnv == null ? null : PassphraseSource.env(protectEnv));
            DurableFiles files = new DurableFiles(IoHook.NONE);
            files.write(secretOut.toAbsolutePath(), key.armored().getBytes(StandardCharsets.US_ASCII));
            files.write(publicOut.toAbsolutePath(), key.publicKey().armored().getBytes(StandardCharsets.US_ASCII));
            PrintWriter out = spec.commandLine().getOut();
            out.println("Generated " + type + " key " + key.fingerprint() + " for " + userId
                    + (key.isProtected() ? " (secret key protected by a passphrase)" : " (secret key NOT protected: keep the file safe)") + ".");
            out.println("  secret key: " + secretOut + "  (keep it off the backup server for write-only backups)");
            out.println("  public key: " + publicOut + "  (use with: init --recipient " + publicOut + ")");
            return WljBackup.OK;
        }
    }

    @Command(name = "export", description = "Print a key armored: the public key by default, the secret key with --secret.")
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "KEYFILE", description = "A secret or public key file, armored or binary.")
        Path file;

        @Option(names = "--secret", description = "Export the secret key (needs a secret key file).")
        boolean secret;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (secret) {
                out.print(OpenPgpSecretKey.read(file).armored());
            } else {
                out.print(OpenPgpPublicKey.read(file).armored());
            }
            out.flush();
            return WljBackup.OK;
        }
    }

    @Command(name = "show", description = "Show the fingerprints, key ids and user ids of keys in files.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "KEYFILE", description = "Key files, armored or binary.")
        List<Path> files;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (Path f : files) {
                for (OpenPgpPublicKey k : OpenPgpPublicKey.readAll(f)) {
                    out.println(f + ": " + k.fingerprint() + "  key id " + k.keyId() + "  " + k.userIds()
                            + k.encryptionKeyFingerprint().map(e -> "  encrypts with " + e).orElse("")
                            + k.signingKeyFingerprint().map(s -> "  signs with " + s).orElse(""));
                }
            }
            return WljBackup.OK;
        }
    }
}
