package io.wlj.backup.internal;

import io.wlj.backup.BackupEvent;
import io.wlj.backup.GateResult;
import io.wlj.backup.ProgressMonitor;
import io.wlj.backup.Stage;
import io.wlj.backup.audit.AuditEntry;
import io.wlj.backup.repository.ArtifactDetail;
import io.wlj.backup.repository.LockMode;
import io.wlj.backup.repository.Manifest;
import io.wlj.backup.spi.RepositoryLock;
import io.wlj.backup.spi.RestoreContext;
import io.wlj.backup.spi.ValidationGate;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The engine's side of a restore into a {@link io.wlj.backup.spi.RestoreTarget}. */
public final class EngineRestoreContext implements RestoreContext {
    private final EngineConfig config;
    private final Manifest manifest;
    private final ProgressMonitor progress;
    private final VerifiedArtifacts artifacts;

    public EngineRestoreContext(EngineConfig config, Manifest manifest, ProgressMonitor progress) {
        this.config = config;
        this.manifest = manifest;
        this.progress = progress;
        this.artifacts = new VerifiedArtifacts(config, manifest, progress);
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    @Override
    public List<ArtifactDetail> artifacts(String source) {
        return manifest.requireDetail().artifacts().stream().filter(a -> a.source().equals(source)).toList();
    }

    @Override
    public InputStream open(ArtifactDetail artifact) throws IOException {
        return artifacts.open(artifact);
    }

    @Override
    public ProgressMonitor progress() {
        return progress;
    }

    @Override
    public List<String> gateNames(Stage stage) {
        return config.gates().getOrDefault(stage, List.of()).stream().map(ValidationGate::name).toList();
    }

    @Override
    public List<GateResult> runGates(Stage stage) {
        return config.runGates(stage, manifest, progress);
    }

    @Override
    public List<GateResult> runGates(Stage stage, java.sql.Connection connection) {
        return config.runGates(stage, manifest, progress, connection);
    }

    @Override
    public io.wlj.backup.BackupId safetyBackup(io.wlj.backup.spi.BackupSource source) {
        java.util.Objects.requireNonNull(source, "source");
        Map<String, String> labels = Map.of("kind", io.wlj.backup.repository.ManifestHeader.PRE_RESTORE, "restore-of", manifest.id().value());
        return new BackupRun(config.withOnlySource(source), labels, progress).run().id();
    }

    @Override
    public RepositoryLock lockRepository(String purpose) {
        return config.repository().lock(LockMode.SHARED, purpose);
    }

    @Override
    public void audit(String operation, Instant start, String outcome, List<String> steps, List<String> warnings,
                      Map<String, String> details) {
        config.repository().journal().append(new AuditEntry(operation, start, Instant.now(), outcome, steps, warnings, details,
                HostInfo.host(), HostInfo.user()));
    }

    @Override
    public void emit(BackupEvent.Type type, String subject, String message) {
        config.events().emit(BackupEvent.of(type, manifest.id(), subject, message));
    }
}
