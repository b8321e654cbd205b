package io.wlj.backup.crypto;

import io.wlj.backup.BackupException;
import io.wlj.backup.crypto.internal.DecryptingInputStream;
import io.wlj.backup.crypto.internal.PassphraseKeys;
import io.wlj.backup.crypto.internal.SecretKeys;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.openpgp.PGPSecretKeyRing;

/**
 * Decrypts OpenPGP messages with the decryption material it holds: a passphrase, secret keys,
 * or both. Reads what this module writes and what {@code gpg --symmetric} and
 * {@code gpg --encrypt} write with their defaults (compressed or not, armored or binary).
 *
 * <p>Create one per restore and call {@link #decrypt(InputStream)} per artifact: keys derived
 * from the passphrase are cached by S2K salt and count, and unlocked secret keys are kept, so
 * the expensive steps run once. {@link #close()} zeroes the derived keys.
 *
 * <h2>Errors</h2>
 * Reading the returned stream throws {@link DecryptionException} (unchecked), whose
 * {@link DecryptionException#reason() reason} tells the cases apart:
 * <ul>
 *   <li>wrong passphrase: {@code WRONG_PASSPHRASE} (BAD_INPUT), on the first read, found by the
 *       quick check on the encrypted prefix before any plaintext is produced;</li>
 *   <li>no secret key for any recipient: {@code NO_MATCHING_KEY} (BAD_INPUT) with the key ids;</li>
 *   <li>truncated, flipped bytes, bad MDC: {@code TRUNCATED} / {@code CORRUPTED} (INTEGRITY);</li>
 *   <li>not OpenPGP at all: {@code NOT_OPENPGP} (INTEGRITY, since a stored artifact that is not
 *       the message it should be has been damaged or replaced);</li>
 *   <li>no MDC (SED packet): {@code NOT_INTEGRITY_PROTECTED} (INTEGRITY), always refused.</li>
 * </ul>
 * The stream returns -1 only after the MDC matched, so a caller that stages the plaintext and
 * commits on end-of-stream never commits modified or truncated data.
 */
public final class OpenPgpDecryptor implements AutoCloseable {
    private final PassphraseKeys passphraseKeys;
    private final SecretKeys secretKeys;
    private final String description;

    private OpenPgpDecryptor(Builder builder) {
        this.passphraseKeys = builder.passphrase == null ? null : new PassphraseKeys(builder.passphrase);
        List<PGPSecretKeyRing> rings = new ArrayList<>();
        List<String> fingerprints = new ArrayList<>();
        for (OpenPgpSecretKey key : builder.secretKeys) {
            rings.add(key.ring());
            fingerprints.add(key.fingerprint());
        }
        this.secretKeys = rings.isEmpty() ? null : new SecretKeys(rings, builder.secretKeyPassphrase);
        StringBuilder d = new StringBuilder();
        if (builder.passphrase != null) {
            d.append("passphrase from ").append(builder.passphrase.describe());
        }
        if (!fingerprints.isEmpty()) {
            d.append(d.length() == 0 ? "" : "; ").append("secret keys ").append(String.join(", ", fingerprints));
        }
        this.description = d.toString();
    }

    /** A decryptor for passphrase-encrypted messages. */
    public static OpenPgpDecryptor withPassphrase(PassphraseSource passphrase) {
        return builder().passphrase(passphrase).build();
    }

    /**
     * A decryptor for messages encrypted to {@code keys}.
     *
     * @param keyPassphrase unlocks protected secret keys; null when they are not protected
     */
    public static OpenPgpDecryptor withSecretKeys(Collection<OpenPgpSecretKey> keys, PassphraseSource keyPassphrase) {
        return builder().secretKeys(keys).secretKeyPassphrase(keyPassphrase).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Wraps {@code in}, an encrypted message, so that reading the result yields the plaintext.
     * Nothing is read until the first read; closing the result closes {@code in}.
     */
    public InputStream decrypt(InputStream in) {
        return new DecryptingInputStream(Objects.requireNonNull(in, "in"), passphraseKeys, secretKeys);
    }

    /** Which material this decryptor holds, without any secret. */
    public String describe() {
        return description;
    }

    /** Zeroes the keys derived from the passphrase. */
    @Override
    public void close() {
        if (passphraseKeys != null) {
            passphraseKeys.destroy();
        }
    }

    @Override
    public String toString() {
        return "OpenPgpDecryptor(" + description + ")";
    }

    /** Collects the decryption material; at least a passphrase or one secret key is required. */
    public static final class Builder {
        private PassphraseSource passphrase;
        private final List<OpenPgpSecretKey> secretKeys = new ArrayList<>();
        private PassphraseSource secretKeyPassphrase;

        private Builder() {
        }

        /** The passphrase messages were encrypted with (SKESK). */
        public Builder passphrase(PassphraseSource passphrase) {
            this.passphrase = Objects.requireNonNull(passphrase, "passphrase");
            return this;
        }

        /** Secret keys for messages encrypted to public keys (PKESK). */
        public Builder secretKeys(Collection<OpenPgpSecretKey> keys) {
            secretKeys.addAll(Objects.requireNonNull(keys, "keys"));
            return this;
        }

        /** Unlocks protected secret keys; may be null. */
        public Builder secretKeyPassphrase(PassphraseSource passphrase) {
            this.secretKeyPassphrase = passphrase;
            return this;
        }

        public OpenPgpDecryptor build() {
            if (passphrase == null && secretKeys.isEmpty()) {
                throw BackupException.badInput("Decryption needs a passphrase or at least one secret key.");
            }
            return new OpenPgpDecryptor(this);
        }
    }
}
