package io.wlj.backup;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a restore did, or, inside a {@link RestoreFailedException}, what it did before it stopped.
 *
 * @param backupId     the backup restored
 * @param steps        each step that ran, with its timing and what it did
 * @param tables       rows per table (loaded, inserted, skipped), for restores into a database
 * @param gates        every gate result, built-in and configured, in the order they ran
 * @param warnings     anything worth a look
 * @param safetyBackup the backup of the target taken before it was changed, if one was taken
 * @param rollback     how to undo this restore, in words, or empty when there is nothing to undo
 * @param duration     total time
 */
public record RestoreReport(BackupId backupId, List<Step> steps, List<TableResult> tables, List<GateResult> gates,
                            List<String> warnings, Optional<BackupId> safetyBackup, String rollback, Duration duration) {

    public RestoreReport {
        Objects.requireNonNull(backupId, "backupId");
        steps = List.copyOf(steps);
        tables = List.copyOf(tables);
        gates = List.copyOf(gates);
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(safetyBackup, "safetyBackup");
        rollback = rollback == null ? "" : rollback;
        Objects.requireNonNull(duration, "duration");
    }

    /** A report with steps and warnings only, as a restore into a directory or a script writes. */
    public RestoreReport(BackupId backupId, List<Step> steps, List<String> warnings, Duration duration) {
        this(backupId, steps, List.of(), List.of(), warnings, Optional.empty(), "", duration);
    }

    /** One executed step. */
    public record Step(String name, String detail, Duration duration) {
    }

    /**
     * One table's rows.
     *
     * @param table    schema-qualified name
     * @param rows     rows read from the backup for this table (after any row predicate)
     * @param inserted rows written into the target (when replacing a table with a primary key, rows
     *                 inserted or updated in place)
     * @param skipped  rows left out because the target already had a row with the same key (merges only)
     * @param deleted  rows of the target removed because the backup does not have them (replacing a table only)
     */
    public record TableResult(String table, long rows, long inserted, long skipped, long deleted) {
    }
}
