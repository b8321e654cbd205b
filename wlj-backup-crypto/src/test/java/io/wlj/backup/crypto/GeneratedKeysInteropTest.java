package io.wlj.backup.crypto;

import static io.wlj.backup.crypto.Messages.TEST_S2K_COUNT;
import static io.wlj.backup.crypto.Messages.encrypt;
import static io.wlj.backup.crypto.Messages.passphrase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys WE generate (for users without gpg): gpg imports the public and the secret key, shows
 * the same fingerprints, encrypts to them and decrypts with them, and signatures verify both ways.
 */
class GeneratedKeysInteropTest {
    private static final String KEY_PASSPHRASE = "our generated key's passphrase";
    private static Gpg gpg;
    private static Path keyPassFile;
    private static OpenPgpSecretKey curve;   // protected by KEY_PASSPHRASE
    private static OpenPgpSecretKey rsa;     // unprotected

    @TempDir
    Path dir;

    @BeforeAll
    static void generateAndImport() throws Exception {
        curve = OpenPgpSecretKey.generate("Backup Curve <curve@example.com>", KeyType.ED25519_CV25519,
                passphrase(KEY_PASSPHRASE), TEST_S2K_COUNT);
        rsa = OpenPgpSecretKey.generate("Backup RSA <rsa@example.com>", KeyType.RSA_3072, null);
        gpg = Gpg.start();
        keyPassFile = gpg.passphraseFile(KEY_PASSPHRASE);
        for (OpenPgpSecretKey key : List.of(curve, rsa)) {
            Path pub = Files.createTempFile(gpg.home(), "pub", ".asc");
            Files.writeString(pub, key.publicKey().armored(), StandardCharsets.US_ASCII);
            gpg.ok("--import", pub.toString());
            Path sec = Files.createTempFile(gpg.home(), "sec", ".asc");
            Files.writeString(sec, key.armored(), StandardCharsets.US_ASCII);
            gpg.ok("--passphrase-file", keyPassFile.toString(), "--import", sec.toString());
        }
    }

    @AfterAll
    static void stopGpg() throws Exception {
        if (gpg != null) {
            gpg.close();
        }
    }

    @Test
    void gpgSeesOurFingerprintsAndSecretKeys() throws Exception {
        for (OpenPgpSecretKey key : List.of(curve, rsa)) {
            List<String> gpgFingerprints = gpg.fingerprints(key.fingerprint());
            assertThat(gpgFingerprints.get(0)).isEqualTo(key.fingerprint()).matches("[0-9A-F]{40}");
            assertThat(gpgFingerprints.get(1)).isEqualTo(key.publicKey().encryptionKeyFingerprint().orElseThrow());
            assertThat(key.keyId()).isEqualTo(key.fingerprint().substring(24));
            String secret = gpg.ok("--with-colons", "--list-secret-keys", key.fingerprint()).out();
            assertThat(secret).contains("sec:").contains("ssb:");
        }
        String listing = gpg.ok("--with-colons", "--list-keys", curve.fingerprint()).out();
        assertThat(listing).contains(":ed25519:").contains(":cv25519:").contains("Backup Curve <curve@example.com>");
        assertThat(gpg.ok("--with-colons", "--list-keys", rsa.fingerprint()).out()).contains("pub:-:3072:1:");
        assertThat(curve.isProtected()).isTrue();
        assertThat(rsa.isProtected()).isFalse();
        assertThat(curve.armored()).startsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----");
        assertThat(curve.publicKey().armored()).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----");
        assertThat(curve.toString()).contains(curve.fingerprint()).doesNotContain(KEY_PASSPHRASE);
    }

    @Test
    void exportsReadBack() {
        OpenPgpPublicKey reread = OpenPgpPublicKey.parse(curve.publicKey().armored());
        assertThat(reread).isEqualTo(curve.publicKey());
        assertThat(OpenPgpSecretKey.parseAll(rsa.encoded())).containsExactly(rsa);
        assertThat(OpenPgpPublicKey.parseAll(rsa.encoded()).get(0).fingerprint()).isEqualTo(rsa.fingerprint());
    }

    @Test
    void gpgDecryptsWhatWeEncryptToOurKeys() throws Exception {
        byte[] plain = Messages.random(80_000, 11);
        for (OpenPgpSecretKey key : List.of(curve, rsa)) {
            byte[] message = encrypt(OpenPgpEncryptor.toRecipients(List.of(key.publicKey())), plain);
            Path in = Files.createTempFile(dir, "msg", ".gpg");
            Files.write(in, message);
            Path out = dir.resolve("plain-" + key.keyId());
            gpg.ok("--passphrase-file", keyPassFile.toString(), "--output", out.toString(), "--decrypt", in.toString());
            assertThat(Files.readAllBytes(out)).isEqualTo(plain);
        }
    }

    @Test
    void weDecryptWhatGpgEncryptsToOurKeys() throws Exception {
        byte[] plain = GpgSymmetricMessagesTest.mixed(120_000);
        Path input = dir.resolve("plain.bin");
        Files.write(input, plain);
        OpenPgpDecryptor decryptor = OpenPgpDecryptor.withSecretKeys(List.of(curve, rsa), passphrase(KEY_PASSPHRASE));
        for (OpenPgpSecretKey key : List.of(curve, rsa)) {
            Path message = dir.resolve("to-" + key.keyId() + ".gpg");
            gpg.ok("--recipient", key.fingerprint(), "--output", message.toString(), "--encrypt", input.toString());
            assertThat(Messages.decrypt(decryptor, Files.readAllBytes(message))).isEqualTo(plain);
        }
    }

    @Test
    void gpgVerifiesOurDetachedSignatures() throws Exception {
        byte[] data = Messages.text("{\"backup\":\"2026-01-01T00:00:00Z\",\"artifacts\":3}\n");
        Path file = dir.resolve("manifest.json");
        Files.write(file, data);
        for (OpenPgpSecretKey key : List.of(curve, rsa)) {
            OpenPgpSigner signer = OpenPgpSigner.of(key, passphrase(KEY_PASSPHRASE));
            Path binary = dir.resolve("manifest-" + key.keyId() + ".sig");
            Files.write(binary, signer.sign(new ByteArrayInputStream(data)));
            assertThat(gpg.ok("--verify", binary.toString(), file.toString()).stderr())
                    .contains("Good signature from \"" + key.publicKey().userIds().get(0));
            Path armored = dir.resolve("manifest-" + key.keyId() + ".asc");
            String text = signer.signArmored(new ByteArrayInputStream(data));
            assertThat(text).startsWith("-----BEGIN PGP SIGNATURE-----");
            Files.writeString(armored, text, StandardCharsets.US_ASCII);
            assertThat(gpg.ok("--verify", armored.toString(), file.toString()).stderr()).contains("Good signature");
            // And gpg refuses it over other data.
            Path other = dir.resolve("other.json");
            Files.write(other, Messages.text("{\"backup\":\"forged\"}\n"));
            assertThat(gpg.run("--verify", binary.toString(), other.toString()).exitCode()).isNotZero();
        }
    }

    @Test
    void weVerifyGpgsSignaturesWithOurKeysAndRefuseStrangers() throws Exception {
        byte[] data = Messages.text("manifest signed by gpg with our key\n");
        Path file = dir.resolve("data.txt");
        Files.write(file, data);
        Path sig = dir.resolve("data.sig");
        gpg.ok("--passphrase-file", keyPassFile.toString(), "--local-user", curve.fingerprint(), "--output", sig.toString(),
                "--detach-sign", file.toString());
        VerifiedSignature verified = OpenPgpVerifier.of(List.of(rsa.publicKey(), curve.publicKey()))
                .verify(new ByteArrayInputStream(data), Files.newInputStream(sig));
        assertThat(verified.keyFingerprint()).isEqualTo(curve.fingerprint());
        assertThat(verified.signingKeyFingerprint()).isEqualTo(curve.fingerprint());
        assertThat(verified.created()).isNotNull();

        assertThatThrownBy(() -> OpenPgpVerifier.of(List.of(rsa.publicKey()))
                .verify(new ByteArrayInputStream(data), Files.newInputStream(sig)))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("not among the trusted keys")
                .hasMessageContaining(curve.keyId())
                .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.INTEGRITY);
        assertThatThrownBy(() -> OpenPgpVerifier.of(List.of(curve.publicKey()))
                .verify(new ByteArrayInputStream(data), new ByteArrayInputStream(Messages.text("not a signature"))))
                .isInstanceOf(BackupException.class)
                .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.INTEGRITY);
    }

    @Test
    void unlockingOurProtectedKeyNeedsTheRightPassphrase() {
        assertThatThrownBy(() -> OpenPgpSigner.of(curve, passphrase("wrong")))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("does not unlock the secret key")
                .hasMessageNotContaining("wrong")
                .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.BAD_INPUT);
        assertThatThrownBy(() -> OpenPgpSigner.of(curve, null))
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("protected by a passphrase");
    }
}
