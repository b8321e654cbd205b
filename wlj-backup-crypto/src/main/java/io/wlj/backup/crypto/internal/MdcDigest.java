package io.wlj.backup.crypto.internal;

import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SHA-1 of a SEIPD v1 modification detection code, optionally computed on a helper thread.
 *
 * <p>AES-CFB and SHA-1 each take roughly half of the CPU time of a message; on a machine with
 * more than one core, {@link #updateLater} hashes a chunk on a shared daemon thread while the
 * caller encrypts or decrypts, which is what lets this engine keep up with GnuPG. Updates stay
 * strictly in order: each one waits for the previous before it is submitted. The caller must
 * not modify a buffer passed to {@link #updateLater} until {@link #await} (or the next update)
 * returns.
 */
final class MdcDigest {
    /** Chunks smaller than this are hashed inline: handing them over would cost more than it saves. */
    private static final int ASYNC_MINIMUM = 8 * 1024;
    private static final ExecutorService HELPERS = Runtime.getRuntime().availableProcessors() > 1
            ? Executors.newCachedThreadPool(new DaemonThreads()) : null;

    private final MessageDigest sha1;
    private Future<?> pending;

    MdcDigest() {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no SHA-1", e);
        }
    }

    /** Hashes now, after any pending update. */
    void update(byte[] b, int off, int len) throws InterruptedIOException {
        await();
        sha1.update(b, off, len);
    }

    /** Hashes on the helper thread; {@code b[off, off+len)} must stay unchanged until {@link #await}. */
    void updateLater(byte[] b, int off, int len) throws InterruptedIOException {
        await();
        if (len <= 0) {
            return;
        }
        if (HELPERS == null || len < ASYNC_MINIMUM) {
            sha1.update(b, off, len);
        } else {
            pending = HELPERS.submit(() -> sha1.update(b, off, len));
        }
    }

    /** Waits for the pending update, if any. */
    void await() throws InterruptedIOException {
        Future<?> task = pending;
        if (task == null) {
            return;
        }
        pending = null;
        try {
            task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("Interrupted while computing the MDC");
            interrupted.initCause(e);
            throw interrupted;
        } catch (ExecutionException e) {
            throw new IllegalStateException("SHA-1 failed", e.getCause());
        }
    }

    /** The digest over everything hashed, after any pending update. */
    byte[] digest() throws InterruptedIOException {
        await();
        return sha1.digest();
    }

    private static final class DaemonThreads implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "wlj-openpgp-mdc-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
