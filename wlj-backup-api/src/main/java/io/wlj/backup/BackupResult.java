package io.wlj.backup;

import io.wlj.backup.repository.Manifest;
import java.time.Duration;
import java.util.List;

/**
 * A sealed backup.
 *
 * @param manifest the manifest that was sealed
 * @param warnings warnings raised by sources and gates
 * @param duration how long the backup took
 * @param retention what the configured retention policy did after the backup, if one is configured and ran
 */
public record BackupResult(Manifest manifest, List<String> warnings, Duration duration,
                           java.util.Optional<io.wlj.backup.retention.PruneResult> retention) {
    public BackupResult {
        warnings = List.copyOf(warnings);
        retention = retention == null ? java.util.Optional.empty() : retention;
    }

    public BackupResult(Manifest manifest, List<String> warnings, Duration duration) {
        this(manifest, warnings, duration, java.util.Optional.empty());
    }

    /** This result with what retention did after it. */
    public BackupResult withRetention(io.wlj.backup.retention.PruneResult pruned) {
        return new BackupResult(manifest, warnings, duration, java.util.Optional.of(pruned));
    }

    /** This result with one more warning. */
    public BackupResult withWarning(String warning) {
        List<String> w = new java.util.ArrayList<>(warnings);
        w.add(warning);
        return new BackupResult(manifest, w, duration, retention);
    }

    public BackupId id() {
        return manifest.id();
    }

    public long storedBytes() {
        return manifest.header().storedBytes();
    }

    public long plainBytes() {
        return manifest.plainBytes();
    }

    public List<GateResult> gates() {
        return manifest.detail().gates();
    }
}
