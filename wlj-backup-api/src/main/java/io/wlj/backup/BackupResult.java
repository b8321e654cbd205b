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
 */
public record BackupResult(Manifest manifest, List<String> warnings, Duration duration) {
    public BackupResult {
        warnings = List.copyOf(warnings);
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
