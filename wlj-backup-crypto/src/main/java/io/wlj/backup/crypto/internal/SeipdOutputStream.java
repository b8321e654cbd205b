package io.wlj.backup.crypto.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes one OpenPGP message: the given session-key packets, then a SEIPD v1 packet (tag 18)
 * holding, encrypted with AES in OpenPGP CFB mode (CFB-128, zero IV, no resynchronisation):
 *
 * <pre>
 *   16 random bytes, their last 2 bytes again           (the "quick check" prefix)
 *   literal data packet (tag 11): 'b', empty file name, date 0, the data
 *   MDC packet 0xD3 0x14 + SHA-1(everything above including 0xD3 0x14)
 * </pre>
 *
 * Both the SEIPD and the literal packet use partial body lengths of 64 KiB (header byte 0xF0)
 * and a definite length for the last piece, so messages of any size stream in constant memory
 * and nobody needs to know the size in advance. There is no compression packet: compression is
 * a separate pipeline stage. This is the packet layout {@code gpg --compress-algo none} writes,
 * with the new packet format throughout.
 *
 * <p>Pipeline. The plaintext above (the "SEIPD plaintext") is assembled in a ring of
 * {@link #SLOTS} slots of {@link #SLOT} bytes. The keystream is a serial AES/CBC chain over it
 * (see {@link Cfb}), the one thing that cannot be split, so a helper thread ({@link Helper})
 * runs only that, slot after slot, while the caller copies data in, hashes it (SHA-1 for the
 * MDC), XORs the slots whose keystream is ready and writes them out, in order. A literal piece's
 * length byte is a placeholder until the piece is complete; slots before it are final and go to
 * the chain at once. Messages that fit in one slot never involve the helper.
 */
public final class SeipdOutputStream extends OutputStream {
    /** Partial-body piece size of both packets. */
    public static final int CHUNK = 1 << 16;
    /** SEIPD plaintext per helper task; a multiple of the AES block. */
    static final int SLOT = 1 << 17;
    static final int SLOTS = 4;
    private static final int BLOCK = Cfb.BLOCK;
    private static final int PARTIAL_CHUNK = 0xE0 | 16; // partial body length 2^16
    private static final int LITERAL_HEADER = 6;        // 'b', name length 0, 4-byte date 0

    private final OutputStream out;
    private final Helper helper;
    private final Cipher chain;                 // CBC keystream chain; one thread at a time (chainBusy)
    private final byte[] carry = new byte[BLOCK]; // keystream block for the next slot's first block
    private final MessageDigest sha1;
    private final Slot[] ring = new Slot[SLOTS];
    private final byte[] one = new byte[1];

    // Caller-thread state. Positions count bytes of the SEIPD plaintext.
    private long pos;          // bytes placed
    private long pieceStart;   // position of the current literal piece's length byte (a placeholder)
    private int pieceLength;   // data bytes in the current literal piece
    private long hashedTo;
    private long hashLimit = Long.MAX_VALUE; // the SHA-1 covers nothing after the MDC header
    private long submitted;    // slots [0, submitted) are final and handed to the chain
    private long retired;      // slots [0, retired) are written out
    private boolean helperUsed;
    private byte[] frame;      // the SEIPD piece being assembled; frame[0] is its length byte
    private int frameLength;
    private boolean closed;
    private Throwable broken;  // an earlier write failed: the message can no longer be completed

    // Guarded by the helper's lock.
    private long keyed;        // slots [0, keyed) have their keystream
    private boolean chainBusy;

    /** SEIPD plaintext at plain[BLOCK..], its keystream at the same index of stream (see {@link Cfb#xor}). */
    private static final class Slot {
        byte[] plain;
        byte[] stream;   // keystream, then ciphertext after the XOR; the CBC writes from index 2 * BLOCK
        int length;
    }

    /**
     * @param leadingPackets the encoded SKESK/PKESK packets, written first
     * @param sessionKey     the AES key; copied into the cipher, the caller zeroes its array
     */
    public SeipdOutputStream(OutputStream out, byte[] leadingPackets, byte[] sessionKey, SecureRandom random)
            throws IOException {
        this(out, leadingPackets, sessionKey, random, Helper.MULTI_CORE);
    }

    /** {@code helperThread} false does all the work on the caller's thread, as on a single core. */
    SeipdOutputStream(OutputStream out, byte[] leadingPackets, byte[] sessionKey, SecureRandom random,
                      boolean helperThread) throws IOException {
        this.out = out;
        SecretKeySpec key = new SecretKeySpec(sessionKey, "AES");
        this.chain = Cfb.keystreamChain(key);
        Cfb.firstKeystreamBlock(key, carry);
        try {
            this.sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no SHA-1", e);
        }
        this.helper = new Helper(this::claim, helperThread);
        out.write(leadingPackets);
        out.write(0xC0 | 18); // SEIPD packet, new format; its lengths precede each piece
        frame = Cfb.grow(null, 2, 1 + CHUNK);
        frame[1] = 1; // SEIPD version 1, the only body byte outside the encryption
        frameLength = 1;
        byte[] start = new byte[BLOCK + 2 + 2 + LITERAL_HEADER];
        byte[] prefix = new byte[BLOCK];
        random.nextBytes(prefix);
        System.arraycopy(prefix, 0, start, 0, BLOCK);
        Arrays.fill(prefix, (byte) 0);
        start[16] = start[14];
        start[17] = start[15];
        start[18] = (byte) (0xC0 | 11); // literal data packet, new format; its lengths follow each piece
        start[19] = 0;                 // placeholder for the first piece's length
        start[20] = 'b';               // then name length and date, all 0
        place(start, 0, start.length);
        Arrays.fill(start, (byte) 0);
        pieceStart = 19;
        pieceLength = LITERAL_HEADER;
    }

    @Override
    public void write(int b) throws IOException {
        one[0] = (byte) b;
        write(one, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        Objects.checkFromIndexSize(off, len, b.length);
        try {
            while (len > 0) {
                int n = Math.min(len, CHUNK - pieceLength);
                place(b, off, n);
                pieceLength += n;
                off += n;
                len -= n;
                if (pieceLength == CHUNK) {
                    // The piece is complete: its length byte is known, and so is everything before the next one.
                    slot(pieceStart).plain[BLOCK + offset(pieceStart)] = (byte) PARTIAL_CHUNK;
                    pieceStart = pos;
                    pieceLength = 0;
                    one[0] = 0;
                    place(one, 0, 1); // placeholder for the next piece's length
                    while ((submitted + 1) * SLOT <= pieceStart) {
                        submit(SLOT);
                    }
                    retireReady();
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            broken = e;
            throw e;
        }
    }

    private static int offset(long position) {
        return (int) (position % SLOT);
    }

    private Slot slot(long position) {
        return ring[(int) ((position / SLOT) % SLOTS)];
    }

    /** Appends to the SEIPD plaintext, freeing ring slots (writing them out) as needed. */
    private void place(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            long number = pos / SLOT;
            int at = offset(pos);
            if (at == 0) {
                while (number - retired >= SLOTS) {
                    retireOldest();
                }
                if (ring[(int) (number % SLOTS)] == null) {
                    ring[(int) (number % SLOTS)] = new Slot();
                }
            }
            Slot slot = ring[(int) (number % SLOTS)];
            int n = Math.min(len, SLOT - at);
            slot.plain = Cfb.grow(slot.plain, BLOCK + at + n, BLOCK + SLOT);
            System.arraycopy(b, off, slot.plain, BLOCK + at, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    /** Hands the next slot, final with {@code length} bytes, to the keystream chain, then hashes it here meanwhile. */
    private void submit(int length) {
        long number = submitted;
        Slot slot = ring[(int) (number % SLOTS)];
        slot.length = length;
        slot.stream = Cfb.grow(slot.stream, 2 * BLOCK + length, 2 * BLOCK + SLOT);
        helper.lock();
        try {
            submitted = number + 1;
            if (!closed) {
                helperUsed = true; // a message longer than one slot: worth the second core
            }
            if (helperUsed) {
                helper.wake();
            }
        } finally {
            helper.unlock();
        }
        long end = Math.min(number * SLOT + length, hashLimit);
        if (hashedTo < end) {
            Cfb.hash(sha1, slot.plain, BLOCK + offset(hashedTo), (int) (end - hashedTo));
            hashedTo = end;
        }
    }

    /** Lock held: the chain's next slot, for whichever thread may run it. */
    private Helper.Task claim(boolean forHelper) {
        if (chainBusy || keyed == submitted || (!forHelper && helper.running())) {
            return null;
        }
        chainBusy = true;
        Slot slot = ring[(int) (keyed % SLOTS)];
        return new Helper.Task() {
            @Override
            public void run(boolean onHelper) {
                keystream(slot);
            }

            @Override
            public void finished() {
                chainBusy = false;
                keyed++;
            }
        };
    }

    /** stream[BLOCK + i] = keystream for plain[BLOCK + i]; the last block's is carried to the next slot. */
    private void keystream(Slot slot) {
        int whole = slot.length & -BLOCK;
        System.arraycopy(carry, 0, slot.stream, BLOCK, BLOCK);
        for (int at = 0; at < whole; at += Cfb.UPDATE) {
            Cfb.update(chain, slot.plain, BLOCK + at, Math.min(Cfb.UPDATE, whole - at), slot.stream, 2 * BLOCK + at);
        }
        if (whole > 0) {
            System.arraycopy(slot.stream, BLOCK + whole, carry, 0, BLOCK);
        }
    }

    /** Writes out every slot whose keystream is ready, without waiting. */
    private void retireReady() throws IOException {
        while (retired < submitted) {
            helper.lock();
            try {
                if (keyed <= retired) {
                    return;
                }
            } finally {
                helper.unlock();
            }
            retire();
        }
    }

    /** Writes out the oldest slot, waiting for (or computing) its keystream. */
    private void retireOldest() throws IOException {
        if (retired >= submitted) {
            throw new IllegalStateException("OpenPGP stream: no final slot to write out");
        }
        helper.lock();
        try {
            while (keyed <= retired) {
                helper.workOrWait();
            }
        } finally {
            helper.unlock();
        }
        retire();
    }

    private void retire() throws IOException {
        Slot slot = ring[(int) (retired % SLOTS)];
        Cfb.xor(slot.stream, slot.plain, BLOCK, BLOCK + slot.length); // ciphertext
        emit(slot.stream, BLOCK, slot.length);
        retired++;
    }

    /** Appends ciphertext to the SEIPD body, writing each complete 64 KiB piece with its length byte. */
    private void emit(byte[] c, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, CHUNK - frameLength);
            frame = Cfb.grow(frame, 1 + frameLength + n, 1 + CHUNK);
            System.arraycopy(c, off, frame, 1 + frameLength, n);
            frameLength += n;
            off += n;
            len -= n;
            if (frameLength == CHUNK) {
                frame[0] = (byte) PARTIAL_CHUNK;
                out.write(frame, 0, 1 + CHUNK);
                frameLength = 0;
            }
        }
    }

    /**
     * Finishes the message (last literal piece, MDC, last SEIPD piece) and closes the target,
     * which is closed even when finishing fails. After a failed write the message cannot be
     * completed: close then only releases everything and says so.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (broken != null) {
                throw new IOException("The encrypted message is incomplete: an earlier write failed ("
                        + broken.getMessage() + ").", broken);
            }
            finish();
        } catch (IOException | RuntimeException | Error e) {
            try {
                out.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            helper.stop();
            wipe();
        }
        out.close();
    }

    private void finish() throws IOException {
        // The last literal piece gets its definite length, which may take more than the placeholder byte.
        byte[] tail = new byte[pieceLength];
        for (int i = 0; i < pieceLength; ) {
            long at = pieceStart + 1 + i;
            int n = Math.min(pieceLength - i, SLOT - offset(at));
            System.arraycopy(slot(at).plain, BLOCK + offset(at), tail, i, n);
            i += n;
        }
        pos = pieceStart;
        byte[] header = new byte[5];
        place(header, 0, Packets.encodeLength(pieceLength, header, 0));
        place(tail, 0, tail.length);
        Arrays.fill(tail, (byte) 0);
        place(new byte[] {(byte) 0xD3, 0x14}, 0, 2);
        hashLimit = pos;
        while ((submitted + 1) * SLOT <= pos) {
            submit(SLOT);
        }
        if (hashedTo < pos) { // the rest lies in the one slot not submitted yet
            Cfb.hash(sha1, slot(hashedTo).plain, BLOCK + offset(hashedTo), (int) (pos - hashedTo));
            hashedTo = pos;
        }
        byte[] digest = sha1.digest();
        place(digest, 0, digest.length);
        while (submitted * SLOT < pos) {
            submit((int) Math.min(SLOT, pos - submitted * SLOT));
        }
        while (retired < submitted) {
            retireOldest();
        }
        int headerLength = Packets.encodeLength(frameLength, header, 0);
        out.write(header, 0, headerLength);
        out.write(frame, 1, frameLength);
    }

    private void wipe() {
        for (Slot slot : ring) {
            if (slot != null) {
                if (slot.plain != null) {
                    Arrays.fill(slot.plain, (byte) 0);
                }
                if (slot.stream != null) {
                    Arrays.fill(slot.stream, (byte) 0);
                }
            }
        }
        Arrays.fill(carry, (byte) 0);
        if (frame != null) {
            Arrays.fill(frame, (byte) 0);
        }
    }

    /** Whether a helper thread is working for this stream (tests: none after close). */
    boolean helperRunning() {
        helper.lock();
        try {
            return helper.running();
        } finally {
            helper.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        // Data is encrypted in 64 KiB pieces; flushing a partial piece would break the framing.
        out.flush();
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("The encrypting stream is closed.");
        }
        if (broken != null) {
            throw new IOException("The encrypted message is incomplete: an earlier write failed ("
                    + broken.getMessage() + ").", broken);
        }
    }
}
