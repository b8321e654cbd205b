package io.wlj.backup.spi;

import io.wlj.backup.BackupId;
import io.wlj.backup.audit.AuditJournal;
import io.wlj.backup.repository.Leftover;
import io.wlj.backup.repository.LockMode;
import io.wlj.backup.repository.Manifest;
import io.wlj.backup.repository.ManifestHeader;
import io.wlj.backup.repository.VerificationRecord;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Where backups live. Implementations guarantee that a backup without a sealed manifest is
 * invisible, that every write is atomic and durable, and that a listing error is thrown,
 * never returned as an empty list.
 */
public interface BackupRepository {

    /** Human-readable location, for messages. Never contains credentials. */
    String location();

    /** The repository's own settings: layout version, encryption mode, required signer. */
    io.wlj.backup.repository.RepositoryConfig config();

    /** Begins a new backup; call under a shared lock. */
    PendingBackup begin(BackupId id);

    /** Sealed backups, oldest first. Throws when the listing cannot be completed. */
    List<ManifestHeader> list();

    /** The sealed manifest of {@code id}; {@code NOT_FOUND} when there is none. */
    Manifest read(BackupId id);

    /** The exact bytes of a sealed manifest, for signature checks. */
    byte[] readManifestBytes(BackupId id);

    /** The detached signature of a sealed manifest, if one was written. */
    java.util.Optional<byte[]> readSignature(BackupId id);

    /** Opens a stored file of a backup for reading. */
    InputStream openFile(BackupId id, String fileName) throws IOException;

    /** What interrupted operations left behind. */
    List<Leftover> leftovers();

    /** Takes a lock, failing with {@code LOCKED} when a live process holds a conflicting one. */
    RepositoryLock lock(LockMode mode, String operation);

    /** Stores the result of a verification. */
    void recordVerification(VerificationRecord record);

    /** Verification records of a backup, oldest first. */
    List<VerificationRecord> verifications(BackupId id);

    /** The append-only journal of operations on this repository. */
    AuditJournal journal();
}
