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
}
