package io.wlj.backup.internal;

import io.wlj.backup.BackupEvent;
import io.wlj.backup.BackupException;
import io.wlj.backup.BackupId;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.GateResult;
import io.wlj.backup.IntegrityException;
import io.wlj.backup.ProgressMonitor;
import io.wlj.backup.RestorePlan;
import io.wlj.backup.RestoreReport;
import io.wlj.backup.Stage;
import io.wlj.backup.audit.AuditEntry;
import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.repository.ArtifactDetail;
import io.wlj.backup.repository.LockMode;
import io.wlj.backup.repository.Manifest;
import io.wlj.backup.repository.SourceDetail;
import io.wlj.backup.repository.StoredArtifact;
import io.wlj.backup.spi.RepositoryLock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Restores file-tree artifacts into a directory: each stored root {@code R} becomes
 * {@code <target>/R}. Everything is extracted into a staging directory inside the target first;
 * only after the stored and plaintext checksums of every artifact are proven (and the
 * before-commit gates pass) are the roots moved into place. A replaced root is kept beside it as
 * {@code R.before-restore-<time>}, which is the rollback.
 */
public final class DirectoryRestorePlan implements RestorePlan {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final EngineConfig config;
    private final Manifest manifest;
    private final Path target;
    private final boolean replace;
    private final ProgressMonitor progress;
    private final List<ArtifactDetail> artifacts;
    private final Map<String, List<String>> rootsByFile;
    private final List<String> steps = new ArrayList<>();

    public DirectoryRestorePlan(EngineConfig config, Manifest manifest, Path target, boolean replace, Set<String> sources,
                                ProgressMonitor progress) {
        this.config = config;
        this.manifest = manifest;
        this.target = target.toAbsolutePath().normalize();
        this.replace = replace;
        this.progress = progress;
        this.artifacts = manifest.detail().artifacts().stream()
                .filter(a -> FileTreeSource.FORMAT.equals(a.format()))
                .filter(a -> sources.isEmpty() || sources.contains(a.source()))
                .toList();
        if (!sources.isEmpty()) {
            Set<String> known = new LinkedHashSet<>();
            manifest.detail().sources().forEach(s -> known.add(s.name()));
            for (String s : sources) {
                if (!known.contains(s)) {
                    throw BackupException.badInput("Backup " + manifest.id() + " has no source named '" + s + "'; it has " + known + ".");
                }
            }
        }
        if (artifacts.isEmpty()) {
            throw BackupException.badInput("Backup " + manifest.id() + " holds no file-tree artifact to restore into a directory.");
        }
        this.rootsByFile = new java.util.LinkedHashMap<>();
        for (ArtifactDetail a : artifacts) {
            rootsByFile.put(a.file(), rootsOf(a.source()));
        }
        checkTargets();
        buildSteps();
    }

    @Override
    public BackupId backupId() {
        return manifest.id();
    }

    @Override
    public List<String> steps() {
        return List.copyOf(steps);
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("Restore plan for backup ").append(manifest.id()).append(" (taken ").append(manifest.header().createdAt())
                .append(") into ").append(target).append('\n');
        for (int i = 0; i < steps.size(); i++) {
            sb.append(String.format("  %d. %s%n", i + 1, steps.get(i)));
        }
        sb.append("Rollback: ").append(replace
                ? "every replaced directory is kept as <name>.before-restore-<time> beside it; move it back to undo."
                : "nothing existing is replaced; delete the restored directories to undo.").append('\n');
        sb.append("Nothing has been touched yet.\n");
        return sb.toString();
    }

    private void buildSteps() {
        for (ArtifactDetail a : artifacts) {
            StoredArtifact s = manifest.stored(a.file());
            steps.add("Stream " + a.file() + " (" + s.storedSize() + " bytes stored, " + a.plainSize() + " bytes of tar, codecs "
                    + a.codecs() + ") into a staging directory inside " + target + ", checking its stored and plaintext SHA-256");
        }
        for (Stage stage : List.of(Stage.BEFORE_RESTORE, Stage.AFTER_RESTORE_BEFORE_COMMIT, Stage.AFTER_RESTORE)) {
            for (var g : config.gates().getOrDefault(stage, List.of())) {
                steps.add("Run gate '" + g.name() + "' at " + stage);
            }
        }
        for (List<String> roots : rootsByFile.values()) {
            for (String root : roots) {
                Path dest = target.resolve(root);
                if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS) && !isEmptyDirectory(dest)) {
                    steps.add("Move the current " + dest + " aside to " + root + ".before-restore-<time> (kept), then move the restored "
                            + root + " into place");
                } else {
                    steps.add("Move the restored " + root + " into " + dest);
                }
            }
        }
        steps.add("Remove the staging directory");
    }

    private List<String> rootsOf(String sourceName) {
        SourceDetail source = manifest.detail().sources().stream().filter(s -> s.name().equals(sourceName)).findFirst()
                .orElseThrow(() -> new BackupException(ErrorCode.REPOSITORY, "The manifest of " + manifest.id()
                        + " lists no source '" + sourceName + "'."));
        Object roots = source.metadata().get("roots");
        if (!(roots instanceof List<?> list) || list.isEmpty()) {
            throw new BackupException(ErrorCode.REPOSITORY, "The manifest of " + manifest.id() + " does not name the directories of source '"
                    + sourceName + "'.");
        }
        return list.stream().map(String::valueOf).toList();
    }

    private void checkTargets() {
        if (Files.exists(target) && !Files.isDirectory(target)) {
            throw BackupException.badInput("The restore target " + target + " exists and is not a directory.");
        }
        if (replace) {
            return;
        }
        for (List<String> roots : rootsByFile.values()) {
            for (String root : roots) {
                Path dest = target.resolve(root);
                if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS) && !isEmptyDirectory(dest)) {
                    throw new BackupException(ErrorCode.TARGET_NOT_EMPTY, dest + " already exists and is not empty; restore to another "
                            + "directory, or ask to replace it (--replace), which keeps the current content as " + root
                            + ".before-restore-<time>.");
                }
            }
        }
    }

    @Override
    public RestoreReport execute() {
        Instant start = Instant.now();
        List<RestoreReport.Step> done = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> auditSteps = new ArrayList<>();
        config.events().emit(BackupEvent.of(BackupEvent.Type.RESTORE_STARTED, manifest.id(), target.toString(), "Restore started"));
        Path staging = null;
        try (RepositoryLock lock = config.repository().lock(LockMode.SHARED, "restore " + manifest.id())) {
            checkTargets();
            config.runGates(Stage.BEFORE_RESTORE, manifest, progress);
            new DurableFiles(IoHook.NONE).createDirectories(target);
            staging = target.resolve(".wlj-restore-" + manifest.id() + "-" + UUID.randomUUID().toString().substring(0, 8));
            Files.createDirectory(staging);
            for (ArtifactDetail a : artifacts) {
                Instant t = Instant.now();
                List<String> roots = rootsByFile.get(a.file());
                extract(a, staging, Set.copyOf(roots), warnings);
                String detail = a.file() + " verified and extracted (" + roots + ")";
                done.add(new RestoreReport.Step("extract " + a.file(), detail, Duration.between(t, Instant.now())));
                auditSteps.add(detail);
                config.events().emit(BackupEvent.of(BackupEvent.Type.RESTORE_STEP, manifest.id(), a.file(), detail));
            }
            List<GateResult> gates = config.runGates(Stage.AFTER_RESTORE_BEFORE_COMMIT, manifest, progress);
            if (!gates.isEmpty()) {
                auditSteps.add(gates.size() + " before-commit gate(s) passed");
            }
            Instant t = Instant.now();
            List<String> moved = commit(staging);
            done.add(new RestoreReport.Step("commit", String.join("; ", moved), Duration.between(t, Instant.now())));
            auditSteps.addAll(moved);
            FileTrees.delete(staging);
            staging = null;
            try {
                config.runGates(Stage.AFTER_RESTORE, manifest, progress);
            } catch (BackupException e) {
                warnings.add("After-restore gate failed; the restored data stays in place: " + e.getMessage());
            }
            RestoreReport report = new RestoreReport(manifest.id(), done, warnings, Duration.between(start, Instant.now()));
            audit(start, "SUCCESS", auditSteps, warnings, Map.of("backupId", manifest.id().value(), "target", target.toString()));
            config.events().emit(BackupEvent.of(BackupEvent.Type.RESTORE_FINISHED, manifest.id(), target.toString(), "Restore finished"));
            return report;
        } catch (IOException | RuntimeException e) {
            if (staging != null) {
                try {
                    FileTrees.delete(staging);
                } catch (IOException cleanup) {
                    warnings.add("Could not remove the staging directory " + staging + ": " + cleanup.getMessage());
                }
            }
            BackupException failure = e instanceof BackupException be ? be
                    : new BackupException(ErrorCode.IO, "The restore into " + target + " failed: " + e.getMessage()
                    + ". The target was left as it was.", e);
            audit(start, "FAILED", auditSteps, warnings, Map.of("backupId", manifest.id().value(), "target", target.toString(),
                    "error", failure.code().name(), "message", failure.getMessage()));
            config.events().emit(BackupEvent.of(BackupEvent.Type.RESTORE_FAILED, manifest.id(), target.toString(), failure.getMessage()));
            throw failure;
        }
    }

    private void extract(ArtifactDetail a, Path staging, Set<String> roots, List<String> warnings) throws IOException {
        StoredArtifact stored = manifest.stored(a.file());
        progress.beginTask("restore " + a.file(), stored.storedSize());
        try (InputStream raw = config.repository().openFile(manifest.id(), a.file())) {
            DigestingInputStream storedDigest = new DigestingInputStream(new ProgressInputStream(raw, progress));
            DigestingInputStream plain;
            TarTreeExtractor extractor = new TarTreeExtractor(staging, roots, ProgressMonitor.NONE);
            try {
                InputStream decoded;
                try {
                    decoded = Verifier.decode(storedDigest, a.codecs(), config::decoder); // gzip reads its header here
                } catch (IOException e) {
                    throw new ReadFailure(e);
                }
                plain = new DigestingInputStream(new ReadFailureTagging(decoded));
                extractor.extract(plain);
                plain.drain();
                storedDigest.drain();
            } catch (IOException | RuntimeException e) {
                if (e instanceof BackupException be && be.code() == ErrorCode.CANCELLED) {
                    throw be;
                }
                // A damaged archive can fail anywhere (decoder, tar header, path checks, even a key's
                // quick check): damaged stored bytes are named first, then other causes as they are.
                if (!Verifier.storedBytesMatch(config.repository(), manifest, stored)) {
                    throw new IntegrityException(a.file(), "The artifact " + a.file() + " of backup " + manifest.id()
                            + " does not match its recorded SHA-256 (corrupted, truncated or tampered). Nothing was restored.");
                }
                if (e instanceof ReadFailure rf) {
                    throw new IntegrityException(a.file(), "The artifact " + a.file() + " of backup " + manifest.id()
                            + " cannot be decoded although its stored bytes are intact (" + rf.getCause().getMessage()
                            + "). Nothing was restored.");
                }
                throw e; // for example a full target disk: the stored backup is fine
            }
            if (storedDigest.count() != stored.storedSize() || !storedDigest.sha256().equals(stored.storedSha256())) {
                throw new IntegrityException(a.file(), "The artifact " + a.file() + " of backup " + manifest.id()
                        + " does not match its recorded SHA-256 (corrupted, truncated or tampered). Nothing was restored.");
            }
            if (plain.count() != a.plainSize() || !plain.sha256().equals(a.plainSha256())) {
                throw new IntegrityException(a.file(), "The decoded content of " + a.file() + " of backup " + manifest.id()
                        + " does not match what was backed up. Nothing was restored.");
            }
            warnings.addAll(extractor.warnings());
        } finally {
            progress.endTask("restore " + a.file());
        }
    }

    /** An I/O failure while reading or decoding stored bytes, as opposed to writing the target. */
    private static final class ReadFailure extends IOException {
        ReadFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final class ReadFailureTagging extends java.io.FilterInputStream {
        ReadFailureTagging(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (ReadFailure e) {
                throw e;
            } catch (IOException e) {
                throw new ReadFailure(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (ReadFailure e) {
                throw e;
            } catch (IOException e) {
                throw new ReadFailure(e);
            }
        }
    }

    private List<String> commit(Path staging) throws IOException {
        String stamp = STAMP.format(Instant.now());
        List<String> done = new ArrayList<>();
        List<Runnable> undo = new ArrayList<>();
        try {
            for (List<String> roots : rootsByFile.values()) {
                for (String root : roots) {
                    Path dest = target.resolve(root);
                    Path restored = staging.resolve(root);
                    if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
                        if (isEmptyDirectory(dest)) {
                            Files.delete(dest);
                            undo.add(() -> quietly(() -> Files.createDirectory(dest)));
                        } else {
                            Path aside = target.resolve(root + ".before-restore-" + stamp);
                            Files.move(dest, aside, StandardCopyOption.ATOMIC_MOVE);
                            undo.add(() -> quietly(() -> Files.move(aside, dest, StandardCopyOption.ATOMIC_MOVE)));
                            done.add("kept the previous " + root + " as " + aside.getFileName());
                        }
                    }
                    Files.move(restored, dest, StandardCopyOption.ATOMIC_MOVE);
                    undo.add(() -> quietly(() -> Files.move(dest, restored, StandardCopyOption.ATOMIC_MOVE)));
                    done.add("restored " + dest);
                }
            }
            DurableFiles.fsyncDirectory(target);
            return done;
        } catch (IOException | RuntimeException e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                undo.get(i).run();
            }
            throw e;
        }
    }

    private interface IoAction {
        Object run() throws IOException;
    }

    private static void quietly(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            // best effort while rolling back; the original failure is what gets reported
        }
    }

    private void audit(Instant start, String outcome, List<String> steps, List<String> warnings, Map<String, String> details) {
        config.repository().journal().append(new AuditEntry("restore", start, Instant.now(), outcome, steps, warnings, details,
                HostInfo.host(), HostInfo.user()));
    }

    private static boolean isEmptyDirectory(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }
}
