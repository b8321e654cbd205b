package io.wlj.backup.repository;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupId;
import io.wlj.backup.ErrorCode;
import java.util.Optional;

/**
 * A sealed backup's record: a public {@link ManifestHeader} and a private {@link ManifestDetail}.
 * A backup exists only once its manifest has been written, last, by the repository. In an
 * encrypted repository the detail is stored encrypted in {@link ManifestHeader#detailFile()} and
 * is null here until decrypted ({@code BackupSystem.show}).
 */
public record Manifest(ManifestHeader header, ManifestDetail detail) {
    /** The format version this library writes. */
    public static final int FORMAT_VERSION = 1;

    public BackupId id() {
        return header.id();
    }

    /** True when the detail is present (inline, or decrypted). */
    public boolean hasDetail() {
        return detail != null;
    }

    /** The detail, or a clear failure saying it is encrypted. */
    public ManifestDetail requireDetail() {
        if (detail == null) {
            throw BackupException.badInput("Backup " + id() + " is encrypted; give its passphrase or secret key to read what it contains.");
        }
        return detail;
    }

    /** The detail of the artifact stored as {@code file}. */
    public Optional<ArtifactDetail> artifact(String file) {
        return requireDetail().artifacts().stream().filter(a -> a.file().equals(file)).findFirst();
    }

    /** The stored facts of {@code file}; fails when the manifest does not list it. */
    public StoredArtifact stored(String file) {
        return header.artifacts().stream().filter(a -> a.file().equals(file)).findFirst()
                .orElseThrow(() -> new BackupException(ErrorCode.REPOSITORY,
                        "The manifest of backup " + id() + " lists no stored file '" + file + "'."));
    }

    /** Total size of what the sources wrote. */
    public long plainBytes() {
        return requireDetail().artifacts().stream().mapToLong(ArtifactDetail::plainSize).sum();
    }
}
