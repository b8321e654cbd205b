package io.wlj.backup.crypto;

import io.wlj.backup.BackupException;
import io.wlj.backup.spi.CodecStage;
import io.wlj.backup.spi.Protection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * The OpenPGP pipeline stage. {@link #forBackup()} derives the passphrase key once per backup
 * (or fixes the recipients); every artifact is then its own standard OpenPGP message. Decoding
 * keeps one decryptor, so a restore derives each key once too. Holds no secret in
 * {@link #toString()}.
 */
public final class OpenPgpStage implements CodecStage {
    private final PassphraseSource passphrase;
    private final List<OpenPgpPublicKey> recipients;
    private final List<OpenPgpSecretKey> secretKeys;
    private final PassphraseSource secretKeyPassphrase;
    private final int s2kCount;
    private final OpenPgpEncryptor encryptor;
    private OpenPgpEncryptor lazyEncryptor;
    private OpenPgpDecryptor decryptor;

    OpenPgpStage(PassphraseSource passphrase, List<OpenPgpPublicKey> recipients, List<OpenPgpSecretKey> secretKeys,
                 PassphraseSource secretKeyPassphrase, int s2kCount, OpenPgpEncryptor encryptor) {
        this.passphrase = passphrase;
        this.recipients = recipients;
        this.secretKeys = secretKeys;
        this.secretKeyPassphrase = secretKeyPassphrase;
        this.s2kCount = s2kCount;
        this.encryptor = encryptor;
    }

    /** The same stage, also able to decrypt messages to these secret keys. */
    public OpenPgpStage withSecretKeys(List<OpenPgpSecretKey> keys, PassphraseSource keyPassphrase) {
        return new OpenPgpStage(passphrase, recipients, List.copyOf(keys), keyPassphrase, s2kCount, null);
    }

    @Override
    public String id() {
        return OpenPgp.CODEC_ID;
    }

    @Override
    public String fileExtension() {
        return ".gpg";
    }

    @Override
    public CodecStage forBackup() {
        return new OpenPgpStage(passphrase, recipients, secretKeys, secretKeyPassphrase, s2kCount, newEncryptor());
    }

    private OpenPgpEncryptor newEncryptor() {
        if (passphrase != null) {
            return OpenPgpEncryptor.withPassphrase(passphrase, s2kCount); // reads the passphrase and derives the key now
        }
        if (!secretKeys.isEmpty() && recipients.isEmpty()) {
            throw BackupException.badInput("This OpenPGP stage only decrypts; backups need the recipients' public keys.");
        }
        return OpenPgpEncryptor.toRecipients(recipients);
    }

    @Override
    public OutputStream encode(OutputStream out) throws IOException {
        return encryptor().encrypt(out);
    }

    private synchronized OpenPgpEncryptor encryptor() {
        if (encryptor != null) {
            return encryptor;
        }
        if (lazyEncryptor == null) {
            lazyEncryptor = newEncryptor();
        }
        return lazyEncryptor;
    }

    @Override
    public InputStream decode(InputStream in) {
        return decryptor().decrypt(in);
    }

    private synchronized OpenPgpDecryptor decryptor() {
        if (decryptor == null) {
            if (passphrase == null && secretKeys.isEmpty()) {
                throw BackupException.badInput("Reading this backup needs the secret key of a recipient (--secret-key FILE).");
            }
            OpenPgpDecryptor.Builder b = OpenPgpDecryptor.builder();
            if (passphrase != null) {
                b.passphrase(passphrase);
            }
            if (!secretKeys.isEmpty()) {
                b.secretKeys(secretKeys).secretKeyPassphrase(secretKeyPassphrase);
            }
            decryptor = b.build();
        }
        return decryptor;
    }

    @Override
    public Optional<Protection> protection() {
        return Optional.of(passphrase != null ? new Protection(Protection.PASSPHRASE, List.of())
                : new Protection(Protection.PUBLIC_KEY, recipients.stream().map(OpenPgpPublicKey::fingerprint).toList()));
    }

    @Override
    public String toString() {
        return passphrase != null ? "OpenPGP(passphrase from " + passphrase.describe() + ")"
                : "OpenPGP(to " + recipients.stream().map(OpenPgpPublicKey::fingerprint).toList()
                + (secretKeys.isEmpty() ? "" : ", with " + secretKeys.size() + " secret key(s)") + ")";
    }
}
