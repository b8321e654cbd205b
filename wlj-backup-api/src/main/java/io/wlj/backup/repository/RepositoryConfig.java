package io.wlj.backup.repository;

import java.time.Instant;

/**
 * The repository's own record ({@code wlj-repository.json}): format, identity and the
 * encryption mode it was initialised with. Never holds secrets.
 *
 * @param format        always {@code wlj-backup-repository}
 * @param formatVersion layout version
 * @param repositoryId  random identity, to tell repositories apart
 * @param createdAt     when it was initialised
 * @param encryption    {@code none} until the encryption module sets a mode
 * @param toolVersion   version that initialised it
 */
public record RepositoryConfig(String format, int formatVersion, String repositoryId, Instant createdAt,
                               String encryption, String toolVersion) {
    public static final String FORMAT = "wlj-backup-repository";
    public static final int FORMAT_VERSION = 1;
}
