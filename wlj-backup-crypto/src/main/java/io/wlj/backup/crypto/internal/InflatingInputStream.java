package io.wlj.backup.crypto.internal;

import io.wlj.backup.crypto.DecryptionException;
import io.wlj.backup.crypto.DecryptionException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses an OpenPGP compressed data packet of algorithm ZIP (raw deflate, RFC 1951) or
 * ZLIB (RFC 1950), as {@code gpg} writes by default. Written on {@link Inflater} directly so that
 * damaged data is reported as a {@link DecryptionException} rather than a bare ZipException.
 */
final class InflatingInputStream extends InputStream {
    private final InputStream in;
    private final Inflater inflater;
    private final boolean raw;
    private final byte[] buffer = new byte[SeipdOutputStream.CHUNK];
    private boolean dummyByteGiven;

    InflatingInputStream(InputStream in, boolean raw) {
        this.in = in;
        this.raw = raw;
        this.inflater = new Inflater(raw);
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
        while (true) {
            if (inflater.finished()) {
                return -1;
            }
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw new DecryptionException(Reason.CORRUPTED,
                        "The decrypted message is malformed: its compressed data is invalid.", e);
            }
            if (n > 0) {
                return n;
            }
            if (inflater.finished()) {
                return -1;
            }
            if (inflater.needsDictionary()) {
                throw new DecryptionException(Reason.CORRUPTED,
                        "The decrypted message is malformed: its compressed data needs a preset dictionary.");
            }
            if (inflater.needsInput()) {
                int r = in.read(buffer, 0, buffer.length);
                if (r < 0) {
                    if (raw && !dummyByteGiven) {
                        // zlib may need one byte past the end of a raw deflate stream to finish.
                        dummyByteGiven = true;
                        inflater.setInput(new byte[1]);
                        continue;
                    }
                    throw new DecryptionException(Reason.CORRUPTED,
                            "The decrypted message is malformed: its compressed data ends early.");
                }
                inflater.setInput(buffer, 0, r);
            }
        }
    }

    @Override
    public void close() throws IOException {
        inflater.end();
        in.close();
    }

    /** Frees the native inflater once the data has been read. */
    void end() {
        inflater.end();
    }
}
