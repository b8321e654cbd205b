package io.wlj.backup;

import io.wlj.backup.spi.ManifestSigner;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A keyed-MAC manifest signer for engine tests. */
record HmacSigner(String keyId, byte[] key) implements ManifestSigner {
    @Override
    public byte[] sign(byte[] manifest) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(manifest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean verify(byte[] manifest, byte[] signature) {
        return MessageDigest.isEqual(sign(manifest), signature);
    }
}
