package io.wlj.backup.cli;

import io.wlj.backup.BackupException;
import io.wlj.backup.crypto.OpenPgpSecretKey;
import io.wlj.backup.crypto.PassphraseSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where secrets come from. A passphrase is never a command-line value (it would show in `ps`
 * and shell history): it is read from an environment variable or a file, and
 * {@code WLJ_BACKUP_PASSPHRASE} is used when no option names one.
 */
final class KeyOptions {
    static final String DEFAULT_VARIABLE = "WLJ_BACKUP_PASSPHRASE";

    @Option(names = "--passphrase-env", paramLabel = "NAME",
            description = "Read the passphrase from environment variable NAME (default: WLJ_BACKUP_PASSPHRASE when set).")
    String passphraseEnv;

    @Option(names = "--passphrase-file", paramLabel = "FILE", description = "Read the passphrase from FILE (keep it mode 0600).")
    Path passphraseFile;

    @Option(names = "--secret-key", paramLabel = "FILE",
            description = "Secret key file for reading a public-key repository (repeatable); a protected key is unlocked with the passphrase options.")
    List<Path> secretKeys = new ArrayList<>();

    @Option(names = "--signing-key", paramLabel = "FILE", description = "Secret key that signs manifests (public-key repositories that require signatures).")
    Path signingKey;

    /** The passphrase source the options name, or WLJ_BACKUP_PASSPHRASE when it is set. */
    Optional<PassphraseSource> passphrase() {
        if (passphraseEnv != null && passphraseFile != null) {
            throw BackupException.badInput("Give the passphrase one way: --passphrase-env or --passphrase-file, not both.");
        }
        if (passphraseEnv != null) {
            return Optional.of(PassphraseSource.env(passphraseEnv));
        }
        if (passphraseFile != null) {
            return Optional.of(PassphraseSource.file(passphraseFile));
        }
        String fallback = System.getenv(DEFAULT_VARIABLE);
        return fallback != null && !fallback.isEmpty() ? Optional.of(PassphraseSource.env(DEFAULT_VARIABLE)) : Optional.empty();
    }

    /** True when an option named a passphrase explicitly (the environment fallback does not count). */
    boolean passphraseNamed() {
        return passphraseEnv != null || passphraseFile != null;
    }

    List<OpenPgpSecretKey> readSecretKeys() {
        List<OpenPgpSecretKey> keys = new ArrayList<>();
        for (Path p : secretKeys) {
            keys.addAll(OpenPgpSecretKey.readAll(p));
        }
        return keys;
    }
}
