package io.wlj.backup.postgres.internal;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs the same work on several daemon threads and rethrows the most telling failure. */
final class Parallel {
    interface Work {
        void run(int worker) throws SQLException, IOException;
    }

    private Parallel() {
    }

    static void run(int threads, String name, Work work) throws SQLException, IOException {
        if (threads == 1) {
            work.run(0);
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int worker = i;
                futures.add(pool.submit(() -> {
                    work.run(worker);
                    return null;
                }));
            }
            Throwable first = null;
            for (Future<Void> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    // A query cancelled because a sibling failed is not the cause worth reporting.
                    if (first == null || isCancellation(first)) {
                        first = e.getCause();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BackupException(ErrorCode.CANCELLED, "Interrupted while " + name + " threads were running.");
                }
            }
            if (first instanceof SQLException se) {
                throw se;
            }
            if (first instanceof IOException io) {
                throw io;
            }
            if (first instanceof RuntimeException re) {
                throw re;
            }
            if (first instanceof Error err) {
                throw err;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean isCancellation(Throwable t) {
        return t instanceof SQLException se && "57014".equals(se.getSQLState());
    }
}
