package io.wlj.backup.spi;

import io.wlj.backup.ProgressMonitor;
import java.io.IOException;
import java.io.OutputStream;

/** What a {@link BackupSource} writes into during a backup. */
public interface SourceContext {

    /**
     * Opens a new artifact. Bytes written are checksummed, compressed, encrypted and stored;
     * the artifact is committed when the stream is closed and discarded if the source fails.
     *
     * @param name   logical name, unique within the source (letters, digits, '-', '_', '.')
     * @param format content format recorded in the manifest, for example {@code tar}
     */
    OutputStream newArtifact(String name, String format) throws IOException;

    /** Records a metadata value for this source in the manifest (strings, numbers, booleans, lists, maps). */
    void metadata(String key, Object value);

    /** Records a warning that is reported in the result and the audit journal. */
    void warn(String message);

    /**
     * Adds plain-text instructions to the backup's RESTORE.txt, telling a reader without this
     * library how to restore this source's artifacts with standard tools. Never include secrets.
     */
    default void instructions(String text) {
    }

    /** Progress and cancellation for this backup. */
    ProgressMonitor progress();
}
