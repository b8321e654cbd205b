package io.wlj.backup.crypto.internal;

import io.wlj.backup.crypto.DecryptionException;
import io.wlj.backup.crypto.DecryptionException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Decrypts the body of a SEIPD v1 packet and checks its modification detection code.
 *
 * <p>Yields the plaintext packets that follow the 18-byte prefix. The last 22 decrypted bytes
 * (the MDC packet) are always held back, so they are never handed out as data, and the stream
 * returns -1 only after the SHA-1 over prefix, packets and MDC header matched: a reader that
 * treats end-of-stream as "complete" can never accept modified or truncated data. When the
 * check fails, the read that would have returned -1 throws {@link DecryptionException}
 * (CORRUPTED) instead; when the packet itself ends early, the read that hits the end throws
 * (TRUNCATED).
 *
 * <p>Chunks are decrypted alternately into two buffers so that the SHA-1 of one chunk (on a
 * helper thread, see {@link MdcDigest}) overlaps reading and decrypting the next.
 */
public final class SeipdInputStream extends InputStream {
    private static final int MDC_LENGTH = 22;       // 0xD3 0x14 + 20-byte SHA-1
    private static final int CHUNK = SeipdOutputStream.CHUNK;

    private final InputStream body;
    private final CfbCipher cipher;
    private final MdcDigest mdc = new MdcDigest();
    private final byte[] ciphertext = new byte[CHUNK];
    private final byte[][] buffers = {new byte[CHUNK + 64], new byte[CHUNK + 64]};
    private byte[] plain = buffers[0];
    private int start;    // next byte to hand out
    private int end;      // end of decrypted bytes
    private int hashedTo; // bytes before this index are hashed or being hashed
    private int prefixToSkip = Aes.BLOCK + 2;
    private boolean bodyEnded;
    private boolean verified;

    /**
     * @param body             the SEIPD body after the version byte and the 18 prefix bytes
     * @param key              the session key (the caller zeroes its array)
     * @param prefixCiphertext the 18 prefix bytes already read to run the quick check
     */
    public SeipdInputStream(InputStream body, byte[] key, byte[] prefixCiphertext) {
        this.body = body;
        this.cipher = new CfbCipher(key, false);
        cipher.process(prefixCiphertext, 0, prefixCiphertext.length, plain, 0);
        end = prefixCiphertext.length;
        skipPrefix();
    }

    private void skipPrefix() {
        int n = Math.min(prefixToSkip, end - start);
        start += n;           // the prefix is covered by the MDC but is not data
        prefixToSkip -= n;
    }

    private int deliverable() {
        return Math.max(0, end - start - MDC_LENGTH);
    }

    /** Decrypts the next chunk into the other buffer; false when the body has ended. */
    private boolean fill() throws IOException {
        if (bodyEnded) {
            return false;
        }
        int n = body.read(ciphertext, 0, ciphertext.length); // overlaps the pending SHA-1
        if (n < 0) {
            bodyEnded = true;
            cipher.destroy();
            return false;
        }
        // Carry the bytes not yet hashed (at most the 22 held back) to the other buffer; the
        // helper may still be hashing [0, hashedTo) of this one, which nothing here touches.
        byte[] next = plain == buffers[0] ? buffers[1] : buffers[0];
        int kept = end - hashedTo;
        System.arraycopy(plain, hashedTo, next, 0, kept);
        start -= hashedTo;
        cipher.process(ciphertext, 0, n, next, kept);
        plain = next;
        end = kept + n;
        skipPrefix();
        hashedTo = Math.max(0, end - MDC_LENGTH);
        mdc.updateLater(plain, 0, hashedTo); // waits for the other buffer's hash first
        return true;
    }

    private final byte[] one = new byte[1];

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (deliverable() == 0) {
            if (!fill()) {
                verify();
                return -1;
            }
        }
        int n = Math.min(len, deliverable());
        System.arraycopy(plain, start, b, off, n);
        start += n;
        return n;
    }

    private void verify() throws IOException {
        if (verified) {
            return;
        }
        mdc.await();
        if (prefixToSkip > 0 || end - start < MDC_LENGTH) {
            wipe();
            throw new DecryptionException(Reason.CORRUPTED,
                    "The message is damaged: its encrypted data is too short to end with a modification detection code.");
        }
        if (plain[start] != (byte) 0xD3 || plain[start + 1] != 0x14) {
            wipe();
            throw new DecryptionException(Reason.CORRUPTED,
                    "The message was modified or damaged: its encrypted data does not end with a modification detection code.");
        }
        // Everything before the MDC packet is hashed (hashedTo == start); now its two header bytes.
        mdc.update(plain, start, 2);
        byte[] expected = mdc.digest();
        boolean ok = MessageDigest.isEqual(expected, Arrays.copyOfRange(plain, start + 2, start + MDC_LENGTH));
        wipe();
        if (!ok) {
            throw new DecryptionException(Reason.CORRUPTED,
                    "The message was modified or damaged: its modification detection code (SHA-1) does not match.");
        }
        verified = true;
    }

    private void wipe() {
        Arrays.fill(buffers[0], (byte) 0);
        Arrays.fill(buffers[1], (byte) 0);
        start = 0;
        end = 0;
        hashedTo = 0;
    }

    @Override
    public void close() throws IOException {
        try {
            mdc.await();
        } finally {
            wipe();
            cipher.destroy();
            body.close();
        }
    }
}
