package io.wlj.backup;

import java.util.List;

/**
 * A restore that has been planned but has touched nothing yet. Print {@link #describe()} to
 * see every step in order; {@link #execute()} performs them, proving each artifact's integrity
 * before any of its data takes effect.
 */
public interface RestorePlan {

    /** The backup being restored. */
    BackupId backupId();

    /** The steps, in the order they will run. */
    List<String> steps();

    /** A plain-language description of every step, what will be replaced, and the rollback path. */
    String describe();

    /** Runs the plan. On failure the target is left as it was and a {@link BackupException} is thrown. */
    RestoreReport execute();
}
