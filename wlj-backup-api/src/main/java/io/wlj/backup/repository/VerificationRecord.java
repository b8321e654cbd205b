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
 * @param kind      {@code checksums} (stored bytes), {@code deep} (also decoded and plaintext-checked) or
 *                  {@code restore-test} (restored into a scratch database and checked there)
 * @param passed    true when every artifact matched
 * @param artifacts how many stored files were read (for a drill: tables restored)
 * @param bytes     how many stored bytes were read (for a drill: rows restored)
 * @param duration  how long it took
 * @param problems  one sentence per artifact that failed (for a drill: why it failed)
 * @param gates     for a restore drill ({@code restore-test}), every gate result; empty otherwise
 * @param steps     for a restore drill, each step with what it did and how long it took
 */
public record VerificationRecord(BackupId backupId, Instant time, String kind, boolean passed,
                                 int artifacts, long bytes, Duration duration, List<String> problems,
                                 List<io.wlj.backup.GateResult> gates, List<String> steps) {
    /** A restore drill's kind. */
    public static final String RESTORE_TEST = "restore-test";

    public VerificationRecord {
        problems = List.copyOf(problems);
        gates = gates == null ? List.of() : List.copyOf(gates);
        steps = steps == null ? List.of() : List.copyOf(steps);
    }

    /** A record of reading the stored files ({@code checksums} or {@code deep}). */
    public VerificationRecord(BackupId backupId, Instant time, String kind, boolean passed, int artifacts, long bytes, Duration duration,
                              List<String> problems) {
        this(backupId, time, kind, passed, artifacts, bytes, duration, problems, List.of(), List.of());
    }
}
