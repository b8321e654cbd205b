package io.wlj.backup.crypto;

import io.wlj.backup.crypto.internal.S2k;
import io.wlj.backup.spi.ManifestSigner;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA-256 manifest signatures keyed from the passphrase, for passphrase-only repositories. */
final class PassphraseManifestMac implements ManifestSigner {
    private static final byte[] LABEL = "wlj-backup manifest mac v1".getBytes(StandardCharsets.UTF_8);
    private final String keyId;
    private final PassphraseSource passphrase;
    private final byte[] salt;
    private final int countByte;
    private byte[] macKey;

    PassphraseManifestMac(String keyId, PassphraseSource passphrase, byte[] salt, int countByte) {
        this.keyId = keyId;
        this.passphrase = passphrase;
        this.salt = salt.clone();
        this.countByte = countByte;
    }

    @Override
    public String keyId() {
        return keyId;
    }

    @Override
    public byte[] sign(byte[] manifest) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(), "HmacSHA256"));
            return mac.doFinal(manifest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    @Override
    public boolean verify(byte[] manifest, byte[] signature) {
        return MessageDigest.isEqual(sign(manifest), signature);
    }

    /** Derived once: S2K over the passphrase, then hashed with a label so it never equals an encryption key. */
    private synchronized byte[] key() {
        if (macKey == null) {
            char[] secret = passphrase.read();
            byte[] derived = null;
            try {
                derived = new S2k(S2k.ITERATED_SALTED, S2k.SHA256, salt, countByte).derive(secret, 32);
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update(LABEL);
                macKey = sha.digest(derived);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256 is unavailable", e);
            } finally {
                Arrays.fill(secret, '\0');
                if (derived != null) {
                    Arrays.fill(derived, (byte) 0);
                }
            }
        }
        return macKey;
    }

    @Override
    public String toString() {
        return "PassphraseManifestMac[" + keyId + ", passphrase from " + passphrase.describe() + "]";
    }
}
