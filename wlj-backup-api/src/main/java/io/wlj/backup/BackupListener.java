package io.wlj.backup;

/** Receives {@link BackupEvent}s; callbacks must be quick and thread-safe. Exceptions are logged and ignored. */
@FunctionalInterface
public interface BackupListener {
    void onEvent(BackupEvent event);
}
