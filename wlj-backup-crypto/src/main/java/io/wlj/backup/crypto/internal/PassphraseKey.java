package io.wlj.backup.crypto.internal;

import java.security.SecureRandom;
import java.util.Arrays;
import javax.security.auth.Destroyable;

/**
 * An AES-256 key derived once from a passphrase with iterated and salted S2K (SHA-256), and the
 * SKESK v4 packet that lets any OpenPGP implementation derive it again.
 *
 * <p>The SKESK carries no encrypted session key, so the derived key is itself the message key,
 * exactly as {@code gpg --symmetric} does. Every message encrypted with one instance therefore
 * starts with the same 15-byte SKESK (same salt and count) and costs no further derivation; each
 * message still differs from the first byte of its SEIPD on, because each gets a fresh random
 * CFB prefix. The price is that all messages of one backup share one key, which is what a
 * single passphrase implies anyway.
 */
public final class PassphraseKey implements Destroyable {
    private final S2k s2k;
    private final byte[] key;
    private final byte[] skesk;
    private volatile boolean destroyed;

    private PassphraseKey(S2k s2k, byte[] key) {
        this.s2k = s2k;
        this.key = key;
        byte[] specifier = s2k.encode();
        this.skesk = new byte[4 + specifier.length];
        skesk[0] = (byte) 0xC3;                 // new-format header, tag 3 (SKESK)
        skesk[1] = (byte) (2 + specifier.length); // body length
        skesk[2] = 4;                            // version 4
        skesk[3] = Aes.AES_256;
        System.arraycopy(specifier, 0, skesk, 4, specifier.length);
    }

    /**
     * Runs the (expensive) derivation with a fresh random salt. The passphrase is not kept; the
     * caller still owns and zeroes its array.
     *
     * @param countByte encoded S2K count, 0-255 (255 = 65,011,712 bytes hashed)
     */
    public static PassphraseKey derive(char[] passphrase, int countByte, SecureRandom random) {
        S2k.iterations(countByte); // validates the range
        byte[] salt = new byte[8];
        random.nextBytes(salt);
        S2k s2k = new S2k(S2k.ITERATED_SALTED, S2k.SHA256, salt, countByte);
        return new PassphraseKey(s2k, s2k.derive(passphrase, 32));
    }

    public S2k s2k() {
        return s2k;
    }

    /** The SKESK v4 packet (header included) that precedes every message encrypted with this key. */
    public byte[] skeskPacket() {
        return skesk.clone();
    }

    /** A copy of the key; the caller zeroes it. */
    public byte[] key() {
        if (destroyed) {
            throw new IllegalStateException("The passphrase key was destroyed; derive a new one.");
        }
        return key.clone();
    }

    /** Zeroes the key. Messages already being written keep working (their cipher holds its own copy). */
    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(key, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "PassphraseKey(AES-256, " + s2k + (destroyed ? ", destroyed" : "") + ")";
    }
}
