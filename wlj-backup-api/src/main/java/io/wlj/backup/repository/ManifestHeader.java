package io.wlj.backup.repository;

import io.wlj.backup.BackupId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The public part of a manifest: readable without any key, so monitoring hosts can list
 * backups and check freshness and integrity without learning anything about the data.
 *
 * @param formatVersion manifest format version
 * @param id            backup id
 * @param createdAt     when the backup started (authoritative; the id is only a hint)
 * @param completedAt   when it was sealed
 * @param status        {@code SEALED} for every manifest that exists
 * @param kind          backup kind, {@code full} for now
 * @param labels        user labels (never secrets)
 * @param toolVersion   wlj-backup version that wrote it
 * @param artifacts     stored files with sizes and checksums
 * @param storedBytes   total stored size
 * @param detailFile    the stored file holding the encrypted {@link ManifestDetail}, or null when
 *                      the detail is inline (unencrypted repositories)
 * @param detailCodecs  the codec ids {@code detailFile} was written with, in writing order
 * @param sources       the configured sources, so that retention can group backups without a
 *                      key: their names ({@code app-db}), or in an encrypted repository short
 *                      salted digests of them ({@code src-3f9a2c01b7}) that reveal nothing;
 *                      empty in manifests written before sources were recorded
 */
public record ManifestHeader(int formatVersion, BackupId id, Instant createdAt, Instant completedAt,
                             String status, String kind, Map<String, String> labels, String toolVersion,
                             List<StoredArtifact> artifacts, long storedBytes, String detailFile,
                             List<String> detailCodecs, List<String> sources) {
    public static final String SEALED = "SEALED";

    public ManifestHeader {
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels));
        artifacts = List.copyOf(artifacts);
        detailCodecs = detailCodecs == null ? List.of() : List.copyOf(detailCodecs);
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    /** The {@code kind} label of the safety backups restores take of their target. */
    public static final String PRE_RESTORE = "pre-restore";

    /**
     * True for a safety backup a restore took of its target ({@code kind=pre-restore}): not a
     * backup anyone asked for, so "latest", freshness and retention groups keep it apart.
     */
    public boolean safetyBackup() {
        return PRE_RESTORE.equals(labels.get("kind"));
    }

    /** True when the detail of this backup is stored encrypted. */
    public boolean detailEncrypted() {
        return detailFile != null;
    }
}
