package io.wlj.backup.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Encrypt then decrypt is the identity for messages up to 1.2 MB (the encryptor's and the
 * decryptor's rings wrap around at 512 KiB), any cutting of writes and reads, with or without
 * the helper thread on either side; and the message agrees with the JDK's plain AES/CFB.
 */
class SeipdPipelinePropertyTest {
    @Property(tries = 30)
    void roundTrip(@ForAll @IntRange(max = 1_200_000) int size, @ForAll long seed,
                   @ForAll("chunks") List<Integer> writes, @ForAll("chunks") List<Integer> reads,
                   @ForAll boolean helperEncrypting, @ForAll boolean helperDecrypting) throws Exception {
        byte[] plain = Seipd.random(size, seed);
        byte[] packet = Seipd.encrypt(plain, helperEncrypting && Helper.MULTI_CORE, writes);
        assertThat(Seipd.decrypt(packet, helperDecrypting && Helper.MULTI_CORE, reads)).isEqualTo(plain);
        assertThat(Seipd.referenceDecrypt(packet)).isEqualTo(plain);
    }

    /** From single bytes to more than one slot; 0 means write(int) / read(), kept rare on these sizes. */
    @Provide
    Arbitrary<List<Integer>> chunks() {
        return Arbitraries.frequencyOf(
                        Tuple.of(1, Arbitraries.integers().between(1, 100)),
                        Tuple.of(4, Arbitraries.integers().between(100, 70_000)),
                        Tuple.of(2, Arbitraries.integers().between(65_530, 300_000)))
                .list().ofMinSize(1).ofMaxSize(6);
    }
}
