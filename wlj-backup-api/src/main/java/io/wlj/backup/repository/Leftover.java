package io.wlj.backup.repository;

import java.time.Instant;

/**
 * Something an interrupted operation left behind: a backup directory without a sealed manifest,
 * or a temporary file. Leftovers are invisible to list and restore and are removed by prune.
 *
 * @param path         where it is, relative to the repository root
 * @param lastModified when it was last written
 * @param bytes        how much space it takes
 */
public record Leftover(String path, Instant lastModified, long bytes) {
}
