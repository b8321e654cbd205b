package io.wlj.backup.crypto;

import io.wlj.backup.BackupException;
import io.wlj.backup.spi.ManifestSigner;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * OpenPGP for the backup pipeline: encryption stages that turn every stored artifact into a
 * standard {@code .gpg} message, and manifest signers.
 *
 * <pre>{@code
 * BackupSystem.configure()
 *     .repository(repo)
 *     .stage(OpenPgp.passphrase(PassphraseSource.env("WLJ_BACKUP_PASSPHRASE")))
 *     .signer(OpenPgp.passphraseSigner(passphrase, repo.config().signingKey()))
 * }</pre>
 */
public final class OpenPgp {
    /** The codec id recorded in manifests for OpenPGP-encrypted artifacts. */
    public static final String CODEC_ID = "openpgp";
    private static final String MAC_PREFIX = "passphrase-hmac-sha256:";

    private OpenPgp() {
    }

    /** Symmetric encryption with a passphrase (SKESK v4, iterated+salted SHA-256 S2K, AES-256, MDC). */
    public static OpenPgpStage passphrase(PassphraseSource passphrase) {
        return passphrase(passphrase, OpenPgpEncryptor.DEFAULT_S2K_COUNT);
    }

    /** As {@link #passphrase(PassphraseSource)} with another encoded S2K count (tests use low ones). */
    public static OpenPgpStage passphrase(PassphraseSource passphrase, int s2kCount) {
        Objects.requireNonNull(passphrase, "passphrase");
        return new OpenPgpStage(passphrase, List.of(), List.of(), null, s2kCount, null);
    }

    /** Encryption to public keys: a server can write backups it cannot read. */
    public static OpenPgpStage recipients(List<OpenPgpPublicKey> recipients) {
        if (recipients == null || recipients.isEmpty()) {
            throw BackupException.badInput("Public-key encryption needs at least one recipient key.");
        }
        return new OpenPgpStage(null, List.copyOf(recipients), List.of(), null, OpenPgpEncryptor.DEFAULT_S2K_COUNT, null);
    }

    /** Decryption with secret keys (optionally protected by {@code keyPassphrase}, which may be null). */
    public static OpenPgpStage secretKeys(List<OpenPgpSecretKey> keys, PassphraseSource keyPassphrase) {
        if (keys == null || keys.isEmpty()) {
            throw BackupException.badInput("Decrypting a public-key repository needs its secret key (--secret-key FILE).");
        }
        return new OpenPgpStage(null, keys.stream().map(OpenPgpSecretKey::publicKey).toList(), List.copyOf(keys), keyPassphrase,
                OpenPgpEncryptor.DEFAULT_S2K_COUNT, null);
    }

    /** A fresh key id for {@link #passphraseSigner}: names a random salt, never a secret. */
    public static String newPassphraseSignerId() {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return MAC_PREFIX + HexFormat.of().formatHex(salt) + ":" + OpenPgpEncryptor.DEFAULT_S2K_COUNT;
    }

    /**
     * Signs manifests with an HMAC-SHA-256 whose key is derived from the passphrase (iterated S2K
     * with the salt named in {@code keyId}, then separated from the encryption key by hashing
     * with a label), for repositories that have no signing key pair.
     */
    public static ManifestSigner passphraseSigner(PassphraseSource passphrase, String keyId) {
        if (keyId == null || !keyId.startsWith(MAC_PREFIX)) {
            throw BackupException.badInput("'" + keyId + "' is not a passphrase signing key id.");
        }
        String[] parts = keyId.substring(MAC_PREFIX.length()).split(":");
        return new PassphraseManifestMac(keyId, passphrase, HexFormat.of().parseHex(parts[0]), Integer.parseInt(parts[1]));
    }

    /** Signs manifests with a detached OpenPGP signature that {@code gpg --verify} accepts. */
    public static ManifestSigner keySigner(OpenPgpSecretKey key, PassphraseSource keyPassphrase) {
        return new KeyManifestSigner(key.publicKey(), OpenPgpSigner.of(key, keyPassphrase));
    }

    /** Checks manifest signatures with a public key; it cannot sign. */
    public static ManifestSigner keyVerifier(OpenPgpPublicKey key) {
        return new KeyManifestSigner(key, null);
    }
}
