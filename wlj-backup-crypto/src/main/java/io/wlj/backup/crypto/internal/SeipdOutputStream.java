package io.wlj.backup.crypto.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Arrays;

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
 */
public final class SeipdOutputStream extends OutputStream {
    /** Buffer and partial-body chunk size. */
    public static final int CHUNK = 1 << 16;
    private static final int PARTIAL_CHUNK = 0xE0 | 16; // partial body length 2^16
    private static final int LITERAL_HEADER = 6;        // 'b', name length 0, 4-byte date 0

    private final OutputStream out;
    private final CfbCipher cipher;
    private final MdcDigest mdc = new MdcDigest();
    private final byte[] literal = new byte[CHUNK];
    private int literalLength;
    /** body[0] is reserved for the partial length byte of the chunk being filled from body[1]. */
    private final byte[] body = new byte[1 + CHUNK];
    private int bodyLength;
    private final byte[] one = new byte[1];
    private boolean closed;

    /**
     * @param leadingPackets the encoded SKESK/PKESK packets, written first
     * @param sessionKey     the AES key; copied into the cipher, the caller zeroes its array
     */
    public SeipdOutputStream(OutputStream out, byte[] leadingPackets, byte[] sessionKey, SecureRandom random)
            throws IOException {
        this.out = out;
        this.cipher = new CfbCipher(sessionKey, true);
        out.write(leadingPackets);
        out.write(0xC0 | 18); // SEIPD packet, new format; its lengths precede each piece
        body[1] = 1; // SEIPD version 1
        bodyLength = 1;
        byte[] prefix = new byte[Aes.BLOCK + 2];
        random.nextBytes(prefix);
        prefix[16] = prefix[14];
        prefix[17] = prefix[15];
        encrypt(prefix, 0, prefix.length);
        encryptByte(0xC0 | 11); // literal data packet, new format; its lengths follow each piece
        literal[0] = 'b';
        literalLength = LITERAL_HEADER; // name length and date stay 0
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        literal[literalLength++] = (byte) b;
        if (literalLength == CHUNK) {
            flushLiteralChunk();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        while (len > 0) {
            if (literalLength == 0 && len >= CHUNK) {
                // A whole chunk straight from the caller's array, without copying it first.
                encryptByte(PARTIAL_CHUNK);
                encrypt(b, off, CHUNK);
                off += CHUNK;
                len -= CHUNK;
                continue;
            }
            int n = Math.min(len, CHUNK - literalLength);
            System.arraycopy(b, off, literal, literalLength, n);
            literalLength += n;
            off += n;
            len -= n;
            if (literalLength == CHUNK) {
                flushLiteralChunk();
            }
        }
    }

    private void flushLiteralChunk() throws IOException {
        encryptByte(PARTIAL_CHUNK);
        encrypt(literal, 0, CHUNK);
        literalLength = 0;
    }

    private void encryptByte(int b) throws IOException {
        one[0] = (byte) b;
        encrypt(one, 0, 1);
    }

    /** Adds plaintext to the MDC (on a helper thread, while AES runs here) and its ciphertext to the SEIPD body. */
    private void encrypt(byte[] plain, int off, int len) throws IOException {
        mdc.updateLater(plain, off, len);
        try {
            cipherUpdate(plain, off, len);
        } finally {
            mdc.await(); // the caller may reuse its array once write() returns
        }
    }

    private void cipherUpdate(byte[] plain, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, CHUNK - bodyLength);
            cipher.process(plain, off, n, body, 1 + bodyLength);
            bodyLength += n;
            off += n;
            len -= n;
            if (bodyLength == CHUNK) {
                body[0] = (byte) PARTIAL_CHUNK;
                out.write(body, 0, 1 + CHUNK);
                bodyLength = 0;
            }
        }
    }

    /**
     * Finishes the message (last literal piece, MDC, last SEIPD piece) and closes the target,
     * which is closed even when finishing fails.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            finish();
        } catch (IOException | RuntimeException | Error e) {
            try {
                out.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            Arrays.fill(literal, (byte) 0);
            Arrays.fill(body, (byte) 0);
            cipher.destroy();
        }
        out.close();
    }

    private void finish() throws IOException {
        byte[] header = new byte[5];
        int headerLength = Packets.encodeLength(literalLength, header, 0);
        encrypt(header, 0, headerLength);
        encrypt(literal, 0, literalLength);
        encrypt(new byte[] {(byte) 0xD3, 0x14}, 0, 2);
        byte[] digest = mdc.digest();
        cipherUpdate(digest, 0, digest.length);
        headerLength = Packets.encodeLength(bodyLength, header, 0);
        out.write(header, 0, headerLength);
        out.write(body, 1, bodyLength);
    }

    @Override
    public void flush() throws IOException {
        // Data is encrypted in 64 KiB chunks; flushing a partial chunk would break the framing.
        out.flush();
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("The encrypting stream is closed.");
        }
    }
}
