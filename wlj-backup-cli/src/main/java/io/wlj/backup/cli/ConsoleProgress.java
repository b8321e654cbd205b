package io.wlj.backup.cli;

import io.wlj.backup.ProgressMonitor;
import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;

/** One self-overwriting progress line on a terminal: bytes processed and throughput. */
final class ConsoleProgress implements ProgressMonitor {
    private final PrintWriter err;
    private final AtomicLong bytes = new AtomicLong();
    private final long start = System.nanoTime();
    private volatile long lastDraw;
    private volatile String title = "";

    ConsoleProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void beginTask(String title, long totalBytes) {
        this.title = title;
    }

    @Override
    public void update(long n) {
        long total = bytes.addAndGet(n);
        long now = System.nanoTime();
        if (now - lastDraw > 200_000_000L) {
            lastDraw = now;
            double seconds = Math.max(1e-3, (now - start) / 1e9);
            synchronized (err) {
                err.printf("\r%-40.40s %10s  %8s/s ", title, Sizes.human(total), Sizes.human((long) (total / seconds)));
                err.flush();
            }
        }
    }

    @Override
    public void endTask(String title) {
        synchronized (err) {
            err.print("\r" + " ".repeat(70) + "\r");
            err.flush();
        }
    }
}
