package io.wlj.backup.retention;

import io.wlj.backup.BackupId;
import io.wlj.backup.repository.Leftover;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a prune kept and forgot, with reasons, and which leftovers it removed; for a dry run,
 * what it would do.
 *
 * @param policy   the policy, as text
 * @param grouping the grouping, as text
 * @param dryRun   true when nothing was deleted
 * @param keep     backups kept, oldest first within each group
 * @param forget   backups forgotten (or to be forgotten in a dry run)
 * @param garbage  leftovers removed (or to be removed)
 * @param duration how long it took
 */
public record PruneResult(String policy, String grouping, boolean dryRun, List<Entry> keep, List<Entry> forget,
                          List<Leftover> garbage, Duration duration) {
    public PruneResult {
        keep = List.copyOf(keep);
        forget = List.copyOf(forget);
        garbage = List.copyOf(garbage);
    }

    /**
     * One backup's decision.
     *
     * @param id        the backup
     * @param createdAt when it was made
     * @param group     the group it was judged in
     * @param reasons   why it is kept ("daily #3", "pinned"), or why it is forgotten when that is not just "no rule keeps it"
     */
    public record Entry(BackupId id, Instant createdAt, String group, List<String> reasons) {
        public Entry {
            reasons = List.copyOf(reasons);
        }
    }
}
