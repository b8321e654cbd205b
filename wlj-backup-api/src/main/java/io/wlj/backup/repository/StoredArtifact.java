package io.wlj.backup.repository;

/**
 * Public facts about one stored file of a backup: enough to check its integrity without any key.
 *
 * @param file         file name inside the backup
 * @param storedSize   size of the stored (compressed, possibly encrypted) bytes
 * @param storedSha256 lowercase hex SHA-256 of the stored bytes
 */
public record StoredArtifact(String file, long storedSize, String storedSha256) {
}
