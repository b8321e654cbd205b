package io.wlj.backup.crypto.internal;

import io.wlj.backup.crypto.DecryptionException;
import io.wlj.backup.crypto.DecryptionException.Reason;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenPGP string-to-key specifier (RFC 4880 section 3.7) and the key derivation it defines.
 * Iterated and salted S2K hashes the salt and passphrase over and over until {@link #iterations()}
 * bytes went through the hash; that deliberate cost is why a backup derives its key once.
 *
 * @param type          0 simple, 1 salted, 3 iterated and salted
 * @param hashAlgorithm OpenPGP hash id (2 SHA-1, 8 SHA-256, ...)
 * @param salt          8 bytes for types 1 and 3, empty for type 0
 * @param countByte     the encoded iteration count for type 3 (0-255)
 */
public record S2k(int type, int hashAlgorithm, byte[] salt, int countByte) {
    public static final int SIMPLE = 0;
    public static final int SALTED = 1;
    public static final int ITERATED_SALTED = 3;
    public static final int SHA256 = 8;

    private static final AtomicLong DERIVATIONS = new AtomicLong();

    public S2k {
        salt = salt.clone();
    }

    /** Number of S2K derivations this JVM has run, so tests can prove a key is derived once. */
    public static long derivations() {
        return DERIVATIONS.get();
    }

    /** Bytes hashed by iterated S2K for an encoded count: (16 + (c & 15)) << ((c >> 4) + 6). */
    public static long iterations(int countByte) {
        if (countByte < 0 || countByte > 255) {
            throw new IllegalArgumentException("S2K count byte out of range: " + countByte);
        }
        return (16L + (countByte & 15)) << ((countByte >> 4) + 6);
    }

    public long iterations() {
        return type == ITERATED_SALTED ? iterations(countByte) : 0;
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    /** The specifier as it appears in a packet. */
    public byte[] encode() {
        byte[] out = new byte[2 + salt.length + (type == ITERATED_SALTED ? 1 : 0)];
        out[0] = (byte) type;
        out[1] = (byte) hashAlgorithm;
        System.arraycopy(salt, 0, out, 2, salt.length);
        if (type == ITERATED_SALTED) {
            out[out.length - 1] = (byte) countByte;
        }
        return out;
    }

    /** A stable text form for caching derived keys; holds no secret. */
    public String cacheKey() {
        return type + "/" + hashAlgorithm + "/" + HexFormat.of().formatHex(salt) + "/" + countByte;
    }

    /**
     * Derives {@code keyLength} bytes from {@code passphrase} (encoded as UTF-8, as GnuPG does).
     * The intermediate byte arrays are zeroed.
     */
    public byte[] derive(char[] passphrase, int keyLength) {
        MessageDigest digest = digest(hashAlgorithm);
        byte[] pass = utf8(passphrase);
        byte[] block = null;
        byte[] key = new byte[keyLength];
        try {
            DERIVATIONS.incrementAndGet();
            byte[] data = new byte[salt.length + pass.length];
            System.arraycopy(salt, 0, data, 0, salt.length);
            System.arraycopy(pass, 0, data, salt.length, pass.length);
            long count = type == ITERATED_SALTED ? Math.max(iterations(countByte), data.length) : data.length;
            // The passphrase repeated back to back, so that the hash is fed 64 KiB at a time.
            int repetitions = Math.max(1, (64 * 1024) / Math.max(1, data.length));
            block = new byte[data.length * repetitions];
            for (int i = 0; i < repetitions; i++) {
                System.arraycopy(data, 0, block, i * data.length, data.length);
            }
            Arrays.fill(data, (byte) 0);
            int produced = 0;
            for (int context = 0; produced < keyLength; context++) {
                digest.reset();
                for (int i = 0; i < context; i++) {
                    digest.update((byte) 0); // RFC 4880: each further context is preloaded with one more zero
                }
                long remaining = count;
                while (remaining > 0) {
                    int n = (int) Math.min(remaining, block.length);
                    digest.update(block, 0, n);
                    remaining -= n;
                }
                byte[] hash = digest.digest();
                int n = Math.min(hash.length, keyLength - produced);
                System.arraycopy(hash, 0, key, produced, n);
                Arrays.fill(hash, (byte) 0);
                produced += n;
            }
            return key;
        } finally {
            Arrays.fill(pass, (byte) 0);
            if (block != null) {
                Arrays.fill(block, (byte) 0);
            }
        }
    }

    static MessageDigest digest(int hashAlgorithm) {
        String name;
        switch (hashAlgorithm) {
            case 1: name = "MD5"; break;
            case 2: name = "SHA-1"; break;
            case 8: name = "SHA-256"; break;
            case 9: name = "SHA-384"; break;
            case 10: name = "SHA-512"; break;
            case 11: name = "SHA-224"; break;
            default:
                throw new DecryptionException(Reason.UNSUPPORTED,
                        "The message's passphrase derivation uses hash algorithm " + hashAlgorithm + ", which is not supported.");
        }
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no " + name, e);
        }
    }

    static byte[] utf8(char[] passphrase) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(passphrase));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            if (encoded.hasArray()) {
                Arrays.fill(encoded.array(), (byte) 0);
            }
            return bytes;
        } catch (CharacterCodingException e) {
            throw io.wlj.backup.BackupException.badInput("The passphrase is not valid Unicode text (a lone surrogate character).");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof S2k other && type == other.type && hashAlgorithm == other.hashAlgorithm
                && countByte == other.countByte && Arrays.equals(salt, other.salt);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(salt) + type * 7 + hashAlgorithm * 3 + countByte;
    }

    @Override
    public String toString() {
        return "S2k(type " + type + ", hash " + hashAlgorithm + ", count " + iterations() + ")";
    }
}
