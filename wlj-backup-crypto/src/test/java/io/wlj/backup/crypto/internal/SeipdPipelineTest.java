package io.wlj.backup.crypto.internal;

import static io.wlj.backup.crypto.DecryptionException.Reason.CORRUPTED;
import static io.wlj.backup.crypto.DecryptionException.Reason.TRUNCATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.wlj.backup.crypto.DecryptionException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The pipelined SEIPD streams (helper thread on, and off as on a single core): agreement with
 * the JDK's plain AES/CFB around every boundary of their chunking, damage anywhere in messages
 * that span many ring slots, and failures or early closes that must neither hang nor leave the
 * helper working.
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
    void decryptionAgreesWithJdkCfbAroundEveryBoundary() throws Exception {
        // The decryptor reads CHUNK bytes per slot plus LOOKAHEAD, so that the MDC (the last 22
        // bytes) never straddles two slots; its first slot starts small and grows.
        TreeSet<Integer> lengths = new TreeSet<>();
        for (int base : new int[] {0, 16 * 1024, 64 * 1024, SeipdInputStream.CHUNK, 2 * SeipdInputStream.CHUNK,
            SeipdInputStream.SLOTS * SeipdInputStream.CHUNK, (SeipdInputStream.SLOTS + 1) * SeipdInputStream.CHUNK}) {
            for (int d : new int[] {-33, -17, -16, -1, 0, 1, 15, 16, 21, 22, 23, 31, 32, 33, 40, 48, 54}) {
                int length = base + d;
                if (Seipd.dataSizeForCiphertext(length) >= 0) {
                    lengths.add(length);
                }
            }
        }
        List<List<Integer>> readPatterns = List.of(List.of(65_536), List.of(1, 4_097), List.of(200_000), List.of(0, 31));
        for (boolean helper : MODES) {
            for (int length : lengths) {
                byte[] data = Seipd.random(Seipd.dataSizeForCiphertext(length), length);
                byte[] packet = Seipd.referenceEncrypt(data);
                for (List<Integer> reads : readPatterns) {
                    if (reads.contains(0) && length > 70_000) {
                        continue; // single-byte reads of large messages only take time
                    }
                    assertThat(Seipd.decrypt(packet, helper, reads)).as("ciphertext %d, helper %s, reads %s", length,
                            helper, reads).isEqualTo(data);
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
    void damageAnywhereInALargeMessageIsCaughtAndNeverEndsCleanly() throws Exception {
        byte[] plain = Seipd.random(3 * 1024 * 1024 + 12_345, 11);
        byte[] packet = Seipd.encrypt(plain, true, List.of(65_536));
        int n = packet.length;
        List<Integer> flips = new ArrayList<>(List.of(packetOffset(0), packetOffset(17), packetOffset(40), n / 3, n / 2, n - 23,
                n - 22, n - 21, n - 2, n - 1));
        List<Integer> cuts = new ArrayList<>(List.of(packetOffset(18), packetOffset(100), n / 2, n - 33, n - 22, n - 21, n - 1));
        for (int slot = 1; slot <= SeipdInputStream.SLOTS + 2; slot++) {
            for (int d : new int[] {-17, -1, 0, 1, 16, 31, 32, 33}) {
                int at = packetOffset(slot * SeipdInputStream.CHUNK + d);
                flips.add(at);
                cuts.add(at);
            }
        }
        for (boolean helper : MODES) {
            for (int at : flips) {
                byte[] damaged = packet.clone();
                damaged[at] ^= 0x10;
                DecryptionException e = failure(damaged, helper);
                assertThat(e.reason()).as("flip at %d of %d, helper %s: %s", at, n, helper, e.getMessage()).isEqualTo(CORRUPTED);
            }
            for (int cut : cuts) {
                DecryptionException e = failure(Arrays.copyOf(packet, cut), helper);
                assertThat(e.reason()).as("cut at %d of %d, helper %s: %s", cut, n, helper, e.getMessage()).isEqualTo(TRUNCATED);
            }
        }
    }

    /** Where ciphertext byte {@code c} lies in a packet written by SeipdOutputStream (64 KiB pieces, tag, version). */
    private static int packetOffset(int c) {
        int body = c + 1; // after the version byte
        return 1 + (body / 65_536) * 65_537 + 1 + body % 65_536;
    }

    /**
     * Reads the data until it fails, then the SEIPD stream on to its end: the stream itself must
     * fail (whatever the literal packet's parsing noticed first), never end cleanly, and fail again
     * the same way. Returns the stream's failure.
     */
    private static DecryptionException failure(byte[] packet, boolean helper) throws IOException {
        SeipdInputStream inner = Seipd.open(new ByteArrayInputStream(packet), helper);
        byte[] buffer = new byte[65_536];
        try {
            InputStream data = Seipd.literal(inner);
            while (data.read(buffer) >= 0) {
                // handed out before the damage shows
            }
        } catch (DecryptionException e) {
            assertThat(e.reason()).isIn(CORRUPTED, TRUNCATED);
        }
        DecryptionException failure = assertThrows(DecryptionException.class, () -> {
            while (inner.read(buffer) >= 0) {
                // the rest of the packet
            }
        }, "a damaged message must not end cleanly");
        DecryptionException again = assertThrows(DecryptionException.class, () -> inner.read(buffer));
        assertThat(again.reason()).isEqualTo(failure.reason());
        inner.close();
        assertThat(inner.helperRunning()).isFalse();
        return failure;
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
    void aFailingSourceIsThrownWhereItFailsAndNeitherReadNorCloseHangs() throws Exception {
        byte[] plain = Seipd.random(3 * 1024 * 1024, 13);
        byte[] packet = Seipd.encrypt(plain, true, List.of(65_536));
        int failAt = 1_000_000;
        for (boolean helper : MODES) {
            assertTimeoutPreemptively(NO_HANG, () -> {
                IOException unreadable = new IOException("unreadable sector");
                InputStream source = new FilterInputStream(new ByteArrayInputStream(packet)) {
                    private long delivered;

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (delivered >= failAt) {
                            throw unreadable;
                        }
                        int n = super.read(b, off, (int) Math.min(len, failAt - delivered));
                        delivered += Math.max(0, n);
                        return n;
                    }
                };
                SeipdInputStream inner = Seipd.open(source, helper);
                InputStream data = Seipd.literal(inner);
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                byte[] buffer = new byte[65_536];
                IOException thrown = assertThrows(IOException.class, () -> {
                    int n;
                    while ((n = data.read(buffer)) >= 0) {
                        got.write(buffer, 0, n);
                    }
                });
                assertThat(thrown).isSameAs(unreadable);
                // The plaintext before the failure was handed out first (less the held-back 22
                // bytes and the framing), as without read-ahead, and it is right.
                assertThat(got.size()).isBetween(failAt - 1_000, failAt);
                assertThat(got.toByteArray()).isEqualTo(Arrays.copyOf(plain, got.size()));
                assertThatThrownBy(() -> data.read(buffer)).isSameAs(unreadable);
                inner.close();
                assertThat(inner.helperRunning()).isFalse();
                assertThatThrownBy(() -> inner.read(buffer)).isInstanceOf(IOException.class).hasMessageContaining("closed");
            });
        }
    }

    @Test
    void closingADecryptionEarlyStopsTheHelperWithoutHanging() throws Exception {
        byte[] plain = Seipd.random(3 * 1024 * 1024, 17);
        byte[] packet = Seipd.encrypt(plain, true, List.of(65_536));
        for (boolean helper : MODES) {
            for (int readFirst : new int[] {0, 1, 300_000, 2_000_000}) {
                assertTimeoutPreemptively(NO_HANG, () -> {
                    SeipdInputStream inner = Seipd.open(new ByteArrayInputStream(packet), helper);
                    InputStream data = Seipd.literal(inner);
                    byte[] got = data.readNBytes(readFirst);
                    assertThat(got).isEqualTo(Arrays.copyOf(plain, readFirst));
                    inner.close();
                    assertThat(inner.helperRunning()).isFalse();
                    assertThatThrownBy(inner::read).isInstanceOf(IOException.class);
                    inner.close(); // again: nothing
                });
            }
        }
    }

    @Test
    void withoutAHelperThreadNoThreadWorksForTheStreams() throws Exception {
        byte[] plain = Seipd.random(1_500_000, 19);
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        SeipdOutputStream out = new SeipdOutputStream(message, new byte[0], Seipd.KEY, new SecureRandom(), false);
        for (int off = 0; off < plain.length; off += 65_536) {
            out.write(plain, off, Math.min(65_536, plain.length - off));
            assertThat(out.helperRunning()).isFalse();
        }
        out.close();
        try (SeipdInputStream inner = Seipd.open(new ByteArrayInputStream(message.toByteArray()), false)) {
            InputStream data = Seipd.literal(inner);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buffer = new byte[65_536];
            int n;
            while ((n = data.read(buffer)) >= 0) {
                got.write(buffer, 0, n);
                assertThat(inner.helperRunning()).isFalse();
            }
            assertThat(got.toByteArray()).isEqualTo(plain);
        }
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
