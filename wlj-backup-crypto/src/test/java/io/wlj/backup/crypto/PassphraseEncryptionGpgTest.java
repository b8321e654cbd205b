package io.wlj.backup.crypto;

import static io.wlj.backup.crypto.Messages.TEST_S2K_COUNT;
import static io.wlj.backup.crypto.Messages.encrypt;
import static io.wlj.backup.crypto.Messages.passphrase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.crypto.internal.S2k;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Passphrase messages we write, read by the real gpg 2.2. */
class PassphraseEncryptionGpgTest {
    private static final String PASSPHRASE = "correct horse battery staple";

    @TempDir
    Path dir;
    private Gpg gpg;
    private Path passFile;

    @BeforeEach
    void startGpg() throws IOException {
        gpg = Gpg.start();
        passFile = gpg.passphraseFile(PASSPHRASE);
    }

    @AfterEach
    void stopGpg() throws Exception {
        gpg.close();
    }

    private byte[] gpgDecrypt(byte[] message, Path passphraseFile) throws Exception {
        Path in = Files.createTempFile(dir, "msg", ".gpg");
        Path out = dir.resolve("plain-" + System.nanoTime());
        Files.write(in, message);
        gpg.ok("--passphrase-file", passphraseFile.toString(), "--output", out.toString(), "--decrypt", in.toString());
        return Files.readAllBytes(out);
    }

    /** Sizes around the 64 KiB partial-body chunks of the literal packet (6 header bytes) and of the SEIPD. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, 65_529, 65_530, 65_531, 65_536, 131_072, 200_001, 1_048_576 + 7})
    void gpgDecryptsOurPassphraseMessages(int size) throws Exception {
        byte[] plain = Messages.random(size, size);
        try (OpenPgpEncryptor encryptor = OpenPgpEncryptor.withPassphrase(passphrase(PASSPHRASE), TEST_S2K_COUNT)) {
            assertThat(gpgDecrypt(encrypt(encryptor, plain), passFile)).isEqualTo(plain);
        }
    }

    @Test
    void writesByteByByteAndInOddChunks() throws Exception {
        byte[] plain = Messages.random(150_000, 7);
        try (OpenPgpEncryptor encryptor = OpenPgpEncryptor.withPassphrase(passphrase(PASSPHRASE), TEST_S2K_COUNT)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (OutputStream encrypting = encryptor.encrypt(out)) {
                int i = 0;
                int step = 1;
                while (i < plain.length) {
                    if (step == 1) {
                        encrypting.write(plain[i]);
                    } else {
                        encrypting.write(plain, i, Math.min(step, plain.length - i));
                    }
                    i += step;
                    step = step * 3 % 70_001;
                }
            }
            assertThat(gpgDecrypt(out.toByteArray(), passFile)).isEqualTo(plain);
        }
    }

    @Test
    void packetsAreSkeskV4AndSeipdWithMdcWithoutCompression() throws Exception {
        byte[] message;
        try (OpenPgpEncryptor encryptor = OpenPgpEncryptor.withPassphrase(passphrase(PASSPHRASE), TEST_S2K_COUNT)) {
            message = encrypt(encryptor, Messages.random(200_000, 1));
        }
        Path file = dir.resolve("layout.gpg");
        Files.write(file, message);
        Gpg.Result listing = gpg.ok("--passphrase-file", passFile.toString(), "--list-packets", file.toString());
        String packets = listing.out();
        assertThat(packets)
                .contains(":symkey enc packet: version 4, cipher 9, aead 0,s2k 3, hash 8")
                .contains("count 65536 (96)")
                .contains("tag=18")
                .contains(":encrypted data packet:")
                .contains("mdc_method: 2")
                .contains(":literal data packet:")
                .contains("mode b")
                .doesNotContain("compressed packet")
                .doesNotContain("tag=20")   // no AEAD packet
                .doesNotContain("tag=9 ");  // no unprotected SED packet
        assertThat(listing.stderr()).contains("AES256").doesNotContain("WARNING");
        // The exact 15-byte SKESK: new-format tag 3, length 13, v4, AES-256, S2K 3, SHA-256, salt, count.
        assertThat(Arrays.copyOfRange(message, 0, 6)).containsExactly(0xC3, 13, 4, 9, 3, 8);
        assertThat(message[14]).isEqualTo((byte) 0x60);
        assertThat(message[15] & 0xFF).as("SEIPD, new format").isEqualTo(0xD2);
        assertThat(message[16] & 0xFF).as("first partial body length 2^16").isEqualTo(0xF0);
        assertThat(message[17]).as("SEIPD version").isEqualTo((byte) 1);
    }

    @Test
    void manyMessagesShareOneDerivation() throws Exception {
        long before = S2k.derivations();
        List<byte[]> messages = new ArrayList<>();
        List<byte[]> plains = new ArrayList<>();
        try (OpenPgpEncryptor encryptor = OpenPgpEncryptor.withPassphrase(passphrase(PASSPHRASE), TEST_S2K_COUNT)) {
            for (int i = 0; i < 12; i++) {
                byte[] plain = Messages.random(1000 * i, i);
                plains.add(plain);
                messages.add(encrypt(encryptor, plain));
            }
        }
        assertThat(S2k.derivations() - before).as("S2K derivations for 12 messages").isEqualTo(1);
        for (int i = 0; i < messages.size(); i++) {
            assertThat(gpgDecrypt(messages.get(i), passFile)).isEqualTo(plains.get(i));
            // Same SKESK (salt, count) in every message, fresh random prefix in each SEIPD.
            assertThat(Arrays.copyOfRange(messages.get(i), 0, 15)).isEqualTo(Arrays.copyOfRange(messages.get(0), 0, 15));
        }
        assertThat(Arrays.copyOfRange(messages.get(1), 15, 40)).isNotEqualTo(Arrays.copyOfRange(messages.get(2), 15, 40));
        // A restore derives once too: the decryptor caches the key by S2K salt and count.
        long beforeRestore = S2k.derivations();
        try (OpenPgpDecryptor decryptor = OpenPgpDecryptor.withPassphrase(passphrase(PASSPHRASE))) {
            for (int i = 0; i < messages.size(); i++) {
                assertThat(Messages.decrypt(decryptor, messages.get(i))).isEqualTo(plains.get(i));
            }
        }
        assertThat(S2k.derivations() - beforeRestore).as("S2K derivations to decrypt 12 messages").isEqualTo(1);
    }

    @Test
    void defaultCountIsGnupgsMaximum() throws Exception {
        byte[] plain = Messages.text("default S2K count");
        byte[] message;
        try (OpenPgpEncryptor encryptor = OpenPgpEncryptor.withPassphrase(passphrase(PASSPHRASE))) {
            assertThat(encryptor.s2kCount()).isEqualTo(255);
            assertThat(OpenPgpEncryptor.s2kIterations(encryptor.s2kCount())).isEqualTo(65_011_712L);
            message = encrypt(encryptor, plain);
        }
        Path file = dir.resolve("default.gpg");
        Files.write(file, message);
        assertThat(gpg.ok("--passphrase-file", passFile.toString(), "--list-packets", file.toString()).out())
                .contains("count 65011712 (255)");
        assertThat(gpgDecrypt(message, passFile)).isEqualTo(plain);
        try (OpenPgpDecryptor decryptor = OpenPgpDecryptor.withPassphrase(passphrase(PASSPHRASE))) {
            assertThat(Messages.decrypt(decryptor, message)).isEqualTo(plain);
        }
    }

    @Test
    void nonAsciiPassphraseIsUtf8LikeGpg() throws Exception {
        String unicode = "pässwörd ✓ 🔐";
        Path file = gpg.passphraseFile(unicode);
        byte[] plain = Messages.text("unicode");
        try (OpenPgpEncryptor encryptor = OpenPgpEncryptor.withPassphrase(PassphraseSource.file(file), TEST_S2K_COUNT)) {
            assertThat(gpgDecrypt(encrypt(encryptor, plain), file)).isEqualTo(plain);
        }
    }

    @Test
    void closedEncryptorRefusesNewMessages() throws Exception {
        OpenPgpEncryptor encryptor = OpenPgpEncryptor.withPassphrase(passphrase(PASSPHRASE), TEST_S2K_COUNT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OutputStream open = encryptor.encrypt(out);
        encryptor.close();
        open.write(Messages.text("started before close"));
        open.close();
        assertThat(gpgDecrypt(out.toByteArray(), passFile)).isEqualTo(Messages.text("started before close"));
        assertThatThrownBy(() -> encryptor.encrypt(new ByteArrayOutputStream())).isInstanceOf(IllegalStateException.class);
        assertThat(encryptor.toString()).doesNotContain(PASSPHRASE).contains("S2K");
    }
}
