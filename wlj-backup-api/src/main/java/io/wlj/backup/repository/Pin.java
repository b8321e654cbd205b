package io.wlj.backup.repository;

import io.wlj.backup.BackupId;
import java.time.Instant;
import java.util.Objects;

/**
 * A pinned backup: prune keeps it whatever the policy says, until it is unpinned.
 *
 * @param backupId the pinned backup
 * @param time     when it was pinned
 * @param by       who pinned it ({@code user@host})
 * @param note     why, in the operator's words (may be empty)
 */
public record Pin(BackupId backupId, Instant time, String by, String note) {
    public Pin {
        Objects.requireNonNull(backupId, "backupId");
        Objects.requireNonNull(time, "time");
        by = by == null ? "" : by;
        note = note == null ? "" : note;
    }
}
