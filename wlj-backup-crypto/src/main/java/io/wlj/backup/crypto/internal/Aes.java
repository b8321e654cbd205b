package io.wlj.backup.crypto.internal;

import java.security.GeneralSecurityException;
import java.security.NoSuchProviderException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES for OpenPGP, from the JDK's own provider. SunJCE's AES uses the CPU's AES instructions
 * (HotSpot intrinsics), several times faster than Bouncy Castle's pure-Java engine, and
 * OpenPGP's CFB for SEIPD v1 is plain CFB-128 with a zero IV, which SunJCE implements.
 */
public final class Aes {
    /** OpenPGP symmetric algorithm ids. */
    public static final int AES_128 = 7;
    public static final int AES_192 = 8;
    public static final int AES_256 = 9;
    public static final int BLOCK = 16;

    private Aes() {
    }

    /** Key length in bytes for an OpenPGP AES algorithm id, or -1 for anything else. */
    public static int keyLength(int algorithm) {
        switch (algorithm) {
            case AES_128: return 16;
            case AES_192: return 24;
            case AES_256: return 32;
            default: return -1;
        }
    }

    /** A readable name for an OpenPGP symmetric algorithm id, for error messages. */
    public static String name(int algorithm) {
        switch (algorithm) {
            case 0: return "plaintext";
            case 1: return "IDEA";
            case 2: return "TripleDES";
            case 3: return "CAST5";
            case 4: return "Blowfish";
            case AES_128: return "AES-128";
            case AES_192: return "AES-192";
            case AES_256: return "AES-256";
            case 10: return "Twofish";
            case 11: return "Camellia-128";
            case 12: return "Camellia-192";
            case 13: return "Camellia-256";
            default: return "algorithm " + algorithm;
        }
    }

    /** CFB-128 with an all-zero IV, as SEIPD v1 and SKESK v4 session keys use it. */
    public static Cipher cfb(int mode, byte[] key) {
        try {
            Cipher cipher = instance("AES/CFB/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(new byte[BLOCK]));
            return cipher;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK cannot provide AES/CFB: " + e.getMessage(), e);
        }
    }

    /**
     * The OpenPGP "quick check": decrypts only the first 18 bytes of a SEIPD v1 body (16 random
     * bytes and a repetition of the last two) and says whether the repetition holds. A wrong
     * key fails it with probability 1 - 2^-16, before any plaintext is produced.
     */
    public static boolean quickCheck(byte[] key, byte[] prefixCiphertext) {
        try {
            Cipher ecb = instance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            byte[] first = ecb.doFinal(new byte[BLOCK]);               // E(IV = 0)
            byte[] second = ecb.doFinal(prefixCiphertext, 0, BLOCK);   // E(C0)
            boolean ok = (byte) (prefixCiphertext[14] ^ first[14]) == (byte) (prefixCiphertext[16] ^ second[0])
                    && (byte) (prefixCiphertext[15] ^ first[15]) == (byte) (prefixCiphertext[17] ^ second[1]);
            java.util.Arrays.fill(first, (byte) 0);
            java.util.Arrays.fill(second, (byte) 0);
            return ok;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK cannot provide AES/ECB: " + e.getMessage(), e);
        }
    }

    static Cipher instance(String transformation) throws GeneralSecurityException {
        try {
            return Cipher.getInstance(transformation, "SunJCE");
        } catch (NoSuchProviderException e) {
            return Cipher.getInstance(transformation);
        }
    }
}
