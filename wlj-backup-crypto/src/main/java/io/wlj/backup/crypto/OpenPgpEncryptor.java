package io.wlj.backup.crypto;

import io.wlj.backup.BackupException;
import io.wlj.backup.crypto.internal.Aes;
import io.wlj.backup.crypto.internal.KeyRings;
import io.wlj.backup.crypto.internal.PassphraseKey;
import io.wlj.backup.crypto.internal.S2k;
import io.wlj.backup.crypto.internal.SeipdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.bcpg.PacketFormat;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;

/**
 * Encrypts messages that GnuPG 2.2 decrypts ({@code gpg --decrypt}), for one backup.
 *
 * <p>Create one instance per backup and call {@link #encrypt(OutputStream)} once per artifact.
 * In passphrase mode the expensive key derivation runs once, in the factory method; every
 * message then reuses the derived key (see {@link #withPassphrase(PassphraseSource, int)}). In
 * public-key mode every message gets a fresh random AES-256 session key, encrypted to each
 * recipient (PKESK v3).
 *
 * <p>Every message is: the SKESK v4 or PKESK v3 packets, then SEIPD v1 (AES-256, OpenPGP CFB,
 * with MDC) around one binary literal data packet, with 64 KiB partial body lengths. No
 * compression packet and never AEAD / SEIPD v2, which GnuPG 2.2 cannot read.
 *
 * <p>Thread-safe: concurrent {@code encrypt} calls are independent. {@link #close()} zeroes
 * the derived key.
 */
public final class OpenPgpEncryptor implements AutoCloseable {
    /**
     * Encoded S2K count used unless told otherwise: 255, meaning 65,011,712 bytes of SHA-256,
     * the maximum OpenPGP can express and what GnuPG 2.2 itself chooses on current hardware
     * ({@code gpg --list-packets} shows "count 65011712 (255)"). About 0.1 s on one core, paid
     * once per backup and once per restore.
     */
    public static final int DEFAULT_S2K_COUNT = 0xFF;

    private final PassphraseKey passphraseKey;
    private final List<PGPPublicKey> recipients;
    private final List<String> recipientFingerprints;
    private final String passphraseSource;
    private final SecureRandom random = new SecureRandom();

    private OpenPgpEncryptor(PassphraseKey passphraseKey, String passphraseSource, List<PGPPublicKey> recipients,
                             List<String> recipientFingerprints) {
        this.passphraseKey = passphraseKey;
        this.passphraseSource = passphraseSource;
        this.recipients = recipients;
        this.recipientFingerprints = recipientFingerprints;
    }

    /** Passphrase mode with the {@link #DEFAULT_S2K_COUNT default} S2K count. */
    public static OpenPgpEncryptor withPassphrase(PassphraseSource source) {
        return withPassphrase(source, DEFAULT_S2K_COUNT);
    }

    /**
     * Passphrase mode: reads the passphrase now, derives an AES-256 key from it once with
     * iterated and salted S2K (SHA-256, random 8-byte salt, {@code s2kCount}), zeroes the
     * passphrase and keeps only the key. Every message then carries the same SKESK v4 without
     * an encrypted session key, so the derived key is the message key, as with
     * {@code gpg --symmetric}.
     *
     * @param s2kCount encoded S2K count, 0-255; anything below the default is for tests only
     */
    public static OpenPgpEncryptor withPassphrase(PassphraseSource source, int s2kCount) {
        Objects.requireNonNull(source, "source");
        if (s2kCount < 0 || s2kCount > 255) {
            throw BackupException.badInput("The S2K count must be an encoded count between 0 and 255, not " + s2kCount + ".");
        }
        char[] passphrase = source.read();
        try {
            SecureRandom random = new SecureRandom();
            return new OpenPgpEncryptor(PassphraseKey.derive(passphrase, s2kCount, random), source.describe(),
                    List.of(), List.of());
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    /**
     * Public-key mode: every message can be decrypted by any of {@code recipients}, each with
     * the secret key of its encryption-capable (sub)key.
     *
     * @throws BackupException BAD_INPUT when the list is empty or a key cannot encrypt
     */
    public static OpenPgpEncryptor toRecipients(Collection<OpenPgpPublicKey> recipients) {
        if (recipients == null || recipients.isEmpty()) {
            throw BackupException.badInput("Public-key encryption needs at least one recipient key.");
        }
        List<PGPPublicKey> keys = new ArrayList<>();
        List<String> fingerprints = new ArrayList<>();
        for (OpenPgpPublicKey recipient : recipients) {
            PGPPublicKey key = recipient.encryptionKey();
            keys.add(key);
            fingerprints.add(recipient.fingerprint());
        }
        return new OpenPgpEncryptor(null, null, List.copyOf(keys), List.copyOf(fingerprints));
    }

    /**
     * Starts one message. Bytes written to the result are encrypted to {@code out}; closing the
     * result writes the MDC and the last packet pieces and closes {@code out}.
     */
    public OutputStream encrypt(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        if (passphraseKey != null) {
            byte[] key = passphraseKey.key();
            try {
                return new SeipdOutputStream(out, passphraseKey.skeskPacket(), key, random);
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        }
        byte[] sessionKey = new byte[32];
        random.nextBytes(sessionKey);
        try {
            return new SeipdOutputStream(out, pkesks(sessionKey), sessionKey, random);
        } finally {
            Arrays.fill(sessionKey, (byte) 0);
        }
    }

    private byte[] pkesks(byte[] sessionKey) {
        ByteArrayOutputStream packets = new ByteArrayOutputStream();
        // Pins SEIPD v1 + MDC: with AEAD unset, Bouncy Castle writes PKESK v3, never v6.
        BcPGPDataEncryptorBuilder dataEncryptor = new BcPGPDataEncryptorBuilder(Aes.AES_256)
                .setWithIntegrityPacket(true);
        for (PGPPublicKey recipient : recipients) {
            try {
                packets.write(new BcPublicKeyKeyEncryptionMethodGenerator(recipient).setSecureRandom(random)
                        .generate(dataEncryptor, sessionKey).getEncoded(PacketFormat.CURRENT));
            } catch (PGPException e) {
                throw KeyRings.unexpected(e);
            } catch (IOException e) {
                throw new IllegalStateException("Writing to memory failed", e);
            }
        }
        return packets.toByteArray();
    }

    /** What messages are encrypted for, without any secret: for logs and manifests. */
    public String describe() {
        if (passphraseKey != null) {
            return "OpenPGP AES-256, passphrase from " + passphraseSource + " (S2K SHA-256, "
                    + passphraseKey.s2k().iterations() + " bytes)";
        }
        return "OpenPGP AES-256, public keys " + String.join(", ", recipientFingerprints);
    }

    /** Encoded S2K count of the derived key; -1 in public-key mode. */
    public int s2kCount() {
        return passphraseKey == null ? -1 : passphraseKey.s2k().countByte();
    }

    /** Bytes hashed by S2K for an encoded count (255 gives 65,011,712). */
    public static long s2kIterations(int s2kCount) {
        return S2k.iterations(s2kCount);
    }

    /** Zeroes the derived key; {@link #encrypt} fails afterwards. Streams already open finish normally. */
    @Override
    public void close() {
        if (passphraseKey != null) {
            passphraseKey.destroy();
        }
    }

    @Override
    public String toString() {
        return "OpenPgpEncryptor(" + describe() + ")";
    }
}
