package io.wlj.backup.crypto;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.spi.ManifestSigner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

/** Detached OpenPGP signatures over manifests; without a signer it only verifies. */
final class KeyManifestSigner implements ManifestSigner {
    private final OpenPgpPublicKey publicKey;
    private final OpenPgpSigner signer;

    KeyManifestSigner(OpenPgpPublicKey publicKey, OpenPgpSigner signer) {
        this.publicKey = publicKey;
        this.signer = signer;
    }

    @Override
    public String keyId() {
        return publicKey.fingerprint();
    }

    @Override
    public boolean canSign() {
        return signer != null;
    }

    @Override
    public byte[] sign(byte[] manifest) {
        if (signer == null) {
            throw BackupException.badInput("Signing manifests needs the secret signing key " + publicKey.fingerprint() + " (--signing-key FILE).");
        }
        try {
            return signer.sign(new ByteArrayInputStream(manifest));
        } catch (IOException e) {
            throw new BackupException(ErrorCode.IO, "Could not sign the manifest: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean verify(byte[] manifest, byte[] signature) {
        try {
            OpenPgpVerifier.of(List.of(publicKey)).verify(new ByteArrayInputStream(manifest), new ByteArrayInputStream(signature));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "KeyManifestSigner[" + publicKey.fingerprint() + (signer == null ? ", verify only" : "") + "]";
    }
}
