package io.wlj.backup.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Assertions;

/** Small helpers shared by the tests: encrypt and decrypt in memory, read until failure. */
final class Messages {
    /** An S2K count that keeps tests fast (65,536 bytes hashed); production uses 255. */
    static final int TEST_S2K_COUNT = 0x60;

    private Messages() {
    }

    static PassphraseSource passphrase(String text) {
        return PassphraseSource.of(text::toCharArray);
    }

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] encrypt(OpenPgpEncryptor encryptor, byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream encrypting = encryptor.encrypt(out)) {
            encrypting.write(plain);
        }
        return out.toByteArray();
    }

    static byte[] decrypt(OpenPgpDecryptor decryptor, byte[] message) throws IOException {
        try (InputStream in = decryptor.decrypt(new ByteArrayInputStream(message))) {
            return in.readAllBytes();
        }
    }

    /**
     * Reads {@code message} through {@code decryptor} expecting a failure: proves the stream
     * never reports a clean end, and that reading again after the failure fails again.
     */
    static DecryptionException failure(OpenPgpDecryptor decryptor, byte[] message) throws IOException {
        InputStream in = decryptor.decrypt(new ByteArrayInputStream(message));
        byte[] buffer = new byte[8192];
        DecryptionException failure = null;
        try {
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    Assertions.fail("The damaged message was read to a clean end of stream");
                }
            }
        } catch (DecryptionException e) {
            failure = e;
        }
        DecryptionException again = Assertions.assertThrows(DecryptionException.class, () -> in.read(buffer),
                "a read after a failure must fail again, never return -1");
        assertThat(again.reason()).isEqualTo(failure.reason());
        return failure;
    }
}
