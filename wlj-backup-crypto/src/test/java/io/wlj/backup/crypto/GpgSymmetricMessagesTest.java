package io.wlj.backup.crypto;

import static io.wlj.backup.crypto.Messages.passphrase;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Messages made by {@code gpg --symmetric}, read by our decryptor. */
class GpgSymmetricMessagesTest {
    private static final String PASSPHRASE = "gpg made this";
    private static Gpg gpg;
    private static Path passFile;
    private static OpenPgpDecryptor decryptor;

    @TempDir
    Path dir;

    @BeforeAll
    static void startGpg() throws IOException {
        gpg = Gpg.start();
        passFile = gpg.passphraseFile(PASSPHRASE);
        decryptor = OpenPgpDecryptor.withPassphrase(passphrase(PASSPHRASE));
    }

    @AfterAll
    static void stopGpg() throws Exception {
        if (decryptor != null) {
            decryptor.close();
        }
        if (gpg != null) {
            gpg.close();
        }
    }

    static Stream<Arguments> variants() {
        List<Arguments> all = new ArrayList<>();
        for (String compression : new String[] {"default", "none", "zip", "zlib", "bzip2"}) {
            for (boolean armor : new boolean[] {false, true}) {
                for (boolean stdin : new boolean[] {false, true}) {
                    all.add(Arguments.of(compression, armor, stdin));
                }
            }
        }
        return all.stream();
    }

    /**
     * Default gpg compresses (ZIP); reading from a pipe makes gpg use partial body lengths, from a
     * file definite ones. Compressible text and incompressible random data, over several chunks.
     */
    @ParameterizedTest(name = "compress {0}, armor {1}, stdin {2}")
    @MethodSource("variants")
    void decryptsGpgSymmetricMessages(String compression, boolean armor, boolean stdin) throws Exception {
        byte[] plain = mixed(300_000);
        Path input = dir.resolve("plain.bin");
        Files.write(input, plain);
        Path message = dir.resolve(armor ? "message.asc" : "message.gpg");
        List<String> args = new ArrayList<>(List.of("--passphrase-file", passFile.toString(), "--s2k-count", "65536",
                "--cipher-algo", "AES256", "--output", message.toString()));
        if (!compression.equals("default")) {
            args.addAll(List.of("--compress-algo", compression));
        }
        if (armor) {
            args.add("--armor");
        }
        args.add("--symmetric");
        if (stdin) {
            gpg.okWithInput(input, args.toArray(String[]::new));
        } else {
            args.add(input.toString());
            gpg.ok(args.toArray(String[]::new));
        }
        try (InputStream in = decryptor.decrypt(Files.newInputStream(message))) {
            assertThat(readInOddSizes(in)).isEqualTo(plain);
        }
    }

    @Test
    void decryptsGpgDefaultsAes128AndSha1() throws Exception {
        byte[] plain = "gpg's own defaults: AES-128 and an SHA-1 S2K".getBytes(StandardCharsets.UTF_8);
        Path input = dir.resolve("plain.txt");
        Files.write(input, plain);
        Path message = dir.resolve("message.gpg");
        gpg.ok("--passphrase-file", passFile.toString(), "--s2k-count", "65536", "--output", message.toString(),
                "--symmetric", input.toString());
        assertThat(gpg.ok("--passphrase-file", passFile.toString(), "--list-packets", message.toString()).out())
                .contains("symkey enc packet: version 4");
        assertThat(Messages.decrypt(decryptor, Files.readAllBytes(message))).isEqualTo(plain);
    }

    @Test
    void decryptsOtherS2kDigestsAndModes() throws Exception {
        byte[] plain = "S2K variants".getBytes(StandardCharsets.UTF_8);
        Path input = dir.resolve("plain.txt");
        Files.write(input, plain);
        String[][] variants = {
            {"--s2k-digest-algo", "SHA512", "--s2k-count", "65536"},
            {"--s2k-digest-algo", "SHA256", "--s2k-count", "1048576"},
            {"--s2k-digest-algo", "SHA1", "--s2k-mode", "1"},
            {"--cipher-algo", "AES192", "--s2k-count", "65536"},
        };
        for (String[] variant : variants) {
            Path message = dir.resolve("message-" + String.join("", variant) + ".gpg");
            List<String> args = new ArrayList<>(List.of("--passphrase-file", passFile.toString(), "--output", message.toString()));
            args.addAll(List.of(variant));
            args.addAll(List.of("--symmetric", input.toString()));
            gpg.ok(args.toArray(String[]::new));
            assertThat(Messages.decrypt(decryptor, Files.readAllBytes(message))).as(String.join(" ", variant)).isEqualTo(plain);
        }
    }

    @Test
    void otherCiphersAreNamedAsUnsupported() throws Exception {
        Path input = dir.resolve("plain.txt");
        Files.write(input, Messages.text("twofish"));
        Path message = dir.resolve("twofish.gpg");
        gpg.ok("--passphrase-file", passFile.toString(), "--s2k-count", "65536", "--cipher-algo", "TWOFISH",
                "--output", message.toString(), "--symmetric", input.toString());
        DecryptionException e = Messages.failure(decryptor, Files.readAllBytes(message));
        assertThat(e.reason()).isEqualTo(DecryptionException.Reason.UNSUPPORTED);
        assertThat(e.code()).isEqualTo(io.wlj.backup.ErrorCode.BAD_INPUT);
        assertThat(e.getMessage()).contains("Twofish").contains("AES-256");
    }

    @Test
    void decryptsEmptyMessage() throws Exception {
        Path input = dir.resolve("empty");
        Files.write(input, new byte[0]);
        Path message = dir.resolve("empty.gpg");
        gpg.ok("--passphrase-file", passFile.toString(), "--s2k-count", "65536", "--output", message.toString(),
                "--symmetric", input.toString());
        assertThat(Messages.decrypt(decryptor, Files.readAllBytes(message))).isEmpty();
    }

    /** Half text (compresses well), half random (does not). */
    static byte[] mixed(int size) {
        byte[] data = Messages.random(size, size);
        byte[] text = "All work and no play makes Jack a dull boy.\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < size / 2; i++) {
            data[i] = text[i % text.length];
        }
        return data;
    }

    /** Reads with varying buffer sizes, so every stream layer sees short and long reads. */
    static byte[] readInOddSizes(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int[] sizes = {1, 7, 4096, 65_536, 100_003, 3};
        byte[] buffer = new byte[100_003];
        for (int i = 0; ; i++) {
            int n = in.read(buffer, 0, sizes[i % sizes.length]);
            if (n < 0) {
                return out.toByteArray();
            }
            out.write(buffer, 0, n);
        }
    }
}
