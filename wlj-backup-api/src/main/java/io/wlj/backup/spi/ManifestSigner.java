package io.wlj.backup.spi;

/**
 * Signs sealed manifests and checks their signatures: a detached OpenPGP signature, or a keyed
 * MAC for passphrase-only repositories. The repository writes the signature before the
 * manifest, so a sealed manifest always has its signature beside it.
 */
public interface ManifestSigner {

    /** Identifies the key, for example an OpenPGP fingerprint; recorded in the repository config. */
    String keyId();

    /** False for a signer that can only check signatures (it holds a public key only). */
    default boolean canSign() {
        return true;
    }

    /** A signature over exactly these manifest bytes. */
    byte[] sign(byte[] manifest);

    /** True when {@code signature} is valid for exactly these bytes and this key. */
    boolean verify(byte[] manifest, byte[] signature);
}
