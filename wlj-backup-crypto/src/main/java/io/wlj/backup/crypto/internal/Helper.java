package io.wlj.backup.crypto.internal;

import java.io.InterruptedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A second core for one encrypting or decrypting stream. The stream splits its work into tasks
 * (AES over a range, SHA-1 of a chunk) that its {@link Work#claim} hands out; a shared daemon
 * thread claims and runs them while there are any, and the calling thread runs the ones the
 * stream lets it run while it would otherwise wait ({@link #workOrWait}).
 *
 * <p>Rules: the stream's shared state is guarded by this helper's lock; {@code claim} and
 * {@link Task#finished} run with it held, {@link Task#run} without it, so the lock is what makes
 * a task's buffer writes visible to the other thread. The helper thread keeps going only while
 * there is work (it waits {@link #LINGER_NANOS} for more, then returns to the pool), so a stream
 * dropped without {@code close()} holds no thread once its queued work is done. On a single-core
 * machine, or when no thread can be had, no thread is used: the caller claims and runs every
 * task itself. A task that throws stops the helper; the caller's next wait throws the same
 * exception object (tasks throw only unchecked exceptions).
 */
final class Helper {
    /** One unit of work. */
    interface Task {
        /** Does the work, without the lock; {@code onHelper} says which thread (for per-thread ciphers). */
        void run(boolean onHelper);

        /** Records completion; lock held. */
        void finished();
    }

    /** The stream's side. */
    interface Work {
        /**
         * The next task the helper thread ({@code forHelper}) or the caller may run, or null;
         * lock held. Must return a task to the caller when the helper is not {@link #running}
         * and the caller is waiting for work that is not done yet.
         */
        Task claim(boolean forHelper);
    }

    /** Whether streams use a helper thread by default: only with more than one core. */
    static final boolean MULTI_CORE = Runtime.getRuntime().availableProcessors() > 1;
    /** How long an idle helper thread waits for the stream's next task before it leaves. */
    static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** How long a waiting caller spins before it parks: about one task. */
    static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(300);
    private static final Logger LOG = LoggerFactory.getLogger(Helper.class);
    private static final ExecutorService THREADS = MULTI_CORE ? Executors.newCachedThreadPool(new DaemonThreads()) : null;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Work work;
    private boolean threads;   // may start a helper thread
    private boolean running;   // a helper thread is started or about to be, and has not left
    private boolean stopped;
    private Throwable failure;
    private volatile long changes; // counts the helper's state changes (written with the lock held)

    Helper(Work work, boolean useThread) {
        this.work = work;
        this.threads = useThread && THREADS != null;
    }

    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    /** Whether a helper thread works for this stream now; lock held. */
    boolean running() {
        return running;
    }

    /** Lock held: tells the helper there is new work, starting a thread if none is running. */
    void wake() {
        if (running) {
            changed.signalAll();
            return;
        }
        if (!threads || stopped || failure != null) {
            return;
        }
        running = true;
        try {
            THREADS.execute(this::loop);
        } catch (RejectedExecutionException | OutOfMemoryError e) {
            // No thread to be had (thread limit): this stream's caller does all the work itself.
            LOG.debug("No helper thread for OpenPGP: {}", e.toString());
            running = false;
            threads = false;
        }
    }

    /**
     * Lock held: runs one task the caller may run, or else waits until the helper changes
     * something. Throws what a task threw, on either thread.
     */
    void workOrWait() throws InterruptedIOException {
        rethrow();
        Task task = work.claim(false);
        if (task != null) {
            runHere(task);
            return;
        }
        if (!running) {
            // The stream asked to wait for work nobody will do: a bug, reported rather than a hang.
            throw new IllegalStateException("OpenPGP stream: waiting for work that no thread can do");
        }
        if (spin()) {
            rethrow();
            return;
        }
        try {
            changed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted = new InterruptedIOException("Interrupted while encrypting or decrypting");
            interrupted.initCause(e);
            throw interrupted;
        }
        rethrow();
    }

    /**
     * Lock held (released meanwhile): waits up to {@link #SPIN_NANOS} for the helper to finish a
     * task, without parking; true if it did. A parked caller costs the helper an unpark (a system
     * call and a cross-CPU wake-up, 10-20 us in a VM) on its own critical path for every task.
     */
    private boolean spin() {
        long seen = changes;
        lock.unlock();
        try {
            long deadline = System.nanoTime() + SPIN_NANOS;
            while (changes == seen && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
        } finally {
            lock.lock();
        }
        return changes != seen;
    }

    private void runHere(Task task) {
        lock.unlock();
        try {
            task.run(false);
        } catch (Throwable t) {
            lock.lock();
            if (failure == null) {
                failure = t; // the task is neither done nor claimable: stop the helper too
            }
            changed.signalAll();
            throw t;
        }
        lock.lock();
        task.finished();
        changed.signalAll();
    }

    /** Lock held: throws the failure of a task, if any. */
    void rethrow() {
        Throwable t = failure;
        if (t == null) {
            return;
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t); // tasks throw only unchecked exceptions
    }

    /**
     * Stops the helper thread and waits until it has let go of the stream's buffers (at most
     * the rest of one task). After this the stream may wipe its buffers.
     */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            changed.signalAll();
            while (running) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        lock.lock();
        try {
            while (true) {
                Task task = stopped || failure != null ? null : work.claim(true);
                if (task == null) {
                    if (stopped || failure != null) {
                        return;
                    }
                    long left;
                    try {
                        left = changed.awaitNanos(LINGER_NANOS); // more work usually follows at once
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return; // a pool thread told to stop: the caller does the rest
                    }
                    task = stopped || failure != null ? null : work.claim(true);
                    if (task == null) {
                        if (left > 0) {
                            continue; // woken, but the news was not for us
                        }
                        return;
                    }
                }
                lock.unlock();
                Throwable thrown = null;
                try {
                    task.run(true);
                } catch (Throwable t) {
                    thrown = t;
                } finally {
                    lock.lock();
                }
                if (thrown != null) {
                    failure = thrown;
                } else {
                    task.finished();
                }
                changes++;
                changed.signalAll();
            }
        } catch (Throwable t) {
            if (failure == null) {
                failure = t; // claim() or finished() failed: report it to the caller instead of hanging
            }
        } finally {
            running = false;
            changes++;
            changed.signalAll();
            lock.unlock();
        }
    }

    private static final class DaemonThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "wlj-openpgp-helper-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
