package io.wlj.backup.spi;

import io.wlj.backup.ProgressMonitor;
import io.wlj.backup.Stage;
import io.wlj.backup.repository.Manifest;
import java.util.Optional;

/** What a gate may look at. */
public interface GateContext {

    Stage stage();

    /** The backup being made or restored; for {@link Stage#AFTER_BACKUP} it is not sealed yet. */
    Optional<Manifest> manifest();

    BackupRepository repository();

    ProgressMonitor progress();

    /**
     * Reads every stored file of {@link #manifest()} and checks it against the manifest: sizes and
     * stored SHA-256, and with {@code deep} also decodes it (decrypting with the configured key,
     * proving OpenPGP's MDC) and checks the plaintext's size and SHA-256.
     */
    default io.wlj.backup.repository.VerificationRecord verify(boolean deep) {
        throw new UnsupportedOperationException("This gate context cannot verify artifacts.");
    }

    /**
     * For gates that run inside a restore into a database: at {@link Stage#AFTER_RESTORE_BEFORE_COMMIT}
     * the restore's own connection, inside its open transaction, so the gate sees what is about
     * to be committed; at {@link Stage#AFTER_RESTORE} a connection to the restored database.
     * Gates must not commit, roll back or close it. Empty everywhere else.
     */
    default Optional<java.sql.Connection> connection() {
        return Optional.empty();
    }

    /**
     * A context outside any backup or restore, to run a gate on its own (a health probe, a test):
     * no manifest, no connection; a gate that needs the repository cannot run in it.
     */
    static GateContext detached(Stage stage) {
        java.util.Objects.requireNonNull(stage, "stage");
        return new GateContext() {
            @Override
            public Stage stage() {
                return stage;
            }

            @Override
            public Optional<Manifest> manifest() {
                return Optional.empty();
            }

            @Override
            public BackupRepository repository() {
                throw new IllegalStateException("A detached gate context has no repository.");
            }

            @Override
            public ProgressMonitor progress() {
                return ProgressMonitor.NONE;
            }
        };
    }
}
