package io.wlj.backup.repository;

import java.util.List;

/**
 * Private facts about one artifact: what it contains and how to decode it. Encrypted with the
 * manifest detail when the repository is encrypted.
 *
 * @param file        stored file name, matching a {@link StoredArtifact}
 * @param source      name of the source that wrote it
 * @param name        logical artifact name within the source
 * @param format      content format, for example {@code tar}
 * @param plainSize   size of the bytes the source wrote
 * @param plainSha256 lowercase hex SHA-256 of the bytes the source wrote
 * @param codecs      codec ids in the order they were applied when writing
 */
public record ArtifactDetail(String file, String source, String name, String format,
                             long plainSize, String plainSha256, List<String> codecs) {
    public ArtifactDetail {
        codecs = List.copyOf(codecs);
    }
}
