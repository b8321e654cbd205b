package io.wlj.backup.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The pipelined SEIPD encryptor (helper thread on, and off as on a single core): agreement with
 * the JDK's plain AES/CFB around every boundary of its chunking, and a failing target that must
 * neither hang nor leave the helper working.
 */
class SeipdPipelineTest {
    /** Helper thread on (when this machine has more than one core) and off. */
    private static final List<Boolean> MODES = Helper.MULTI_CORE ? List.of(true, false) : List.of(false);
    private static final Duration NO_HANG = Duration.ofSeconds(60);

    @Test
    void encryptionAgreesWithJdkCfbAroundEveryBoundary() throws Exception {
        // Literal pieces: the first holds 65,530 data bytes; the last piece's length takes 1, 2 or
        // 5 bytes. Slots: the SEIPD plaintext is 19 + 65,537 per piece + ... bytes, cut every
        // SLOT bytes; the ring wraps after SLOTS slots.
        TreeSet<Integer> sizes = new TreeSet<>(List.of(0, 1, 15, 16, 17, 100, 65_529, 65_530, 65_531,
                65_530 + 65_536, 65_530 + 65_536 + 191, 65_530 + 65_536 + 192, 65_530 + 65_536 + 8_383,
                65_530 + 65_536 + 8_384, 65_530 + 2 * 65_536 - 1));
        for (int slots : new int[] {1, 2, SeipdOutputStream.SLOTS, SeipdOutputStream.SLOTS + 1}) {
            int end = slots * SeipdOutputStream.SLOT;
            for (int delta = -70; delta <= 30; delta += 7) {
                sizes.add(end - 19 - 22 - 2 * slots + delta); // about where the SEIPD plaintext ends at a slot end
            }
        }
        List<List<Integer>> writePatterns = List.of(List.of(Integer.MAX_VALUE), List.of(65_536), List.of(7_777, 1, 100_003));
        for (boolean helper : MODES) {
            for (int size : sizes) {
                byte[] plain = Seipd.random(size, size);
                for (List<Integer> writes : writePatterns) {
                    byte[] packet = Seipd.encrypt(plain, helper, writes);
                    assertThat(Seipd.referenceDecrypt(packet)).as("size %d, helper %s, writes %s", size, helper, writes)
                            .isEqualTo(plain);
                }
            }
        }
    }

    @Test
    void theHelperThreadChangesNothingInTheMessage() throws Exception {
        for (int size : new int[] {0, 1, 200_000, 1_500_003}) {
            byte[] plain = Seipd.random(size, 3);
            List<byte[]> messages = new ArrayList<>();
            for (boolean helper : List.of(true, false)) {
                SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
                random.setSeed(42); // before any output: deterministic, so both runs get the same prefix
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (OutputStream encrypting = new SeipdOutputStream(out, new byte[0], Seipd.KEY, random, helper)) {
                    Seipd.write(encrypting, plain, List.of(65_536));
                }
                messages.add(out.toByteArray());
            }
            assertThat(messages.get(0)).as("size %d", size).isEqualTo(messages.get(1));
        }
    }

    @Test
    void aFailingTargetStopsTheHelperAndNeitherWriteNorCloseHangs() {
        for (boolean helper : MODES) {
            assertTimeoutPreemptively(NO_HANG, () -> {
                IOException full = new IOException("disk full");
                CountingTarget target = new CountingTarget(700_000, full);
                SeipdOutputStream out = new SeipdOutputStream(target, new byte[0], Seipd.KEY, new SecureRandom(), helper);
                byte[] chunk = Seipd.random(65_536, 5);
                IOException thrown = assertThrows(IOException.class, () -> {
                    for (int i = 0; i < 64; i++) {
                        out.write(chunk);
                    }
                });
                assertThat(thrown).as("the target's own exception").isSameAs(full);
                assertThatThrownBy(() -> out.write(chunk)).isInstanceOf(IOException.class).hasCause(full);
                assertThatThrownBy(out::close).isInstanceOf(IOException.class).hasMessageContaining("incomplete").hasCause(full);
                assertThat(out.helperRunning()).isFalse();
                assertThat(target.closed).isTrue();
                out.close(); // again: nothing
            });
        }
    }

    @Test
    void withoutAHelperThreadNoThreadWorksForTheStream() throws Exception {
        byte[] plain = Seipd.random(1_500_000, 19);
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        SeipdOutputStream out = new SeipdOutputStream(message, new byte[0], Seipd.KEY, new SecureRandom(), false);
        for (int off = 0; off < plain.length; off += 65_536) {
            out.write(plain, off, Math.min(65_536, plain.length - off));
            assertThat(out.helperRunning()).isFalse();
        }
        out.close();
        assertThat(Seipd.referenceDecrypt(message.toByteArray())).isEqualTo(plain);
    }

    /** Accepts {@code limit} bytes, then throws {@code failure}; records close(). */
    private static final class CountingTarget extends OutputStream {
        private final long limit;
        private final IOException failure;
        private long written;
        boolean closed;

        CountingTarget(long limit, IOException failure) {
            this.limit = limit;
            this.failure = failure;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (written + len > limit) {
                throw failure;
            }
            written += len;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
