package io.wlj.backup.internal;

import io.wlj.backup.BackupEvent;
import io.wlj.backup.BackupListener;
import io.wlj.backup.GateResult;
import io.wlj.backup.ProgressMonitor;
import io.wlj.backup.Stage;
import io.wlj.backup.repository.Manifest;
import io.wlj.backup.spi.BackupRepository;
import io.wlj.backup.spi.BackupSource;
import io.wlj.backup.spi.CodecStage;
import io.wlj.backup.spi.GateContext;
import io.wlj.backup.spi.ValidationGate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validated, immutable settings a {@link io.wlj.backup.BackupSystem} runs with.
 *
 * @param repository  where backups go
 * @param sources     what is backed up
 * @param stages      codec stages in writing order (compression first)
 * @param gates       gates per stage
 * @param listeners   event listeners
 * @param parallelism how many sources run at once
 * @param signer      signs manifests and checks their signatures, or null
 */
public record EngineConfig(BackupRepository repository, List<BackupSource> sources, List<CodecStage> stages,
                           Map<Stage, List<ValidationGate>> gates, List<BackupListener> listeners, int parallelism,
                           io.wlj.backup.spi.ManifestSigner signer) {
    private static final Logger LOG = LoggerFactory.getLogger(EngineConfig.class);

    public EngineConfig {
        sources = List.copyOf(sources);
        stages = List.copyOf(stages);
        gates = Map.copyOf(gates);
        listeners = List.copyOf(listeners);
    }

    /**
     * The stage that decodes {@code codecId}: a configured stage with that id (an encryption stage
     * holds the key), else the standard decompressor.
     */
    public CodecStage decoder(String codecId) {
        for (CodecStage s : stages) {
            if (s.id().equals(codecId)) {
                return s;
            }
        }
        if (io.wlj.backup.Compression.isCompression(codecId)) {
            return io.wlj.backup.Compression.forId(codecId);
        }
        throw io.wlj.backup.BackupException.badInput("This backup was stored with '" + codecId + "', which needs a key to read: "
                + "give the passphrase or secret key (CLI: --passphrase-env, --passphrase-file or --secret-key).");
    }

    /**
     * Decrypts the repository's key check with the configured encryption stage, so a mistyped
     * passphrase is named as such before anything is read, written or reported as tampered.
     * Does nothing when the repository has no key check or no encryption stage is configured.
     */
    public void checkKey() {
        checkKey(false);
    }

    /** As {@link #checkKey()}; {@code prepared} when the caller already ran {@code forBackup()} on its stages. */
    public void checkKey(boolean prepared) {
        String keyCheck = repository.config().keyCheck();
        List<String> ids = stages.stream().filter(s -> s.protection().isPresent()).map(CodecStage::id).toList();
        if (keyCheck == null || ids.isEmpty()) {
            return;
        }
        String text;
        try (java.io.InputStream in = Verifier.decode(new java.io.ByteArrayInputStream(java.util.Base64.getDecoder().decode(keyCheck)),
                ids, this::decoder)) {
            text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | RuntimeException e) {
            text = null;
        }
        if (!io.wlj.backup.repository.RepositoryConfig.KEY_CHECK_TEXT.equals(text)) {
            if (!prepared) {
                // Only now, on failure: a missing or unreadable secret is reported as such, not as a wrong one.
                for (CodecStage s : stages) {
                    if (s.protection().isPresent()) {
                        s.forBackup();
                    }
                }
            }
            throw io.wlj.backup.BackupException.badInput("The passphrase is not the one the repository at " + repository.location()
                    + " was initialised with; nothing was done.");
        }
    }

    /** The same settings with only {@code source} to back up (for a restore's safety backup). */
    public EngineConfig withOnlySource(BackupSource source) {
        return new EngineConfig(repository, List.of(source), stages, gates, listeners, parallelism, signer);
    }

    /** Delivers events to every listener; a failing listener is logged, never fatal. */
    public Events events() {
        return event -> {
            for (BackupListener l : listeners) {
                try {
                    l.onEvent(event);
                } catch (RuntimeException e) {
                    LOG.warn("Listener {} failed on {}: {}", l, event.type(), e.toString());
                }
            }
        };
    }

    /** Runs the gates of {@code stage}; a FAIL throws after every gate of the stage has run. */
    public List<GateResult> runGates(Stage stage, Manifest manifest, ProgressMonitor progress) {
        return runGates(stage, manifest, progress, null);
    }

    /** As {@link #runGates(Stage, Manifest, ProgressMonitor)}, with a restore's connection for the gates to see. */
    public List<GateResult> runGates(Stage stage, Manifest manifest, ProgressMonitor progress, java.sql.Connection connection) {
        List<GateResult> results = new ArrayList<>();
        GateContext context = new GateContext() {
            @Override
            public Stage stage() {
                return stage;
            }

            @Override
            public Optional<Manifest> manifest() {
                return Optional.ofNullable(manifest);
            }

            @Override
            public BackupRepository repository() {
                return repository;
            }

            @Override
            public ProgressMonitor progress() {
                return progress;
            }

            @Override
            public Optional<java.sql.Connection> connection() {
                return Optional.ofNullable(connection);
            }

            @Override
            public io.wlj.backup.repository.VerificationRecord verify(boolean deep) {
                if (manifest == null) {
                    throw io.wlj.backup.BackupException.badInput("There is no backup to verify at stage " + stage + ".");
                }
                return Verifier.check(repository, manifest, deep, progress, EngineConfig.this::decoder, List.of());
            }
        };
        for (ValidationGate gate : gates.getOrDefault(stage, List.of())) {
            GateResult r;
            try {
                r = gate.evaluate(context);
                if (r == null) {
                    r = new GateResult(gate.name(), stage, GateResult.Status.FAIL, "the gate returned no result");
                }
            } catch (RuntimeException e) {
                r = new GateResult(gate.name(), stage, GateResult.Status.FAIL, "the gate threw: " + e.getMessage());
            }
            results.add(r);
            events().emit(BackupEvent.of(BackupEvent.Type.GATE_EVALUATED, manifest == null ? null : manifest.id(),
                    r.gate(), r.status() + ": " + r.evidence()));
        }
        List<GateResult> failures = results.stream().filter(GateResult::failed).toList();
        if (!failures.isEmpty()) {
            throw new io.wlj.backup.GateFailedException(results, failures);
        }
        return results;
    }

    /** Emits events. */
    @FunctionalInterface
    public interface Events {
        void emit(BackupEvent event);
    }
}
