package io.wlj.backup;

/**
 * Progress of a long operation and a way to cancel it, in the manner of JGit's monitor.
 * Implementations must be thread-safe: parallel sources report concurrently.
 */
public interface ProgressMonitor {

    /** A monitor that ignores progress and is never cancelled. */
    ProgressMonitor NONE = new ProgressMonitor() { };

    /** A unit of work starts; {@code totalBytes} is -1 when unknown. */
    default void beginTask(String title, long totalBytes) { }

    /** {@code bytes} more bytes were processed. */
    default void update(long bytes) { }

    /** The unit of work named {@code title} ended. */
    default void endTask(String title) { }

    /** When true, the operation stops at the next buffer boundary and fails with {@link ErrorCode#CANCELLED}. */
    default boolean isCancelled() {
        return false;
    }
}
