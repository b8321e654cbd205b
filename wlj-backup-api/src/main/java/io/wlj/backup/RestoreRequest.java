package io.wlj.backup;

import io.wlj.backup.internal.DirectoryRestorePlan;
import io.wlj.backup.internal.EngineConfig;
import io.wlj.backup.internal.EngineRestoreContext;
import io.wlj.backup.spi.RestoreTarget;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Describes a restore before it is planned: into a directory ({@link #toDirectory}) or into any
 * other {@link RestoreTarget}, such as a new PostgreSQL database.
 */
public final class RestoreRequest {
    private final EngineConfig config;
    private final BackupId id;
    private Path directory;
    private RestoreTarget target;
    private boolean replace;
    private final Set<String> sources = new LinkedHashSet<>();
    private ProgressMonitor progress = ProgressMonitor.NONE;

    private final java.util.function.Supplier<io.wlj.backup.repository.Manifest> manifest;

    RestoreRequest(EngineConfig config, BackupId id, java.util.function.Supplier<io.wlj.backup.repository.Manifest> manifest) {
        this.config = config;
        this.id = Objects.requireNonNull(id, "id");
        this.manifest = manifest;
    }

    /** Restore file-tree artifacts into {@code directory}; each stored root {@code R} becomes {@code directory/R}. */
    public RestoreRequest toDirectory(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
        return this;
    }

    /** Restore into {@code target}, for example a new database; see the target's own documentation. */
    public RestoreRequest to(RestoreTarget target) {
        this.target = Objects.requireNonNull(target, "target");
        return this;
    }

    /** Replace non-empty target directories; the current content is kept beside them as the rollback. */
    public RestoreRequest replaceExisting(boolean replace) {
        this.replace = replace;
        return this;
    }

    /** Restore only these sources (default: all file-tree sources in the backup). */
    public RestoreRequest sources(String... names) {
        for (String n : names) {
            sources.add(Objects.requireNonNull(n, "source"));
        }
        return this;
    }

    public RestoreRequest progress(ProgressMonitor progress) {
        this.progress = Objects.requireNonNull(progress, "progress");
        return this;
    }

    /** Reads the manifest and checks the target; touches nothing. */
    public RestorePlan plan() {
        if (directory != null && target != null) {
            throw BackupException.badInput("A restore has one target: call toDirectory(path) or to(target), not both.");
        }
        if (target != null) {
            return target.plan(new EngineRestoreContext(config, manifest.get(), progress));
        }
        if (directory == null) {
            throw BackupException.badInput("No restore target is set; call toDirectory(path) or to(target).");
        }
        return new DirectoryRestorePlan(config, manifest.get(), directory, replace, sources, progress);
    }
}
