package io.wlj.backup.crypto.internal;

import io.wlj.backup.crypto.DecryptionException;
import io.wlj.backup.crypto.DecryptionException.Reason;
import java.io.IOException;
import java.io.InputStream;

/** OpenPGP packet framing (RFC 4880 section 4.2): tags and lengths in both header formats. */
public final class Packets {
    public static final int PKESK = 1;
    public static final int SIGNATURE = 2;
    public static final int SKESK = 3;
    public static final int ONE_PASS_SIGNATURE = 4;
    public static final int SECRET_KEY = 5;
    public static final int PUBLIC_KEY = 6;
    public static final int SECRET_SUBKEY = 7;
    public static final int COMPRESSED = 8;
    public static final int SED = 9;
    public static final int MARKER = 10;
    public static final int LITERAL = 11;
    public static final int TRUST = 12;
    public static final int USER_ID = 13;
    public static final int PUBLIC_SUBKEY = 14;
    public static final int SEIPD = 18;
    public static final int MDC = 19;
    public static final int AEAD = 20;
    public static final int PADDING = 21;

    private Packets() {
    }

    /** How a packet's body length is given. */
    public enum LengthKind { DEFINITE, PARTIAL, INDETERMINATE }

    /**
     * A packet header.
     *
     * @param length for DEFINITE the body length; for PARTIAL the length of the first piece
     */
    public record Header(int tag, LengthKind kind, long length) {
    }

    /**
     * Writes a new-format body length (1, 2 or 5 bytes) at {@code out[off]}.
     *
     * @return the number of bytes written
     */
    public static int encodeLength(long length, byte[] out, int off) {
        if (length < 192) {
            out[off] = (byte) length;
            return 1;
        }
        if (length < 8384) {
            long v = length - 192;
            out[off] = (byte) ((v >> 8) + 192);
            out[off + 1] = (byte) v;
            return 2;
        }
        out[off] = (byte) 0xFF;
        out[off + 1] = (byte) (length >> 24);
        out[off + 2] = (byte) (length >> 16);
        out[off + 3] = (byte) (length >> 8);
        out[off + 4] = (byte) length;
        return 5;
    }

    /**
     * Reads a packet header.
     *
     * @param truncated the reason reported when the stream ends inside the header
     * @return null when the stream ends before the header's first byte (a clean end)
     * @throws DecryptionException {@code notPacket} when the first byte is not a packet tag
     */
    public static Header readHeader(InputStream in, Reason truncated, Reason notPacket, String where) throws IOException {
        int ctb = in.read();
        if (ctb < 0) {
            return null;
        }
        if ((ctb & 0x80) == 0) {
            throw new DecryptionException(notPacket, where + " holds a byte that does not start an OpenPGP packet (0x"
                    + Integer.toHexString(ctb) + ").");
        }
        if ((ctb & 0x40) != 0) {
            int tag = ctb & 0x3F;
            int first = readByte(in, truncated, where);
            return newFormatLength(in, tag, first, truncated, where);
        }
        int tag = (ctb >> 2) & 0x0F;
        switch (ctb & 3) {
            case 0: return new Header(tag, LengthKind.DEFINITE, readByte(in, truncated, where));
            case 1: return new Header(tag, LengthKind.DEFINITE, ((long) readByte(in, truncated, where) << 8)
                    | readByte(in, truncated, where));
            case 2: return new Header(tag, LengthKind.DEFINITE, readUint32(in, truncated, where));
            default: return new Header(tag, LengthKind.INDETERMINATE, -1);
        }
    }

    /** Reads the length that follows a partial piece: another partial length or the final definite one. */
    static Header newFormatLength(InputStream in, int tag, int first, Reason truncated, String where) throws IOException {
        if (first < 192) {
            return new Header(tag, LengthKind.DEFINITE, first);
        }
        if (first < 224) {
            return new Header(tag, LengthKind.DEFINITE, ((long) (first - 192) << 8) + readByte(in, truncated, where) + 192);
        }
        if (first == 255) {
            return new Header(tag, LengthKind.DEFINITE, readUint32(in, truncated, where));
        }
        return new Header(tag, LengthKind.PARTIAL, 1L << (first & 0x1F));
    }

    static int readByte(InputStream in, Reason truncated, String where) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new DecryptionException(truncated, truncatedMessage(truncated, where));
        }
        return b;
    }

    private static long readUint32(InputStream in, Reason truncated, String where) throws IOException {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | readByte(in, truncated, where);
        }
        return v;
    }

    /** Reads exactly {@code buffer.length} bytes or fails with {@code truncated}. */
    public static byte[] readFully(InputStream in, byte[] buffer, Reason truncated, String where) throws IOException {
        int off = 0;
        while (off < buffer.length) {
            int n = in.read(buffer, off, buffer.length - off);
            if (n < 0) {
                throw new DecryptionException(truncated, truncatedMessage(truncated, where));
            }
            off += n;
        }
        return buffer;
    }

    static String truncatedMessage(Reason reason, String where) {
        return reason == Reason.TRUNCATED
                ? "The message is truncated: it ends inside " + where + "."
                : "The decrypted message is malformed: it ends inside " + where + ".";
    }
}
