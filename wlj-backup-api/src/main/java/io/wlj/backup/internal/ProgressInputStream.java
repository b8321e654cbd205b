package io.wlj.backup.internal;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.ProgressMonitor;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reports bytes read to a monitor and stops when it is cancelled. */
public final class ProgressInputStream extends FilterInputStream {
    private final ProgressMonitor monitor;

    public ProgressInputStream(InputStream in, ProgressMonitor monitor) {
        super(in);
        this.monitor = monitor;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (monitor.isCancelled()) {
            throw new BackupException(ErrorCode.CANCELLED, "The operation was cancelled.");
        }
        int n = in.read(b, off, len);
        if (n > 0) {
            monitor.update(n);
        }
        return n;
    }
}
