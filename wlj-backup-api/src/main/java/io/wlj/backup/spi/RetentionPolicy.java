package io.wlj.backup.spi;

import io.wlj.backup.BackupId;
import io.wlj.backup.repository.ManifestHeader;
import java.time.Instant;
import java.util.List;

/**
 * Decides which sealed backups to keep. A policy only plans; deleting is the repository's
 * prune operation, which enforces the safety rules (never the newest, the newest verified or a
 * pinned backup) whatever a policy says. The built-in implementation is
 * {@link io.wlj.backup.retention.KeepPolicy}.
 */
public interface RetentionPolicy {

    /** The built-in policy, with no rule yet: {@code RetentionPolicy.keep().last(3).daily(7)}. */
    static io.wlj.backup.retention.KeepPolicy keep() {
        return io.wlj.backup.retention.KeepPolicy.keep();
    }

    /** Plans over every sealed backup of one group, oldest first. */
    Plan plan(List<ManifestHeader> backups, Instant now);

    /** A keep-or-forget decision with the reasons behind it, for example {@code daily #3}. */
    record Decision(BackupId id, boolean keep, List<String> reasons) {
        public Decision {
            reasons = List.copyOf(reasons);
        }
    }

    /** Every backup's decision. */
    record Plan(List<Decision> decisions) {
        public Plan {
            decisions = List.copyOf(decisions);
        }
    }
}
