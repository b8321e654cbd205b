package io.wlj.backup.crypto;

/** The kinds of key pair {@link OpenPgpSecretKey#generate} makes; both are what GnuPG 2.2 makes itself. */
public enum KeyType {
    /**
     * Ed25519 (EdDSA, algorithm 22) primary key for certifying and signing with a Curve25519
     * ECDH (algorithm 18, KDF SHA-256/AES-128) encryption subkey: {@code gpg --quick-gen-key
     * USERID future-default}. Small keys, fast operations. The default.
     */
    ED25519_CV25519,
    /** RSA 3072 primary key for certifying and signing with an RSA 3072 encryption subkey: GnuPG 2.2's "default". */
    RSA_3072
}
