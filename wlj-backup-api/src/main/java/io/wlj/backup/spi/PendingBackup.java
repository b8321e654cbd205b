package io.wlj.backup.spi;

import io.wlj.backup.BackupId;
import io.wlj.backup.repository.Manifest;
import java.io.IOException;

/** A backup being written. It becomes visible only when {@link #seal(Manifest)} returns. */
public interface PendingBackup extends AutoCloseable {

    BackupId id();

    /** Starts a new stored file; the name must be unique within the backup. */
    StagedFile createFile(String fileName) throws IOException;

    /**
     * Writes the manifest last, atomically and durably, preceded by its signature when a signer
     * is given. After this the backup exists.
     */
    void seal(Manifest manifest, io.wlj.backup.spi.ManifestSigner signer) throws IOException;

    /** Removes everything written so far unless sealed. Safe to call more than once. */
    @Override
    void close();
}
