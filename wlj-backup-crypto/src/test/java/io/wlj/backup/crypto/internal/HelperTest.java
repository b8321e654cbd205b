package io.wlj.backup.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The helper that lends a stream the second core: work is done exactly once, a failure on the
 * helper thread reaches the caller as the very same exception, stop() waits for a running
 * task, and without threads the caller does everything itself.
 */
class HelperTest {
    private static final Duration NO_HANG = Duration.ofSeconds(30);

    /** Tasks in a queue; the helper takes them all, the caller only when allowed. */
    private static final class Queue implements Helper.Work {
        final Deque<Runnable> tasks = new ArrayDeque<>();
        final List<String> ranOn = new ArrayList<>();
        int done;
        boolean callerMayRun;
        RuntimeException claimFailure;
        Helper helper;

        @Override
        public Helper.Task claim(boolean forHelper) {
            if (forHelper && claimFailure != null) {
                throw claimFailure;
            }
            if (!forHelper && !callerMayRun && helper.running()) {
                return null;
            }
            Runnable next = tasks.poll();
            if (next == null) {
                return null;
            }
            return new Helper.Task() {
                @Override
                public void run(boolean onHelper) {
                    next.run();
                    synchronized (ranOn) {
                        ranOn.add(onHelper ? Thread.currentThread().getName() : "caller");
                    }
                }

                @Override
                public void finished() {
                    done++;
                }
            };
        }
    }

    private static Helper helper(Queue queue, boolean thread) {
        Helper helper = new Helper(queue, thread);
        queue.helper = helper;
        return helper;
    }

    /** Submits the tasks and waits (working when allowed) until {@code count} are done. */
    private static void runAll(Helper helper, Queue queue, int count) throws Exception {
        helper.lock();
        try {
            helper.wake();
            while (queue.done < count) {
                helper.workOrWait();
            }
        } finally {
            helper.unlock();
        }
    }

    @Test
    void theHelperThreadDoesTheWorkOnADaemonThread() {
        assumeTrue(Helper.MULTI_CORE, "one core: streams use no helper thread");
        assertTimeoutPreemptively(NO_HANG, () -> {
            Queue queue = new Queue();
            Helper helper = helper(queue, true);
            AtomicBoolean daemon = new AtomicBoolean(true);
            for (int i = 0; i < 100; i++) {
                queue.tasks.add(() -> daemon.compareAndSet(true, Thread.currentThread().isDaemon()));
            }
            runAll(helper, queue, 100);
            assertThat(queue.ranOn).hasSize(100).allMatch(name -> name.startsWith("wlj-openpgp-helper-"));
            assertThat(daemon).isTrue();
            helper.stop();
            helper.lock();
            assertThat(helper.running()).isFalse();
            helper.unlock();
        });
    }

    @Test
    void aTaskFailingOnTheHelperThreadReachesTheCallerAsTheSameException() {
        assumeTrue(Helper.MULTI_CORE, "one core: streams use no helper thread");
        for (Throwable failure : List.of(new IllegalStateException("AES failed: broken"), new OutOfMemoryError("no heap"))) {
            assertTimeoutPreemptively(NO_HANG, () -> {
                Queue queue = new Queue();
                Helper helper = helper(queue, true);
                queue.tasks.add(() -> { });
                queue.tasks.add(() -> {
                    if (failure instanceof Error e) {
                        throw e;
                    }
                    throw (RuntimeException) failure;
                });
                queue.tasks.add(() -> { });
                assertThatThrownBy(() -> runAll(helper, queue, 3)).isSameAs(failure);
                helper.lock();
                try {
                    assertThatThrownBy(helper::workOrWait).as("and again").isSameAs(failure);
                    assertThat(queue.tasks).as("the helper stopped at the failure").hasSize(1);
                } finally {
                    helper.unlock();
                }
                helper.stop();
                helper.lock();
                assertThat(helper.running()).isFalse();
                helper.unlock();
            });
        }
    }

    @Test
    void aFailureInTheStreamsOwnBookkeepingIsReportedRatherThanHung() {
        assumeTrue(Helper.MULTI_CORE, "one core: streams use no helper thread");
        assertTimeoutPreemptively(NO_HANG, () -> {
            Queue queue = new Queue();
            Helper helper = helper(queue, true);
            queue.tasks.add(() -> { });
            queue.claimFailure = new IllegalStateException("claim broke");
            assertThatThrownBy(() -> runAll(helper, queue, 1)).isSameAs(queue.claimFailure);
            helper.stop();
        });
    }

    @Test
    void stopWaitsForTheTaskTheHelperIsRunning() throws Exception {
        assumeTrue(Helper.MULTI_CORE, "one core: streams use no helper thread");
        assertTimeoutPreemptively(NO_HANG, () -> {
            Queue queue = new Queue();
            Helper helper = helper(queue, true);
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean finished = new AtomicBoolean();
            queue.tasks.add(() -> {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                finished.set(true);
            });
            helper.lock();
            helper.wake();
            helper.unlock();
            started.await();
            AtomicReference<Boolean> finishedWhenStopReturned = new AtomicReference<>();
            Thread stopper = new Thread(() -> {
                helper.stop();
                finishedWhenStopReturned.set(finished.get());
            });
            stopper.start();
            release.countDown();
            stopper.join();
            assertThat(finishedWhenStopReturned.get()).as("stop() returned only after the running task").isTrue();
        });
    }

    @Test
    void withoutThreadsTheCallerDoesAllTheWork() {
        assertTimeoutPreemptively(NO_HANG, () -> {
            Queue queue = new Queue();
            Helper helper = helper(queue, false);
            for (int i = 0; i < 10; i++) {
                queue.tasks.add(() -> { });
            }
            runAll(helper, queue, 10);
            assertThat(queue.ranOn).hasSize(10).containsOnly("caller");
            helper.lock();
            assertThat(helper.running()).isFalse();
            helper.unlock();
            RuntimeException failure = new IllegalStateException("SHA-1 failed");
            queue.tasks.add(() -> {
                throw failure;
            });
            assertThatThrownBy(() -> runAll(helper, queue, 11)).isSameAs(failure);
            helper.stop();
        });
    }

    @Test
    void waitingForWorkThatNoThreadCanDoIsABugReportedAtOnce() {
        assertTimeoutPreemptively(NO_HANG, () -> {
            Queue queue = new Queue();
            Helper helper = helper(queue, false);
            assertThatThrownBy(() -> runAll(helper, queue, 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("waiting for work that no thread can do");
        });
    }
}
