package io.wlj.backup.repository;

import io.wlj.backup.BackupId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of checking one backup, kept in the repository next to (not inside) the
 * immutable manifest.
 *
 * @param backupId  the backup checked
 * @param time      when the check finished
 * @param kind      {@code checksums} (stored bytes) or {@code deep} (also decoded and plaintext-checked)
 * @param passed    true when every artifact matched
 * @param artifacts how many stored files were read
 * @param bytes     how many stored bytes were read
 * @param duration  how long it took
 * @param problems  one sentence per artifact that failed
 */
public record VerificationRecord(BackupId backupId, Instant time, String kind, boolean passed,
                                 int artifacts, long bytes, Duration duration, List<String> problems) {
    public VerificationRecord {
        problems = List.copyOf(problems);
    }
}
