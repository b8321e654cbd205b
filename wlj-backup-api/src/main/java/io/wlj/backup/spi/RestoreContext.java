package io.wlj.backup.spi;

import io.wlj.backup.BackupEvent;
import io.wlj.backup.GateResult;
import io.wlj.backup.ProgressMonitor;
import io.wlj.backup.Stage;
import io.wlj.backup.repository.ArtifactDetail;
import io.wlj.backup.repository.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What a {@link RestoreTarget} gets from the engine: the backup, verified reads, gates, the journal. */
public interface RestoreContext {

    /** The backup's manifest with its detail (decrypted if needed); its signature has been checked. */
    Manifest manifest();

    /** The artifacts one source wrote, in the order they were stored. */
    List<ArtifactDetail> artifacts(String source);

    /**
     * The plaintext of one artifact. At end of stream its stored and plaintext SHA-256 are
     * checked; a mismatch, or damage that stops decoding, throws an
     * {@link io.wlj.backup.IntegrityException} naming the artifact. Read to the end before
     * trusting what was read.
     */
    InputStream open(ArtifactDetail artifact) throws IOException;

    /** Progress and cancellation of this restore. */
    ProgressMonitor progress();

    /** The names of the gates configured at {@code stage}, for a plan's description. */
    List<String> gateNames(Stage stage);

    /** Runs the gates of {@code stage}; a failing gate throws {@link io.wlj.backup.GateFailedException}. */
    List<GateResult> runGates(Stage stage);

    /**
     * Runs the gates of {@code stage} with the target's connection visible to them through
     * {@link GateContext#connection()}; a failing gate throws {@link io.wlj.backup.GateFailedException}.
     */
    List<GateResult> runGates(Stage stage, java.sql.Connection connection);

    /**
     * Backs up {@code source} (the restore's target as it is now) into the same repository, with
     * the same codecs and encryption, and seals it before anything is changed. The backup
     * carries the labels {@code kind=pre-restore} and {@code restore-of=<the backup restored>}.
     * Fails, and the restore must not go on, when the backup cannot be sealed.
     */
    io.wlj.backup.BackupId safetyBackup(BackupSource source);

    /** Takes the repository's shared lock, so that no prune removes the backup while it is read. */
    RepositoryLock lockRepository(String purpose);

    /** Appends an entry for this restore to the repository's audit journal. */
    void audit(String operation, Instant start, String outcome, List<String> steps, List<String> warnings,
               Map<String, String> details);

    /** Delivers an event to the configured listeners. */
    void emit(BackupEvent.Type type, String subject, String message);
}
