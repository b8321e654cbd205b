package io.wlj.backup.spi;

import io.wlj.backup.RestorePlan;

/**
 * Somewhere a backup can be restored to other than a directory, such as a new PostgreSQL
 * database or a plain SQL script. Given to {@code BackupSystem.restore(id).to(target)}.
 */
public interface RestoreTarget {

    /**
     * Plans the restore. May read the backup through {@code context} and inspect the target, but
     * must change nothing; {@link RestorePlan#execute()} does the work.
     */
    RestorePlan plan(RestoreContext context);
}
