package io.wlj.backup.cli;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.crypto.OpenPgp;
import io.wlj.backup.crypto.OpenPgpPublicKey;
import io.wlj.backup.crypto.OpenPgpSecretKey;
import io.wlj.backup.crypto.OpenPgpStage;
import io.wlj.backup.crypto.PassphraseSource;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.repository.RepositoryConfig;
import io.wlj.backup.spi.Protection;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code --repo DIR} option every command takes, and the keys to open what it holds. */
final class RepositoryOption {
    @Option(names = "--repo", required = true, paramLabel = "DIR", description = "Repository directory.")
    Path repo;

    @Mixin
    KeyOptions keys;

    /** True when a passphrase or secret key is available to decrypt with. */
    boolean hasKeyMaterial() {
        return keys.passphrase().isPresent() || !keys.secretKeys.isEmpty();
    }

    FileSystemRepository open() {
        return FileSystemRepository.at(repo);
    }

    /** A system that can read what needs no key, and decrypt when keys were given. */
    BackupSystem system() {
        return builder(false).build();
    }

    /**
     * A builder configured for the repository's protection.
     *
     * @param needKey true when the command cannot work without decrypting (or, for backups, encrypting)
     */
    BackupSystem.Builder builder(boolean needKey) {
        FileSystemRepository repository = open();
        RepositoryConfig config = repository.config();
        BackupSystem.Builder builder = BackupSystem.configure().repository(repository);
        Optional<PassphraseSource> passphrase = keys.passphrase();
        switch (config.encryption()) {
            case Protection.PASSPHRASE -> {
                if (passphrase.isEmpty()) {
                    if (needKey) {
                        throw BackupException.badInput("The repository at " + repository.root() + " is encrypted with a passphrase; give it with "
                                + "--passphrase-env NAME, --passphrase-file FILE or the WLJ_BACKUP_PASSPHRASE variable.");
                    }
                    return builder;
                }
                builder.stage(OpenPgp.passphrase(passphrase.get()));
                if (config.signaturesRequired()) {
                    builder.signer(OpenPgp.passphraseSigner(passphrase.get(), config.signingKey()));
                }
            }
            case Protection.PUBLIC_KEY -> {
                List<OpenPgpPublicKey> recipients = config.recipientKeys().stream().map(OpenPgpPublicKey::parse).toList();
                OpenPgpStage stage = OpenPgp.recipients(recipients);
                List<OpenPgpSecretKey> secret = keys.readSecretKeys();
                if (!secret.isEmpty()) {
                    stage = stage.withSecretKeys(secret, passphrase.orElse(null));
                }
                builder.stage(stage);
                if (config.signaturesRequired()) {
                    builder.signer(keys.signingKey != null
                            ? OpenPgp.keySigner(OpenPgpSecretKey.read(keys.signingKey), passphrase.orElse(null))
                            : OpenPgp.keyVerifier(OpenPgpPublicKey.parse(config.signingPublicKey())));
                }
            }
            default -> {
                if (keys.passphraseNamed() || !keys.secretKeys.isEmpty()) {
                    throw BackupException.badInput("The repository at " + repository.root() + " is not encrypted; drop the key options.");
                }
            }
        }
        return builder;
    }
}
