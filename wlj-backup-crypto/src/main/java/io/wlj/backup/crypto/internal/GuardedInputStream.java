package io.wlj.backup.crypto.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Remembers the I/O failures of the caller's stream, so that an IOException can be told apart
 * from one a decoder (armor, bzip2) raised about damaged data: the first is passed through
 * unchanged (a disk error is not corruption), the second becomes a DecryptionException.
 */
final class GuardedInputStream extends FilterInputStream {
    private volatile IOException failure;

    GuardedInputStream(InputStream in) {
        super(in);
    }

    boolean threw(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c == failure) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return in.read(b, off, len);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            return super.skip(n);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }
}
