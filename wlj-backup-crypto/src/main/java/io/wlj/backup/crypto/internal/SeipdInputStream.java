package io.wlj.backup.crypto.internal;

import io.wlj.backup.crypto.DecryptionException;
import io.wlj.backup.crypto.DecryptionException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decrypts the body of a SEIPD v1 packet and checks its modification detection code.
 *
 * <p>Yields the plaintext packets that follow the 18-byte prefix. The last 22 decrypted bytes
 * (the MDC packet) are always held back, so they are never handed out as data, and the stream
 * returns -1 only after the SHA-1 over prefix, packets and MDC header matched: a reader that
 * treats end-of-stream as "complete" can never accept modified or truncated data. When the
 * check fails, the read that would have returned -1 throws {@link DecryptionException}
 * (CORRUPTED) instead; when the packet itself ends early, the read that hits the end throws
 * (TRUNCATED). As before, plaintext before the last 22 bytes is handed out before the check,
 * which can only happen at the end.
 *
 * <p>Pipeline. Ciphertext is read ahead into a ring of {@link #SLOTS} slots of {@link #CHUNK}
 * bytes, each read {@link #LOOKAHEAD} bytes past its end so that the slot holding the end of
 * the data also holds the whole MDC. A slot's keystream is AES/ECB over its ciphertext shifted
 * by one block (see {@link Cfb}), cut into {@link #PIECE}-byte tasks that the caller and a
 * helper thread ({@link Helper}) both take, oldest first. The helper also hashes the decrypted
 * pieces in order, its first choice since SHA-1 is the serial part; the caller hands pieces out
 * as soon as they and the ones before are decrypted. A slot is reused once it has been handed
 * out and hashed. Messages that fit in one slot never involve the helper.
 */
public final class SeipdInputStream extends InputStream {
    private static final int MDC_LENGTH = 22;       // 0xD3 0x14 + 20-byte SHA-1
    private static final int BLOCK = Cfb.BLOCK;
    private static final int PREFIX = BLOCK + 2;
    /** Ciphertext per slot; a multiple of the AES block. */
    static final int CHUNK = 1 << 17;
    /** AES work per task; a multiple of the AES block. */
    static final int PIECE = 1 << 14;
    /** Read past each chunk: at least the MDC, a multiple of the block. */
    static final int LOOKAHEAD = 2 * BLOCK;
    static final int SLOTS = 4;
    private static final int CAPACITY = BLOCK + CHUNK + LOOKAHEAD;

    private final InputStream body;
    private final byte[] prefix;
    private final SecretKeySpec key;
    private final Cipher callerEcb;
    private Cipher helperEcb;                  // made and used on the helper thread only
    private final MessageDigest sha1;
    private final Helper helper;
    private final Slot[] ring = new Slot[SLOTS];

    // Caller-thread state.
    private long head;          // the slot being handed out
    private int deliverPos;     // next plaintext index in the head slot
    private int ready;          // plaintext of the head slot decrypted so far (an index, from BLOCK)
    private long publishedByCaller; // the caller's copy of published (only the caller publishes)
    private boolean ended;      // the last slot has been read
    private boolean verified;
    private boolean closed;
    private Throwable failure;  // thrown again by every later read

    // Guarded by the helper's lock.
    private long published;     // slots [0, published) are read and open for work
    private long hashed;        // slots [0, hashed) are entirely in the SHA-1
    private boolean hashBusy;
    private boolean helperUsed;

    /**
     * One chunk. cipher = [C of the block before | C of the chunk | lookahead]; the plaintext of
     * cipher[BLOCK + i] goes to plain[BLOCK + i], keystream first, so that the XOR uses one index.
     */
    private static final class Slot {
        byte[] cipher;
        byte[] plain;
        int length;      // ciphertext bytes of this chunk at cipher[BLOCK..]
        boolean first;
        boolean last;
        Exception readFailure; // reading this chunk failed: thrown once the bytes before are handed out
        // Work on its PIECE-byte pieces, under the lock: claimed in order, done in any order, hashed in order.
        int pieces;
        int claimed;
        int doneMask;
        int donePrefix;  // pieces [0, donePrefix) are all done
        int hashedPieces;

        void done(int piece) {
            doneMask |= 1 << piece;
            while (donePrefix < pieces && (doneMask & (1 << donePrefix)) != 0) {
                donePrefix++;
            }
        }

        /** Plaintext index up to which every piece is decrypted. */
        int decryptedTo() {
            return BLOCK + Math.min(length, donePrefix * PIECE);
        }
    }

    /**
     * @param body             the SEIPD body after the version byte and the 18 prefix bytes
     * @param key              the session key (the caller zeroes its array)
     * @param prefixCiphertext the 18 prefix bytes already read to run the quick check
     */
    public SeipdInputStream(InputStream body, byte[] key, byte[] prefixCiphertext) {
        this(body, key, prefixCiphertext, Helper.MULTI_CORE);
    }

    /** {@code helperThread} false does all the work on the caller's thread, as on a single core. */
    SeipdInputStream(InputStream body, byte[] key, byte[] prefixCiphertext, boolean helperThread) {
        this.body = body;
        this.prefix = Arrays.copyOf(prefixCiphertext, PREFIX);
        this.key = new SecretKeySpec(key, "AES");
        this.callerEcb = Cfb.ecb(this.key);
        try {
            this.sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no SHA-1", e);
        }
        this.helper = new Helper(this::claim, helperThread);
        this.deliverPos = BLOCK + PREFIX;
    }

    private final byte[] one = new byte[1];

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("The decrypting stream is closed.");
        }
        if (failure != null) {
            throw rethrow(failure);
        }
        if (verified) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        try {
            while (true) {
                if (head < publishedByCaller) {
                    Slot slot = ring[(int) (head % SLOTS)];
                    int end = deliverEnd(slot);
                    int available = Math.min(end, ready) - deliverPos;
                    if (available > 0) {
                        int n = Math.min(len, available);
                        System.arraycopy(slot.plain, deliverPos, b, off, n);
                        deliverPos += n;
                        return n;
                    }
                    if (ready == BLOCK + slot.length && deliverPos >= end) {
                        if (slot.readFailure != null) {
                            throw rethrow(slot.readFailure);
                        }
                        if (slot.last) {
                            verify(slot);
                            return -1;
                        }
                        head++;
                        deliverPos = BLOCK;
                        ready = BLOCK;
                        continue;
                    }
                }
                advance();
            }
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
            throw e;
        }
    }

    /**
     * Makes progress towards more plaintext of the head slot: reads ahead into free ring slots
     * (which also feeds the helper), then runs a task or waits.
     */
    private void advance() throws IOException {
        while (readNext()) {
            // read ahead as far as the ring allows
        }
        helper.lock();
        try {
            if (head < published) {
                int before = ready;
                ready = ring[(int) (head % SLOTS)].decryptedTo();
                if (ready > before) {
                    return;
                }
            }
            // The head needs its pieces decrypted, or its ring slot the old chunk's hash.
            helper.workOrWait();
            if (head < published) {
                ready = ring[(int) (head % SLOTS)].decryptedTo();
            }
        } finally {
            helper.unlock();
        }
    }

    /** The earlier failure again: the stream never pretends to go on or to have ended. */
    private static IOException rethrow(Throwable t) {
        if (t instanceof IOException io) {
            return io;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    /** Plaintext of a slot that may be handed out ends before the MDC. */
    private static int deliverEnd(Slot slot) {
        int start = BLOCK + (slot.first ? PREFIX : 0);
        return Math.max(start, BLOCK + (slot.last ? slot.length - MDC_LENGTH : slot.length));
    }

    /** Reads the next chunk into its ring slot if that slot is free; false if not, or at the end. */
    private boolean readNext() throws IOException {
        if (ended) {
            return false;
        }
        long number = publishedByCaller;
        long old = number - SLOTS;
        if (old >= 0) {
            if (old >= head) {
                return false; // its old chunk is not handed out yet
            }
            helper.lock();
            try {
                if (old >= hashed) {
                    return false; // nor hashed
                }
            } finally {
                helper.unlock();
            }
        }
        int index = (int) (number % SLOTS);
        Slot slot = ring[index];
        if (slot == null) {
            slot = ring[index] = new Slot();
        }
        if (number == 0) {
            slot.cipher = Cfb.grow(slot.cipher, BLOCK + PREFIX, CAPACITY); // small at first: most messages are
            Arrays.fill(slot.cipher, 0, BLOCK, (byte) 0);                  // IV
            System.arraycopy(prefix, 0, slot.cipher, BLOCK, PREFIX);
        } else {
            Slot previous = ring[(int) ((number - 1) % SLOTS)];
            slot.cipher = Cfb.grow(slot.cipher, CAPACITY, CAPACITY);
            // The previous chunk's last block, then the lookahead read past it.
            System.arraycopy(previous.cipher, CHUNK, slot.cipher, 0, BLOCK + LOOKAHEAD);
        }
        int at = BLOCK + (number == 0 ? PREFIX : LOOKAHEAD);
        slot.readFailure = null;
        try {
            while (at < CAPACITY) {
                if (at == slot.cipher.length) {
                    slot.cipher = Cfb.grow(slot.cipher, at + 1, CAPACITY);
                }
                int n = body.read(slot.cipher, at, slot.cipher.length - at);
                if (n < 0) {
                    break;
                }
                at += n;
            }
        } catch (IOException | RuntimeException e) {
            // Truncated or unreadable: the plaintext before this point is handed out first, as
            // without read-ahead, so the failure surfaces where it is (not in the first header).
            slot.readFailure = e;
        }
        slot.first = number == 0;
        slot.last = at < CAPACITY || slot.readFailure != null;
        slot.length = slot.last ? at - BLOCK : CHUNK;
        slot.plain = Cfb.grow(slot.plain, BLOCK + roundUp(slot.length), CAPACITY);
        ended = slot.last;
        helper.lock();
        try {
            slot.pieces = (roundUp(slot.length) + PIECE - 1) / PIECE;
            slot.claimed = 0;
            slot.doneMask = 0;
            slot.donePrefix = 0;
            slot.hashedPieces = 0;
            published = number + 1;
            if (!slot.last) {
                helperUsed = true; // a message longer than one slot: worth the second core
            }
            if (helperUsed) {
                helper.wake();
            }
        } finally {
            helper.unlock();
        }
        publishedByCaller = number + 1;
        return true;
    }

    private static int roundUp(int n) {
        return (n + BLOCK - 1) & -BLOCK;
    }

    /**
     * Lock held: the SHA-1 of the next decrypted piece (the helper's first choice: hashing is
     * the serial part), else the oldest piece to decrypt. The caller hashes only without helper.
     */
    private Helper.Task claim(boolean forHelper) {
        if ((forHelper || !helper.running()) && !hashBusy && hashed < published) {
            Slot slot = ring[(int) (hashed % SLOTS)];
            int piece = slot.hashedPieces;
            if ((slot.doneMask & (1 << piece)) != 0) {
                hashBusy = true;
                return new Helper.Task() {
                    @Override
                    public void run(boolean onHelper) {
                        int end = slot.last ? Math.max(0, slot.length - MDC_LENGTH) : slot.length;
                        int from = Math.min(end, piece * PIECE);
                        Cfb.hash(sha1, slot.plain, BLOCK + from, Math.min(end, from + PIECE) - from);
                    }

                    @Override
                    public void finished() {
                        hashBusy = false;
                        if (++slot.hashedPieces == slot.pieces) {
                            hashed++;
                        }
                    }
                };
            }
        }
        for (long number = hashed; number < published; number++) {
            Slot slot = ring[(int) (number % SLOTS)];
            if (slot.claimed < slot.pieces) {
                int piece = slot.claimed++;
                return new Helper.Task() {
                    @Override
                    public void run(boolean onHelper) {
                        decrypt(slot, piece, onHelper ? helperEcb() : callerEcb);
                    }

                    @Override
                    public void finished() {
                        slot.done(piece);
                        if (helperUsed) {
                            helper.wake(); // it may be hashed now
                        }
                    }
                };
            }
        }
        return null;
    }

    private Cipher helperEcb() {
        if (helperEcb == null) {
            helperEcb = Cfb.ecb(key);
        }
        return helperEcb;
    }

    /** Keystream E(C_(i-1)) of one piece, then the XOR with C_i: the plaintext at the same index. */
    private static void decrypt(Slot slot, int piece, Cipher ecb) {
        int from = piece * PIECE;
        int n = Math.min(PIECE, roundUp(slot.length) - from);
        Cfb.update(ecb, slot.cipher, from, n, slot.plain, BLOCK + from);
        Cfb.xor(slot.plain, slot.cipher, BLOCK + from, BLOCK + Math.min(from + n, slot.length));
    }

    private void verify(Slot last) throws IOException {
        helper.lock();
        try {
            while (hashed < published) {
                helper.workOrWait();
            }
        } finally {
            helper.unlock();
        }
        int data = last.length - (last.first ? PREFIX : 0);
        if (data < MDC_LENGTH) {
            wipe();
            throw new DecryptionException(Reason.CORRUPTED,
                    "The message is damaged: its encrypted data is too short to end with a modification detection code.");
        }
        int mdc = BLOCK + last.length - MDC_LENGTH;
        if (last.plain[mdc] != (byte) 0xD3 || last.plain[mdc + 1] != 0x14) {
            wipe();
            throw new DecryptionException(Reason.CORRUPTED,
                    "The message was modified or damaged: its encrypted data does not end with a modification detection code.");
        }
        // Everything before the MDC packet is hashed; now its two header bytes.
        sha1.update(last.plain, mdc, 2);
        byte[] expected = sha1.digest();
        boolean ok = MessageDigest.isEqual(expected, Arrays.copyOfRange(last.plain, mdc + 2, mdc + MDC_LENGTH));
        wipe();
        if (!ok) {
            throw new DecryptionException(Reason.CORRUPTED,
                    "The message was modified or damaged: its modification detection code (SHA-1) does not match.");
        }
        verified = true;
    }

    /** Zeroes the plaintext; only when no task can be running (all done, or the helper stopped). */
    private void wipe() {
        for (Slot slot : ring) {
            if (slot != null && slot.plain != null) {
                Arrays.fill(slot.plain, (byte) 0);
            }
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
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            helper.stop();
        } finally {
            wipe();
            body.close();
        }
    }
}
