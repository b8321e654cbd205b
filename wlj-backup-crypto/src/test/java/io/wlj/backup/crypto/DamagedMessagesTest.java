package io.wlj.backup.crypto;

import static io.wlj.backup.crypto.DecryptionException.Reason.CORRUPTED;
import static io.wlj.backup.crypto.DecryptionException.Reason.NOT_ENCRYPTED;
import static io.wlj.backup.crypto.DecryptionException.Reason.NOT_INTEGRITY_PROTECTED;
import static io.wlj.backup.crypto.DecryptionException.Reason.NOT_OPENPGP;
import static io.wlj.backup.crypto.DecryptionException.Reason.PASSPHRASE_REQUIRED;
import static io.wlj.backup.crypto.DecryptionException.Reason.TRUNCATED;
import static io.wlj.backup.crypto.DecryptionException.Reason.WRONG_PASSPHRASE;
import static io.wlj.backup.crypto.Messages.TEST_S2K_COUNT;
import static io.wlj.backup.crypto.Messages.encrypt;
import static io.wlj.backup.crypto.Messages.failure;
import static io.wlj.backup.crypto.Messages.passphrase;
import static org.assertj.core.api.Assertions.assertThat;

import io.wlj.backup.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPBEKeyEncryptionMethodGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wrong passphrases and keys, truncated, flipped, unprotected and foreign input: each fails with
 * its own clear reason, and never after a clean end of stream (see {@link Messages#failure}).
 */
class DamagedMessagesTest {
    private static final String PASSPHRASE = "the right one";
    private static final byte[] PLAIN = Messages.random(200_000, 99); // SEIPD spans 4 partial chunks
    private static OpenPgpEncryptor encryptor;
    private static OpenPgpDecryptor decryptor;
    private static byte[] message;

    @TempDir
    Path dir;

    @BeforeAll
    static void encryptOnce() throws IOException {
        encryptor = OpenPgpEncryptor.withPassphrase(passphrase(PASSPHRASE), TEST_S2K_COUNT);
        decryptor = OpenPgpDecryptor.withPassphrase(passphrase(PASSPHRASE));
        message = encrypt(encryptor, PLAIN);
        assertThat(Messages.decrypt(decryptor, message)).isEqualTo(PLAIN);
    }

    @AfterAll
    static void close() {
        encryptor.close();
        decryptor.close();
    }

    @Test
    void wrongPassphraseFailsOnTheFirstReadWithoutPlaintext() throws IOException {
        try (OpenPgpDecryptor wrong = OpenPgpDecryptor.withPassphrase(passphrase("the wrong one"))) {
            InputStream in = wrong.decrypt(new ByteArrayInputStream(message));
            byte[] buffer = new byte[100];
            DecryptionException e = org.junit.jupiter.api.Assertions.assertThrows(DecryptionException.class,
                    () -> in.read(buffer));
            assertThat(e.reason()).isEqualTo(WRONG_PASSPHRASE);
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
            assertThat(e.getMessage()).contains("does not decrypt this message").doesNotContain("the wrong one")
                    .doesNotContain(PASSPHRASE);
            assertThat(failure(wrong, message).reason()).isEqualTo(WRONG_PASSPHRASE);
        }
    }

    @Test
    void passphraseMessageWithOnlySecretKeysAsksForThePassphrase() throws IOException {
        OpenPgpSecretKey key = OpenPgpSecretKey.generate("k", KeyType.ED25519_CV25519, null);
        DecryptionException e = failure(OpenPgpDecryptor.withSecretKeys(List.of(key), null), message);
        assertThat(e.reason()).isEqualTo(PASSPHRASE_REQUIRED);
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_INPUT);
    }

    @Test
    void truncatedAnywhereIsReportedAndNeverEndsCleanly() throws IOException {
        int n = message.length;
        int seipdStart = 15;
        int[] cuts = {1, 2, 8, 14, 15, 16, seipdStart + 2, seipdStart + 10, seipdStart + 19, 1000,
            seipdStart + 2 + 65_536, seipdStart + 2 + 65_536 + 1, n / 2, n - 100, n - 23, n - 22, n - 21, n - 10, n - 1};
        for (int cut : cuts) {
            DecryptionException e = failure(decryptor, Arrays.copyOf(message, cut));
            assertThat(e.reason()).as("cut at %d of %d: %s", cut, n, e.getMessage()).isEqualTo(TRUNCATED);
            assertThat(e.code()).isEqualTo(ErrorCode.INTEGRITY);
            assertThat(e.getMessage()).startsWith("The message is truncated");
        }
        assertThat(failure(decryptor, new byte[0]).reason()).isEqualTo(NOT_OPENPGP);
    }

    @Test
    void truncationInsideTheMdcDeliversNoEndOfStream() throws IOException {
        // Every plaintext byte may have been handed out (the MDC is the last 22 bytes), but the
        // stream still refuses to end: the caller must not commit.
        InputStream in = decryptor.decrypt(new ByteArrayInputStream(Arrays.copyOf(message, message.length - 5)));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        DecryptionException e = null;
        try {
            int r;
            while ((r = in.read(buffer)) >= 0) {
                got.write(buffer, 0, r);
            }
        } catch (DecryptionException thrown) {
            e = thrown;
        }
        assertThat(e).as("a read must throw instead of returning -1").isNotNull();
        assertThat(e.reason()).isEqualTo(TRUNCATED);
        assertThat(got.size()).isLessThanOrEqualTo(PLAIN.length);
    }

    @Test
    void flippedBytesAreCaught() throws IOException {
        int n = message.length;
        record Flip(int offset, List<DecryptionException.Reason> expected) {
        }
        List<Flip> flips = List.of(
                new Flip(0, List.of(NOT_ENCRYPTED)),                   // SKESK tag 3 becomes signature tag 2
                new Flip(6, List.of(WRONG_PASSPHRASE)),                // the S2K salt: another key
                new Flip(14, List.of(WRONG_PASSPHRASE)),               // the S2K count: another key
                new Flip(18, List.of(WRONG_PASSPHRASE)),               // encrypted prefix: quick check fails
                new Flip(15 + 2 + 18, List.of(WRONG_PASSPHRASE, CORRUPTED)), // encrypted literal header
                new Flip(15 + 2 + 40, List.of(CORRUPTED)),             // encrypted literal header fields
                new Flip(n / 2, List.of(CORRUPTED)),                   // the middle of the data
                new Flip(n - 30, List.of(CORRUPTED)),                  // the last data bytes
                new Flip(n - 21, List.of(CORRUPTED)),                  // the MDC's length byte
                new Flip(n - 1, List.of(CORRUPTED)));                  // the MDC's hash
        for (Flip flip : flips) {
            byte[] damaged = message.clone();
            damaged[flip.offset()] ^= 0x01;
            DecryptionException e = failure(decryptor, damaged);
            assertThat(e.reason()).as("flip at %d of %d: %s", flip.offset(), n, e.getMessage()).isIn(flip.expected());
        }
        byte[] notPacket = message.clone();
        notPacket[0] ^= (byte) 0x80; // no longer a packet tag at all
        assertThat(failure(decryptor, notPacket).reason()).isEqualTo(NOT_OPENPGP);
        // Partial-length headers of the SEIPD: the framing breaks, so the data ends early or too late.
        byte[] damaged = message.clone();
        damaged[16] ^= 0x01; // 0xF0 -> 0xF1: a 128 KiB first piece
        assertThat(failure(decryptor, damaged).reason()).isIn(TRUNCATED, CORRUPTED);
    }

    @Test
    void damagedPublicKeyMessages() throws IOException {
        OpenPgpSecretKey key = OpenPgpSecretKey.generate("k", KeyType.ED25519_CV25519, null);
        byte[] pk = encrypt(OpenPgpEncryptor.toRecipients(List.of(key.publicKey())), PLAIN);
        OpenPgpDecryptor keys = OpenPgpDecryptor.withSecretKeys(List.of(key), null);
        assertThat(Messages.decrypt(keys, pk)).isEqualTo(PLAIN);
        int pkeskLength = (pk[1] & 0xFF) + 2;
        byte[] flippedSessionKey = pk.clone();
        flippedSessionKey[pkeskLength - 3] ^= 1; // inside the wrapped session key
        DecryptionException e = failure(keys, flippedSessionKey);
        assertThat(e.reason()).isEqualTo(CORRUPTED);
        assertThat(e.getMessage()).contains(key.publicKey().encryptionKeyFingerprint().orElseThrow().substring(24));
        for (int cut : new int[] {5, pkeskLength, pkeskLength + 30, pk.length / 2, pk.length - 1}) {
            assertThat(failure(keys, Arrays.copyOf(pk, cut)).reason()).as("cut at %d", cut).isEqualTo(TRUNCATED);
        }
        byte[] flippedData = pk.clone();
        flippedData[pk.length - 1000] ^= 1;
        assertThat(failure(keys, flippedData).reason()).isEqualTo(CORRUPTED);
    }

    @Test
    void ioErrorsOfTheSourcePassThroughUnchanged() {
        IOException diskError = new IOException("disk on fire");
        InputStream failing = new java.io.FilterInputStream(new ByteArrayInputStream(message)) {
            private int delivered;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (delivered > 100_000) {
                    throw diskError;
                }
                int n = super.read(b, off, len);
                delivered += Math.max(n, 0);
                return n;
            }
        };
        InputStream in = decryptor.decrypt(failing);
        org.assertj.core.api.Assertions.assertThatThrownBy(in::readAllBytes).isSameAs(diskError);
        org.assertj.core.api.Assertions.assertThatThrownBy(in::read).as("and again, never a clean end").isSameAs(diskError);
    }

    @Test
    void damagedArmorIsCaught() throws IOException {
        String armored = io.wlj.backup.crypto.internal.KeyRings.armor(message);
        assertThat(armored).startsWith("-----BEGIN PGP MESSAGE-----");
        assertThat(Messages.decrypt(decryptor, armored.getBytes(StandardCharsets.US_ASCII))).isEqualTo(PLAIN);
        byte[] truncated = armored.substring(0, armored.length() / 2).getBytes(StandardCharsets.US_ASCII);
        assertThat(failure(decryptor, truncated).reason()).isIn(TRUNCATED, CORRUPTED);
        char[] flipped = armored.toCharArray();
        int middle = armored.length() / 2;
        flipped[middle] = flipped[middle] == 'A' ? 'B' : 'A';
        assertThat(failure(decryptor, new String(flipped).getBytes(StandardCharsets.US_ASCII)).reason()).isEqualTo(CORRUPTED);
    }

    @Test
    void sedWithoutMdcIsRefused() throws Exception {
        // What GnuPG 1.x / RFC 2440 tools wrote: symmetrically encrypted data (tag 9), no MDC.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(
                new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(false)
                        .setSecureRandom(new SecureRandom()));
        generator.addMethod(new BcPBEKeyEncryptionMethodGenerator(PASSPHRASE.toCharArray()));
        try (OutputStream encrypted = generator.open(out, new byte[1 << 16]);
             OutputStream literal = new PGPLiteralDataGenerator().open(encrypted, PGPLiteralData.BINARY, "", new Date(),
                     new byte[1 << 16])) {
            literal.write(Messages.text("no integrity protection"));
        }
        byte[] sed = out.toByteArray();
        assertThat(sed[0] & 0x3F).isIn(3, 0x0C); // SKESK (new or old format)
        DecryptionException e = failure(decryptor, sed);
        assertThat(e.reason()).isEqualTo(NOT_INTEGRITY_PROTECTED);
        assertThat(e.code()).isEqualTo(ErrorCode.INTEGRITY);
        assertThat(e.getMessage()).contains("without integrity protection");
    }

    @Test
    void seipdWithoutTrailingMdcIsRefused() throws Exception {
        // A SEIPD packet whose plaintext lacks the MDC packet: prefix + literal packet only.
        byte[] skesk = Arrays.copyOf(message, 15);
        byte[] derivedKey = new io.wlj.backup.crypto.internal.S2k(3, 8, Arrays.copyOfRange(skesk, 6, 14), skesk[14] & 0xFF)
                .derive(PASSPHRASE.toCharArray(), 32);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        byte[] prefix = new byte[18];
        new SecureRandom().nextBytes(prefix);
        prefix[16] = prefix[14];
        prefix[17] = prefix[15];
        plain.write(prefix);
        byte[] text = Messages.text("no MDC at the end");
        plain.write(new byte[] {(byte) 0xCB, (byte) (6 + text.length), 'b', 0, 0, 0, 0, 0});
        plain.write(text);
        Cipher cipher = Cipher.getInstance("AES/CFB/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(derivedKey, "AES"), new IvParameterSpec(new byte[16]));
        byte[] encrypted = cipher.doFinal(plain.toByteArray());
        ByteArrayOutputStream forged = new ByteArrayOutputStream();
        forged.write(skesk);
        forged.write(new byte[] {(byte) 0xD2, (byte) (1 + encrypted.length), 1});
        forged.write(encrypted);
        DecryptionException e = failure(decryptor, forged.toByteArray());
        assertThat(e.reason()).isEqualTo(CORRUPTED);
        assertThat(e.getMessage()).contains("modification detection code");
        // Same construction with the MDC appended decrypts: the forgery above differs only by it.
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(plain.toByteArray());
        sha1.update(new byte[] {(byte) 0xD3, 0x14});
        plain.write(new byte[] {(byte) 0xD3, 0x14});
        plain.write(sha1.digest());
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(derivedKey, "AES"), new IvParameterSpec(new byte[16]));
        encrypted = cipher.doFinal(plain.toByteArray());
        forged.reset();
        forged.write(skesk);
        forged.write(new byte[] {(byte) 0xD2, (byte) (1 + encrypted.length), 1});
        forged.write(encrypted);
        assertThat(Messages.decrypt(decryptor, forged.toByteArray())).isEqualTo(text);
    }

    @Test
    void inputThatIsNotAnEncryptedMessageIsNamed() throws Exception {
        assertThat(failure(decryptor, Messages.text("just some text\n")).reason()).isEqualTo(NOT_OPENPGP);
        assertThat(failure(decryptor, Messages.text("\u0000\u0001binary")).reason()).isEqualTo(NOT_OPENPGP);
        OpenPgpSecretKey key = OpenPgpSecretKey.generate("k", KeyType.ED25519_CV25519, null);
        DecryptionException armoredKey = failure(decryptor, key.publicKey().armored().getBytes(StandardCharsets.US_ASCII));
        assertThat(armoredKey.reason()).isEqualTo(NOT_OPENPGP);
        assertThat(armoredKey.getMessage()).contains("PUBLIC KEY BLOCK");
        assertThat(failure(decryptor, key.publicKey().encoded()).reason()).isEqualTo(NOT_OPENPGP);

        ByteArrayOutputStream literalOnly = new ByteArrayOutputStream();
        try (OutputStream literal = new PGPLiteralDataGenerator().open(literalOnly, PGPLiteralData.BINARY, "", 4, new Date())) {
            literal.write(Messages.text("data"));
        }
        DecryptionException plainMessage = failure(decryptor, literalOnly.toByteArray());
        assertThat(plainMessage.reason()).isEqualTo(NOT_ENCRYPTED);
        assertThat(plainMessage.code()).isEqualTo(ErrorCode.INTEGRITY);
    }

    @Test
    void gpgSaysTheSameAboutOurDamagedMessages() throws Exception {
        try (Gpg gpg = Gpg.start()) {
            Path pass = gpg.passphraseFile(PASSPHRASE);
            Path good = dir.resolve("good.gpg");
            Files.write(good, message);
            assertThat(gpg.run("--passphrase-file", pass.toString(), "--output", dir.resolve("out").toString(),
                    "--decrypt", good.toString()).exitCode()).isZero();
            byte[] flipped = message.clone();
            flipped[message.length / 2] ^= 1;
            Path bad = dir.resolve("bad.gpg");
            Files.write(bad, flipped);
            Gpg.Result result = gpg.run("--passphrase-file", pass.toString(), "--output", dir.resolve("out2").toString(),
                    "--decrypt", bad.toString());
            assertThat(result.exitCode()).isNotZero();
            assertThat(result.stderr()).contains("WARNING: encrypted message has been manipulated");
        }
    }
}
