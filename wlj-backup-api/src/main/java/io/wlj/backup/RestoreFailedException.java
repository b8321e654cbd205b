package io.wlj.backup;

import java.util.List;

/**
 * A restore stopped. The target was put back as it was; {@link #report()} says what ran before
 * the failure, {@link #stoppedAt()} which step failed and {@link #notRun()} what never ran.
 * The error code is the cause's.
 */
public class RestoreFailedException extends BackupException {
    private final transient RestoreReport report;
    private final String stoppedAt;
    private final List<String> notRun;

    public RestoreFailedException(BackupException cause, RestoreReport report, String stoppedAt, List<String> notRun) {
        super(cause.code(), cause.getMessage(), cause);
        this.report = report;
        this.stoppedAt = stoppedAt;
        this.notRun = List.copyOf(notRun);
    }

    /** The steps that completed (and were rolled back), tables loaded so far, and gate results. */
    public RestoreReport report() {
        return report;
    }

    /** The step that failed. */
    public String stoppedAt() {
        return stoppedAt;
    }

    /** The planned steps that never ran. */
    public List<String> notRun() {
        return notRun;
    }
}
