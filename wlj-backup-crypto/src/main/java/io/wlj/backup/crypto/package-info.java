/**
 * OpenPGP encryption that GnuPG 2.2 reads and writes: passphrase and public-key encryption,
 * streaming decryption with mandatory integrity protection, key generation and export, and
 * detached signatures for manifests.
 *
 * <p>Entry points:
 * <ul>
 *   <li>{@link io.wlj.backup.crypto.OpenPgpEncryptor}, created once per backup:
 *       {@code OutputStream encrypt(OutputStream)} per artifact;</li>
 *   <li>{@link io.wlj.backup.crypto.OpenPgpDecryptor}, holding the decryption material:
 *       {@code InputStream decrypt(InputStream)} per artifact;</li>
 *   <li>{@link io.wlj.backup.crypto.PassphraseSource} for where passphrases come from;</li>
 *   <li>{@link io.wlj.backup.crypto.OpenPgpPublicKey}, {@link io.wlj.backup.crypto.OpenPgpSecretKey}
 *       for keys, {@link io.wlj.backup.crypto.OpenPgpSigner} and
 *       {@link io.wlj.backup.crypto.OpenPgpVerifier} for detached signatures.</li>
 * </ul>
 *
 * <p>What is written is always SEIPD v1 with MDC and AES-256, never AEAD or SEIPD v2, because
 * GnuPG 2.2 cannot read those; the restore instructions can therefore say {@code gpg --decrypt}.
 */
package io.wlj.backup.crypto;
