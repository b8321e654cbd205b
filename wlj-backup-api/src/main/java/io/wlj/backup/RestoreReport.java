package io.wlj.backup;

import java.time.Duration;
import java.util.List;

/**
 * What a restore did.
 *
 * @param backupId the backup restored
 * @param steps    each step with its timing and what it did
 * @param warnings anything worth a look
 * @param duration total time
 */
public record RestoreReport(BackupId backupId, List<Step> steps, List<String> warnings, Duration duration) {

    public RestoreReport {
        steps = List.copyOf(steps);
        warnings = List.copyOf(warnings);
    }

    /** One executed step. */
    public record Step(String name, String detail, Duration duration) {
    }
}
