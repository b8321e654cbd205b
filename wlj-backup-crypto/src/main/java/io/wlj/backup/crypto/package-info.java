/**
 * OpenPGP codec stages (passphrase and public-key encryption that GnuPG 2.2 reads), manifest
 * signatures and key tools. Empty until the encryption issue; until then the CLI's {@code init}
 * requires {@code --no-encryption} so nobody believes a repository is encrypted when it is not.
 */
package io.wlj.backup.crypto;
