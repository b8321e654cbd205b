package io.wlj.backup.crypto;

import io.wlj.backup.BackupException;
import io.wlj.backup.crypto.internal.KeyRings;
import io.wlj.backup.crypto.internal.SecretKeys;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;

/**
 * An OpenPGP v4 public key (a certificate: primary key, user ids and subkeys), as
 * {@code gpg --export} writes it. Immutable.
 */
public final class OpenPgpPublicKey {
    private final PGPPublicKeyRing ring;

    OpenPgpPublicKey(PGPPublicKeyRing ring) {
        this.ring = ring;
    }

    /** Every public key in {@code file}, armored or binary (a secret key file yields its public part). */
    public static List<OpenPgpPublicKey> readAll(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return wrap(KeyRings.readPublic(in, "The key file " + file));
        } catch (NoSuchFileException e) {
            throw BackupException.badInput("The key file " + file + " does not exist.");
        } catch (IOException e) {
            throw BackupException.badInput("The key file " + file + " cannot be read (" + e.getMessage() + ").");
        }
    }

    /** The one public key in {@code file}. */
    public static OpenPgpPublicKey read(Path file) {
        return single(readAll(file), "The key file " + file);
    }

    /** Every public key in {@code data}, armored or binary. */
    public static List<OpenPgpPublicKey> parseAll(byte[] data) {
        try {
            return wrap(KeyRings.readPublic(new ByteArrayInputStream(data), "The key data"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one public key in {@code armored} text. */
    public static OpenPgpPublicKey parse(String armored) {
        return single(parseAll(armored.getBytes(StandardCharsets.US_ASCII)), "The key text");
    }

    private static List<OpenPgpPublicKey> wrap(List<PGPPublicKeyRing> rings) {
        List<OpenPgpPublicKey> result = new ArrayList<>();
        for (PGPPublicKeyRing ring : rings) {
            result.add(new OpenPgpPublicKey(ring));
        }
        return List.copyOf(result);
    }

    static <T> T single(List<T> keys, String what) {
        if (keys.size() != 1) {
            throw BackupException.badInput(what + " holds " + keys.size() + " keys where exactly one was expected.");
        }
        return keys.get(0);
    }

    /** The primary key's v4 fingerprint: 40 upper-case hex digits, as GnuPG shows it without spaces. */
    public String fingerprint() {
        return KeyRings.fingerprint(ring.getPublicKey());
    }

    /** The primary key's id: the last 16 hex digits of its fingerprint. */
    public String keyId() {
        return SecretKeys.keyId(ring.getPublicKey().getKeyID());
    }

    /** The user ids, for example {@code Backup <ops@example.com>}. */
    public List<String> userIds() {
        List<String> ids = new ArrayList<>();
        for (Iterator<String> it = ring.getPublicKey().getUserIDs(); it.hasNext(); ) {
            ids.add(it.next());
        }
        return List.copyOf(ids);
    }

    /** Fingerprint of the (sub)key messages are encrypted to, if the key can encrypt at all. */
    public Optional<String> encryptionKeyFingerprint() {
        return KeyRings.encryptionKey(ring).map(KeyRings::fingerprint);
    }

    /** Fingerprint of the (sub)key that makes signatures, if the key can sign at all. */
    public Optional<String> signingKeyFingerprint() {
        return KeyRings.signingKey(ring).map(KeyRings::fingerprint);
    }

    /** Binary transferable public key, as {@code gpg --export}. */
    public byte[] encoded() {
        try {
            return ring.getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ASCII-armored transferable public key, as {@code gpg --armor --export}. */
    public String armored() {
        return KeyRings.armor(encoded());
    }

    PGPPublicKeyRing ring() {
        return ring;
    }

    PGPPublicKey encryptionKey() {
        return KeyRings.encryptionKey(ring).orElseThrow(() -> BackupException.badInput(
                "The key " + fingerprint() + " has no valid (unexpired, unrevoked) key that may encrypt."));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OpenPgpPublicKey other && fingerprint().equals(other.fingerprint());
    }

    @Override
    public int hashCode() {
        return fingerprint().hashCode();
    }

    @Override
    public String toString() {
        List<String> ids = userIds();
        return "OpenPgpPublicKey(" + fingerprint() + (ids.isEmpty() ? "" : " " + ids.get(0)) + ")";
    }
}
