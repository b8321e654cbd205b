package io.wlj.backup.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Encrypt then decrypt is the identity, for any bytes (0 to 300 KB), any way of cutting the
 * writes and any way of cutting the reads, in passphrase and in public-key mode. The data is
 * made from a generated size and seed (generating 300 KB element by element would dominate the
 * run time); shrinking still shrinks the size and the chunkings.
 */
class RoundTripPropertyTest {
    private static final OpenPgpEncryptor PASSPHRASE_ENCRYPTOR =
            OpenPgpEncryptor.withPassphrase(Messages.passphrase("property"), Messages.TEST_S2K_COUNT);
    private static final OpenPgpDecryptor PASSPHRASE_DECRYPTOR =
            OpenPgpDecryptor.withPassphrase(Messages.passphrase("property"));
    private static final OpenPgpSecretKey KEY = OpenPgpSecretKey.generate("property", KeyType.ED25519_CV25519, null);
    private static final OpenPgpEncryptor KEY_ENCRYPTOR = OpenPgpEncryptor.toRecipients(List.of(KEY.publicKey()));
    private static final OpenPgpDecryptor KEY_DECRYPTOR = OpenPgpDecryptor.withSecretKeys(List.of(KEY), null);

    @AfterContainer
    static void closeKeys() {
        PASSPHRASE_ENCRYPTOR.close();
        PASSPHRASE_DECRYPTOR.close();
    }

    @Property(tries = 60)
    void passphraseRoundTrip(@ForAll @IntRange(max = 300_000) int size, @ForAll long seed,
                             @ForAll("chunks") List<Integer> writes, @ForAll("chunks") List<Integer> reads)
            throws IOException {
        byte[] plain = Messages.random(size, seed);
        assertThat(roundTrip(PASSPHRASE_ENCRYPTOR, PASSPHRASE_DECRYPTOR, plain, writes, reads)).isEqualTo(plain);
    }

    @Property(tries = 40)
    void publicKeyRoundTrip(@ForAll @IntRange(max = 300_000) int size, @ForAll long seed,
                            @ForAll("chunks") List<Integer> writes, @ForAll("chunks") List<Integer> reads)
            throws IOException {
        byte[] plain = Messages.random(size, seed);
        assertThat(roundTrip(KEY_ENCRYPTOR, KEY_DECRYPTOR, plain, writes, reads)).isEqualTo(plain);
    }

    /** Chunk sizes from single bytes to more than one 64 KiB piece; 0 means write(int) / read(). */
    @Provide
    Arbitrary<List<Integer>> chunks() {
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(1, Arbitraries.just(0)),
                        net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(1, 100)),
                        net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(100, 70_000)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(65_530, 140_000)))
                .list().ofMinSize(1).ofMaxSize(8);
    }

    private static byte[] roundTrip(OpenPgpEncryptor encryptor, OpenPgpDecryptor decryptor, byte[] plain,
                                    List<Integer> writes, List<Integer> reads) throws IOException {
        ByteArrayOutputStream encrypted = new ByteArrayOutputStream();
        try (OutputStream out = encryptor.encrypt(encrypted)) {
            int off = 0;
            for (int i = 0; off < plain.length; i++) {
                int chunk = writes.get(i % writes.size());
                if (chunk == 0) {
                    out.write(plain[off++]);
                } else {
                    int n = Math.min(chunk, plain.length - off);
                    out.write(plain, off, n);
                    off += n;
                }
            }
        }
        ByteArrayOutputStream decrypted = new ByteArrayOutputStream();
        try (InputStream in = decryptor.decrypt(new ByteArrayInputStream(encrypted.toByteArray()))) {
            byte[] buffer = new byte[140_000];
            for (int i = 0; ; i++) {
                int chunk = reads.get(i % reads.size());
                if (chunk == 0) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    decrypted.write(b);
                } else {
                    int n = in.read(buffer, 0, chunk);
                    if (n < 0) {
                        break;
                    }
                    decrypted.write(buffer, 0, n);
                }
            }
        }
        return decrypted.toByteArray();
    }
}
