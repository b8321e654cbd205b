package io.wlj.backup.repository;

import java.time.Instant;

/**
 * Something an interrupted operation left behind. Leftovers are invisible to list and restore
 * and are removed by prune: interrupted forgets and orphaned records at once, the rest once
 * they are older than a grace period.
 *
 * @param path         where it is, relative to the repository root
 * @param lastModified when it was last written
 * @param bytes        how much space it takes
 * @param kind         what left it
 */
public record Leftover(String path, Instant lastModified, long bytes, Kind kind) {

    /** True when prune removes it now: nothing can still be writing it, or it is older than {@code grace}. */
    public boolean dueForRemoval(Instant now, java.time.Duration grace) {
        return kind.dead() || lastModified.isBefore(now.minus(grace));
    }

    /** What a leftover is. */
    public enum Kind {
        /** A backup directory that was never sealed: a backup died or is still being written. */
        UNSEALED_BACKUP,
        /** A backup a prune had unsealed when it stopped; nothing in it can be listed or restored. */
        INTERRUPTED_FORGET,
        /** An empty backup directory: a forget stopped just before removing it, or a backup just after creating it. */
        EMPTY_DIRECTORY,
        /** A temporary file of a write that never completed. */
        TEMPORARY_FILE,
        /** Verification records of a backup that no longer exists. */
        ORPHANED_RECORDS;

        /**
         * True when nothing can still be writing it, or it holds nothing, so no grace period
         * applies (prune holds the repository alone while it removes leftovers).
         */
        public boolean dead() {
            return this == INTERRUPTED_FORGET || this == ORPHANED_RECORDS || this == EMPTY_DIRECTORY;
        }
    }
}
