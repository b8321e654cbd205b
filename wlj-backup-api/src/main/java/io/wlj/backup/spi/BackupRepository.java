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

    /** What interrupted operations left behind. Throws when the listing cannot be completed. */
    List<Leftover> leftovers();

    /**
     * Removes leftovers: interrupted forgets and orphaned records at once, the others once their
     * last write is older than {@code grace}. Call under an exclusive lock.
     */
    List<Leftover> removeLeftovers(java.time.Duration grace, java.time.Instant now);

    /**
     * Forgets a sealed backup. It is unsealed first, in one atomic step, so that from then on it
     * neither lists nor restores; then its files and verification records are removed. An
     * interrupted forget leaves an {@link Leftover.Kind#INTERRUPTED_FORGET} leftover that
     * {@link #removeLeftovers} finishes. Call under an exclusive lock; {@code NOT_FOUND} when
     * there is no such sealed backup.
     */
    void forget(BackupId id);

    /** Pins a sealed backup, replacing an earlier pin of it. Call under a shared lock. */
    void pin(io.wlj.backup.repository.Pin pin);

    /** Removes the pin of {@code id}; false when it was not pinned. Call under a shared lock. */
    boolean unpin(BackupId id);

    /** Every pin. Throws when the listing cannot be completed. */
    List<io.wlj.backup.repository.Pin> pins();

    /** Takes a lock, failing with {@code LOCKED} when a live process holds a conflicting one. */
    RepositoryLock lock(LockMode mode, String operation);

    /** Stores the result of a verification. */
    void recordVerification(VerificationRecord record);

    /** Verification records of a backup, oldest first. */
    List<VerificationRecord> verifications(BackupId id);

    /** The append-only journal of operations on this repository. */
    AuditJournal journal();
}
