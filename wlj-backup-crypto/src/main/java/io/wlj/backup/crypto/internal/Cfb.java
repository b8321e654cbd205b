package io.wlj.backup.crypto.internal;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES in OpenPGP CFB mode (CFB-128, zero IV, as SEIPD v1 uses it), built on the JDK modes that
 * HotSpot runs with AES instructions, because SunJCE's own "AES/CFB" works block by block in
 * Java at about a third of the speed. With keystream X_i = E(C_(i-1)), X_0 = E(0) and
 * C_i = P_i xor X_i:
 *
 * <ul>
 *   <li>Encryption: X_(i+1) = E(P_i xor X_i) is exactly what CBC encryption of the plaintext
 *       with IV X_0 outputs, so one CBC pass yields the keystream shifted by one block. The CBC
 *       chain is serial; its state carries over between {@code update} calls.</li>
 *   <li>Decryption: X_i = E(C_(i-1)) depends only on ciphertext, so ECB over the ciphertext
 *       shifted by one block yields the keystream, and any ranges of it can be computed
 *       independently (on two threads).</li>
 * </ul>
 *
 * The streams keep plaintext, keystream and ciphertext of a block at the same array index so
 * that {@link #xor} is a loop HotSpot vectorizes (a loop with different offsets per array runs
 * about fifteen times slower).
 */
final class Cfb {
    static final int BLOCK = Aes.BLOCK;

    private Cfb() {
    }

    /** AES/ECB encryption, for the decryption keystream. */
    static Cipher ecb(SecretKeySpec key) {
        try {
            Cipher ecb = Aes.instance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, key);
            return ecb;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK cannot provide AES: " + e.getMessage(), e);
        }
    }

    /** AES/CBC encryption with IV X_0 = E(0): fed the plaintext, it outputs the keystream from X_1 on. */
    static Cipher keystreamChain(SecretKeySpec key) {
        byte[] first = new byte[BLOCK];
        try {
            firstKeystreamBlock(key, first);
            Cipher cbc = Aes.instance("AES/CBC/NoPadding");
            cbc.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(first));
            return cbc;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK cannot provide AES: " + e.getMessage(), e);
        } finally {
            Arrays.fill(first, (byte) 0);
        }
    }

    /** X_0 = E(IV), IV = 0. */
    static void firstKeystreamBlock(SecretKeySpec key, byte[] out) {
        try {
            Cipher ecb = Aes.instance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, key);
            ecb.doFinal(new byte[BLOCK], 0, BLOCK, out, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK cannot provide AES: " + e.getMessage(), e);
        }
    }

    /** Runs {@code cipher.update} on whole blocks, for the streams' helper tasks. */
    static void update(Cipher cipher, byte[] in, int inOff, int len, byte[] out, int outOff) {
        try {
            cipher.update(in, inOff, len, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES failed: " + e.getMessage(), e);
        }
    }

    /**
     * Work per {@code Cipher.update} or {@code MessageDigest.update} call. HotSpot uses its
     * multi-block AES/CBC and SHA-1 intrinsics only once the JDK method that calls them is
     * C2-compiled, after some thousand calls: 16 KiB calls get there after tens of MiB rather
     * than hundreds, and cost nothing measurable in the steady state.
     */
    static final int UPDATE = 1 << 14;

    /** {@code sha1.update} in {@link #UPDATE} pieces. */
    static void hash(java.security.MessageDigest sha1, byte[] b, int off, int len) {
        for (int end = off + len; off < end; off += UPDATE) {
            sha1.update(b, off, Math.min(UPDATE, end - off));
        }
    }

    /** x[i] ^= y[i] for i in [from, to): one index for both arrays, so that C2 vectorizes it. */
    static void xor(byte[] x, byte[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            x[i] = (byte) (x[i] ^ y[i]);
        }
    }

    /**
     * {@code a} itself if it holds {@code need} bytes, else a larger copy (growing fourfold, at
     * most {@code max}); the old array is zeroed, since it may hold plaintext or keystream. Lets
     * a small message allocate a few KiB instead of full pipeline buffers.
     */
    static byte[] grow(byte[] a, int need, int max) {
        if (a != null && a.length >= need) {
            return a;
        }
        int size = a == null ? Math.min(max, Math.max(need, 16 * 1024)) : Math.min(max, Math.max(need, a.length * 4));
        byte[] bigger = new byte[size];
        if (a != null) {
            System.arraycopy(a, 0, bigger, 0, a.length);
            Arrays.fill(a, (byte) 0);
        }
        return bigger;
    }
}
