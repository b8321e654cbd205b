package io.wlj.backup;

import java.time.Instant;
import java.util.Optional;

/**
 * Something that happened during an operation, delivered to {@link BackupListener}s.
 *
 * @param type     what happened
 * @param backupId the backup concerned, when there is one
 * @param subject  the artifact, source or gate concerned, or empty
 * @param message  a human-readable sentence
 * @param time     when it happened
 */
public record BackupEvent(Type type, Optional<BackupId> backupId, String subject, String message, Instant time) {

    public enum Type {
        BACKUP_STARTED, ARTIFACT_STORED, GATE_EVALUATED, BACKUP_SEALED, BACKUP_FAILED,
        VERIFY_STARTED, ARTIFACT_VERIFIED, VERIFY_FINISHED,
        RESTORE_STARTED, RESTORE_STEP, RESTORE_FINISHED, RESTORE_FAILED,
        WARNING
    }

    public static BackupEvent of(Type type, BackupId id, String subject, String message) {
        return new BackupEvent(type, Optional.ofNullable(id), subject == null ? "" : subject, message, Instant.now());
    }
}
