package io.wlj.backup.crypto.internal;

import io.wlj.backup.crypto.DecryptionException;
import io.wlj.backup.crypto.DecryptionException.Reason;
import java.io.IOException;
import java.io.InputStream;

/**
 * The body of one packet, following partial body lengths across pieces. Ending early is an
 * error with the given reason (TRUNCATED for the stored bytes, CORRUPTED inside decrypted data,
 * where the MDC already vouched for the bytes and only the producer can be at fault).
 */
public final class PacketBodyInputStream extends InputStream {
    private final InputStream in;
    private final int tag;
    private final Reason truncated;
    private final String where;
    private long remaining;
    private boolean partial;
    private final boolean indeterminate;
    private boolean eof;

    public PacketBodyInputStream(InputStream in, Packets.Header header, Reason truncated, String where) {
        this.in = in;
        this.tag = header.tag();
        this.truncated = truncated;
        this.where = where;
        this.indeterminate = header.kind() == Packets.LengthKind.INDETERMINATE;
        this.partial = header.kind() == Packets.LengthKind.PARTIAL;
        this.remaining = indeterminate ? Long.MAX_VALUE : header.length();
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
        while (remaining == 0) {
            if (!partial) {
                eof = true;
                return -1;
            }
            Packets.Header next = Packets.newFormatLength(in, tag, Packets.readByte(in, truncated, where), truncated, where);
            partial = next.kind() == Packets.LengthKind.PARTIAL;
            remaining = next.length();
        }
        if (eof) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            if (indeterminate) {
                eof = true;
                remaining = 0;
                return -1;
            }
            throw new DecryptionException(truncated, Packets.truncatedMessage(truncated, where));
        }
        remaining -= n;
        return n;
    }

    /** Reads and discards the rest of the body. */
    public void drain() throws IOException {
        byte[] sink = new byte[8192];
        while (read(sink, 0, sink.length) >= 0) {
            // discard
        }
    }

    /** The whole (small) body; {@code limit} guards against absurd lengths in damaged data. */
    public byte[] readAll(int limit) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        int n;
        while ((n = read(buffer, 0, buffer.length)) >= 0) {
            out.write(buffer, 0, n);
            if (out.size() > limit) {
                throw new DecryptionException(truncated == Reason.TRUNCATED ? Reason.CORRUPTED : truncated,
                        "The message is malformed: " + where + " is implausibly long.");
            }
        }
        return out.toByteArray();
    }
}
