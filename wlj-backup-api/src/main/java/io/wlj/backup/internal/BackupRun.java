package io.wlj.backup.internal;

import io.wlj.backup.BackupEvent;
import io.wlj.backup.BackupException;
import io.wlj.backup.BackupId;
import io.wlj.backup.BackupResult;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.GateResult;
import io.wlj.backup.ProgressMonitor;
import io.wlj.backup.Stage;
import io.wlj.backup.Version;
import io.wlj.backup.audit.AuditEntry;
import io.wlj.backup.repository.ArtifactDetail;
import io.wlj.backup.repository.LockMode;
import io.wlj.backup.repository.Manifest;
import io.wlj.backup.repository.ManifestDetail;
import io.wlj.backup.repository.ManifestHeader;
import io.wlj.backup.repository.SourceDetail;
import io.wlj.backup.repository.StoredArtifact;
import io.wlj.backup.spi.BackupSource;
import io.wlj.backup.spi.CodecStage;
import io.wlj.backup.spi.PendingBackup;
import io.wlj.backup.spi.RepositoryLock;
import io.wlj.backup.spi.SourceContext;
import io.wlj.backup.spi.StagedFile;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * One backup: sources stream their artifacts through {@code plain digest -> codecs -> stored
 * digest -> staged file}, gates run, and only then is the manifest sealed. Any failure
 * discards everything written; a crash leaves an unsealed directory that nothing lists.
 */
public final class BackupRun {
    /** The instructions file in every backup directory. */
    public static final String INSTRUCTIONS = "RESTORE.txt";
    private static final Pattern ARTIFACT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final EngineConfig config;
    private final Map<String, String> labels;
    private final ProgressMonitor userProgress;
    private final AtomicBoolean failed = new AtomicBoolean();
    private final List<String> steps = Collections.synchronizedList(new ArrayList<>());
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Map<String, String> sourceInstructions = java.util.Collections.synchronizedMap(new java.util.TreeMap<>());
    private final java.util.concurrent.atomic.AtomicInteger sequence = new java.util.concurrent.atomic.AtomicInteger();
    /** The stages prepared for this backup (keys derived once, here). */
    private List<CodecStage> stages;
    /** True when a stage encrypts: names and the manifest detail must then reveal nothing. */
    private boolean confidential;

    public BackupRun(EngineConfig config, Map<String, String> labels, ProgressMonitor progress) {
        this.config = config;
        this.labels = labels;
        this.userProgress = progress;
    }

    public BackupResult run() {
        if (config.sources().isEmpty()) {
            throw BackupException.badInput("No source is configured, so there is nothing to back up.");
        }
        Instant start = Instant.now();
        BackupId id = BackupId.generate(start);
        prepareStages(); // fails before any data is read when a key or passphrase is missing
        config.events().emit(BackupEvent.of(BackupEvent.Type.BACKUP_STARTED, id, "", "Backup " + id + " started"));
        try (RepositoryLock lock = config.repository().lock(LockMode.SHARED, "backup " + id)) {
            Manifest manifest = write(id, start);
            Duration took = Duration.between(start, Instant.now());
            audit(id, start, "SUCCESS", Map.of("backupId", id.value(), "storedBytes", String.valueOf(manifest.header().storedBytes()),
                    "artifacts", String.valueOf(manifest.header().artifacts().size())));
            config.events().emit(BackupEvent.of(BackupEvent.Type.BACKUP_SEALED, id, "", "Backup " + id + " sealed"));
            return new BackupResult(manifest, warnings, took);
        } catch (RuntimeException e) {
            BackupException failure = e instanceof BackupException be ? be
                    : new BackupException(ErrorCode.SOURCE_FAILED, "The backup failed: " + e, e);
            audit(id, start, "FAILED", Map.of("backupId", id.value(), "error", failure.code().name(), "message", failure.getMessage()));
            config.events().emit(BackupEvent.of(BackupEvent.Type.BACKUP_FAILED, id, "", failure.getMessage()));
            throw failure;
        }
    }

    /** Checks the stages against what the repository requires, then prepares them once for this backup. */
    private void prepareStages() {
        io.wlj.backup.repository.RepositoryConfig repo = config.repository().config();
        java.util.Optional<io.wlj.backup.spi.Protection> protection = config.stages().stream()
                .map(CodecStage::protection).flatMap(java.util.Optional::stream).findFirst();
        if (repo.encrypted() && protection.isEmpty()) {
            throw BackupException.badInput("The repository at " + config.repository().location() + " was initialised with "
                    + repo.encryption() + " encryption and refuses a plaintext backup; configure its encryption.");
        }
        if (!repo.encrypted() && protection.isPresent()) {
            throw BackupException.badInput("The repository at " + config.repository().location()
                    + " was initialised without encryption; encrypted backups go to a repository initialised for them.");
        }
        if (protection.isPresent()) {
            if (!protection.get().mode().equals(repo.encryption())) {
                throw BackupException.badInput("The repository uses " + repo.encryption() + " encryption, not "
                        + protection.get().mode() + ".");
            }
            if (!new java.util.HashSet<>(protection.get().keyFingerprints()).equals(new java.util.HashSet<>(repo.keyFingerprints()))) {
                throw BackupException.badInput("The repository encrypts to the keys " + repo.keyFingerprints() + ", not "
                        + protection.get().keyFingerprints() + "; backups must go to the keys it was initialised with.");
            }
        }
        if (repo.signaturesRequired() && (config.signer() == null || !config.signer().canSign()
                || !repo.signingKey().equals(config.signer().keyId()))) {
            throw BackupException.badInput("The repository requires manifests signed by " + repo.signingKey()
                    + "; configure that signing key (CLI: --signing-key FILE, or the passphrase for passphrase repositories).");
        }
        List<CodecStage> prepared = new ArrayList<>();
        for (CodecStage s : config.stages()) {
            prepared.add(s.forBackup());
        }
        stages = List.copyOf(prepared);
        confidential = protection.isPresent();
        config.checkKey(true);
    }

    private Manifest write(BackupId id, Instant start) {
        List<GateResult> gateResults = new ArrayList<>(config.runGates(Stage.BEFORE_BACKUP, null, userProgress));
        steps.add("before-backup gates: " + gateResults.size());
        gateResults.forEach(g -> steps.add("gate " + g.gate() + ": " + g.status() + " - " + g.evidence()));
        try (PendingBackup pending = config.repository().begin(id)) {
            List<SourceRun> runs = runSources(pending);
            List<StoredArtifact> stored = new ArrayList<>();
            List<ArtifactDetail> details = new ArrayList<>();
            List<SourceDetail> sources = new ArrayList<>();
            for (SourceRun r : runs) {
                stored.addAll(r.stored);
                details.addAll(r.details);
                sources.add(new SourceDetail(r.source.name(), r.source.type(), r.metadata, r.warnings));
            }
            if (details.isEmpty()) {
                throw new BackupException(ErrorCode.SOURCE_FAILED, "The sources produced no artifact; an empty backup is not sealed.");
            }
            if (details.stream().allMatch(d -> d.plainSize() == 0)) {
                throw new BackupException(ErrorCode.SOURCE_FAILED, "Every artifact is empty (0 bytes); an empty backup is not sealed.");
            }
            writeInstructions(pending, details);
            ManifestDetail detail = new ManifestDetail(sources, details, gateResults);
            long storedBytes = stored.stream().mapToLong(StoredArtifact::storedSize).sum();
            Manifest draft = new Manifest(header(id, start, stored, storedBytes, null), detail);
            List<GateResult> after = config.runGates(Stage.AFTER_BACKUP, draft, userProgress);
            gateResults.addAll(after);
            steps.add("after-backup gates: " + after.size());
            after.forEach(g -> steps.add("gate " + g.gate() + ": " + g.status() + " - " + g.evidence()));
            detail = new ManifestDetail(sources, details, gateResults);
            Manifest manifest;
            if (confidential) {
                // Table names, file names and counts stay private: the detail is stored like an artifact.
                String detailFile = "manifest-detail.json" + extensions();
                StoredArtifact detailStored = writeEncrypted(pending, detailFile, Json.PRETTY.writeValueAsBytes(detail));
                List<StoredArtifact> all = new ArrayList<>(stored);
                all.add(detailStored);
                manifest = new Manifest(header(id, start, all, storedBytes + detailStored.storedSize(), detailFile), null);
                pending.seal(manifest, config.signer());
                manifest = new Manifest(manifest.header(), detail);
            } else {
                manifest = new Manifest(header(id, start, stored, storedBytes, null), detail);
                pending.seal(manifest, config.signer());
            }
            steps.add("sealed manifest");
            return manifest;
        } catch (IOException e) {
            throw new BackupException(ErrorCode.IO, "Writing backup " + id + " to " + config.repository().location()
                    + " failed: " + e.getMessage() + ". Nothing was sealed.", e);
        }
    }

    private ManifestHeader header(BackupId id, Instant start, List<StoredArtifact> stored, long storedBytes, String detailFile) {
        return new ManifestHeader(Manifest.FORMAT_VERSION, id, start, Instant.now(), ManifestHeader.SEALED, "full", labels,
                Version.current(), stored, storedBytes, detailFile, detailFile == null ? List.of() : codecIds(),
                config.sources().stream().map(s -> publicSourceName(s.name())).sorted().toList());
    }

    /**
     * A source's name as the public header shows it: as configured, or in an encrypted
     * repository a short digest salted with the repository id, which groups backups for
     * retention without naming what they hold.
     */
    private String publicSourceName(String name) {
        if (!confidential) {
            return name;
        }
        String salted = config.repository().config().repositoryId() + ":" + name;
        return "src-" + Sha256.of(salted.getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 10);
    }

    private List<String> codecIds() {
        return stages.stream().map(CodecStage::id).toList();
    }

    private String extensions() {
        return stages.stream().map(CodecStage::fileExtension).reduce("", String::concat);
    }

    /** Wraps {@code stored} so that bytes written pass every stage in configuration order. */
    private OutputStream encoding(OutputStream stored) throws IOException {
        OutputStream chain = stored;
        for (int i = stages.size() - 1; i >= 0; i--) {
            chain = stages.get(i).encode(chain);
        }
        return chain;
    }

    private StoredArtifact writeEncrypted(PendingBackup pending, String fileName, byte[] content) throws IOException {
        try (StagedFile file = pending.createFile(fileName)) {
            DigestingOutputStream storedDigest = new DigestingOutputStream(file.stream());
            OutputStream chain = encoding(storedDigest);
            chain.write(content);
            chain.close();
            file.commit();
            return new StoredArtifact(fileName, storedDigest.count(), storedDigest.sha256());
        }
    }

    /** Plain-text instructions for restoring without this library, written beside the artifacts. */
    private void writeInstructions(PendingBackup pending, List<ArtifactDetail> details) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append("This directory holds one wlj-backup backup, ").append(pending.id()).append(".\n")
            .append("It can be restored with standard tools if wlj-backup is not available:\n\n")
            .append("1. Check each file: `sha256sum FILE` must print the storedSha256 that manifest.json lists for it.\n")
            .append("2. Undo the codecs, last first: .gpg -> `gpg --decrypt`, .zst -> `zstd -d`, .gz -> `gunzip`.\n")
            .append("3. Compare `sha256sum` of the decoded bytes with plainSha256 in manifest.json.\n")
            .append("4. tar archives unpack with `tar -xpf FILE.tar -C TARGET`; each top-level directory is one backed-up root.\n\n")
            .append(confidential ? "The files are encrypted (OpenPGP, .gpg): `gpg --decrypt FILE` first. Which file holds what is in\n"
                    + "the encrypted manifest-detail file, decoded the same way.\n" : "Artifacts:\n");
        for (ArtifactDetail d : confidential ? List.<ArtifactDetail>of() : details) {
            text.append("  ").append(d.file()).append("  (source ").append(d.source()).append(", format ").append(d.format())
                .append(", codecs ").append(d.codecs()).append(")\n");
            if ("tar".equals(d.format()) && d.codecs().equals(List.of("zstd"))) {
                text.append("      zstd -d -c ").append(d.file()).append(" | tar -xpf - -C TARGET\n");
            } else if ("tar".equals(d.format()) && d.codecs().equals(List.of("gzip"))) {
                text.append("      gunzip -c ").append(d.file()).append(" | tar -xpf - -C TARGET\n");
            } else if ("tar".equals(d.format()) && d.codecs().equals(List.of("none"))) {
                text.append("      tar -xpf ").append(d.file()).append(" -C TARGET\n");
            }
        }
        synchronized (sourceInstructions) {
            if (confidential && !sourceInstructions.isEmpty()) {
                // Sources' own notes name databases and tables, which an encrypted repository keeps private.
                text.append("\nRestore steps of each source are in its artifacts once decrypted (for a database: toc.json,\n"
                        + "pre-data.sql, data-NNNN.sql, large-objects.sql, post-data.sql, run with psql in that order).\n");
                sourceInstructions.clear();
            }
            sourceInstructions.forEach((source, note) -> text.append("\nSource ").append(source).append(":\n").append(note)
                    .append(note.endsWith("\n") ? "" : "\n"));
        }
        try (StagedFile file = pending.createFile(INSTRUCTIONS)) {
            file.stream().write(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            file.commit();
        }
    }

    private List<SourceRun> runSources(PendingBackup pending) throws IOException {
        List<SourceRun> runs = new ArrayList<>();
        for (BackupSource s : config.sources()) {
            runs.add(new SourceRun(s, pending));
        }
        int threads = Math.min(config.parallelism(), runs.size());
        if (threads <= 1) {
            for (SourceRun r : runs) {
                r.call();
            }
            return runs;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "wlj-backup-source");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (SourceRun r : runs) {
                futures.add(pool.submit(() -> {
                    r.call();
                    return null;
                }));
            }
            Throwable first = null;
            for (Future<Void> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (first == null) {
                        first = e.getCause();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failed.set(true);
                    throw new BackupException(ErrorCode.CANCELLED, "The backup was interrupted.");
                }
            }
            if (first instanceof IOException io) {
                throw io;
            }
            if (first instanceof RuntimeException re) {
                throw re;
            }
            if (first != null) {
                throw new BackupException(ErrorCode.SOURCE_FAILED, "A source failed: " + first, first);
            }
            return runs;
        } finally {
            pool.shutdownNow();
        }
    }

    private void audit(BackupId id, Instant start, String outcome, Map<String, String> details) {
        config.repository().journal().append(new AuditEntry("backup", start, Instant.now(), outcome, steps, warnings,
                details, HostInfo.host(), HostInfo.user()));
    }

    /** Progress seen by sources: the user's monitor, plus cancellation when a sibling source failed. */
    private final ProgressMonitor progress = new ProgressMonitor() {
        @Override
        public void beginTask(String title, long totalBytes) {
            userProgress.beginTask(title, totalBytes);
        }

        @Override
        public void update(long bytes) {
            userProgress.update(bytes);
        }

        @Override
        public void endTask(String title) {
            userProgress.endTask(title);
        }

        @Override
        public boolean isCancelled() {
            return failed.get() || userProgress.isCancelled();
        }
    };

    private final class SourceRun implements SourceContext {
        final BackupSource source;
        final PendingBackup pending;
        final Map<String, Object> metadata = Collections.synchronizedMap(new LinkedHashMap<>());
        final List<String> warnings = new CopyOnWriteArrayList<>();
        final List<StoredArtifact> stored = new CopyOnWriteArrayList<>();
        final List<ArtifactDetail> details = new CopyOnWriteArrayList<>();
        final List<ArtifactStream> open = new CopyOnWriteArrayList<>();

        SourceRun(BackupSource source, PendingBackup pending) {
            this.source = source;
            this.pending = pending;
        }

        void call() throws IOException {
            progress.beginTask(source.name(), -1);
            try {
                source.backup(this);
                for (ArtifactStream s : open) {
                    s.close(); // a source that forgot to close still gets its artifact committed
                }
                steps.add("source " + source.name() + ": " + details.size() + " artifact(s)");
            } catch (IOException | RuntimeException | Error e) {
                failed.set(true);
                for (ArtifactStream s : open) {
                    s.discard();
                }
                if (e instanceof BackupException || e instanceof Error) {
                    throw e;
                }
                throw new BackupException(ErrorCode.SOURCE_FAILED, "Source '" + source.name() + "' failed: " + e.getMessage()
                        + ". Nothing was sealed.", e);
            } finally {
                progress.endTask(source.name());
            }
        }

        @Override
        public OutputStream newArtifact(String name, String format) throws IOException {
            if (!ARTIFACT_NAME.matcher(name).matches() || !ARTIFACT_NAME.matcher(format).matches()) {
                throw new IllegalArgumentException("invalid artifact name or format: " + name + " / " + format);
            }
            String base = confidential ? String.format("%04d", sequence.incrementAndGet())
                    : name.equals(source.name()) ? name : source.name() + "." + name;
            String fileName = base + "." + format + extensions();
            ArtifactStream s = new ArtifactStream(this, name, format, fileName, pending.createFile(fileName));
            open.add(s);
            return s;
        }

        @Override
        public void metadata(String key, Object value) {
            metadata.put(key, value);
        }

        @Override
        public void instructions(String text) {
            sourceInstructions.merge(source.name(), text, String::concat);
        }

        @Override
        public void warn(String message) {
            warnings.add(message);
            BackupRun.this.warnings.add(source.name() + ": " + message);
            config.events().emit(BackupEvent.of(BackupEvent.Type.WARNING, pending.id(), source.name(), message));
        }

        @Override
        public ProgressMonitor progress() {
            return progress;
        }
    }

    /** The stream a source writes one artifact into. */
    private final class ArtifactStream extends OutputStream {
        private final SourceRun owner;
        private final String name;
        private final String format;
        private final String fileName;
        private final StagedFile file;
        private final DigestingOutputStream storedDigest;
        private final DigestingOutputStream plainDigest;
        private boolean done;

        ArtifactStream(SourceRun owner, String name, String format, String fileName, StagedFile file) throws IOException {
            this.owner = owner;
            this.name = name;
            this.format = format;
            this.fileName = fileName;
            this.file = file;
            this.storedDigest = new DigestingOutputStream(file.stream());
            OutputStream chain;
            try {
                chain = encoding(storedDigest);
            } catch (IOException | RuntimeException e) {
                file.close();
                throw e;
            }
            this.plainDigest = new DigestingOutputStream(chain);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (done) {
                throw new IOException("artifact " + fileName + " is closed");
            }
            if (progress.isCancelled()) {
                throw new BackupException(ErrorCode.CANCELLED, failed.get()
                        ? "Stopped because another source failed." : "The backup was cancelled.");
            }
            plainDigest.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            plainDigest.flush();
        }

        @Override
        public synchronized void close() throws IOException {
            if (done) {
                return;
            }
            done = true;
            owner.open.remove(this);
            try {
                plainDigest.close(); // finishes every codec and flushes into the staged file
                file.commit();
            } finally {
                file.close();
            }
            owner.stored.add(new StoredArtifact(fileName, storedDigest.count(), storedDigest.sha256()));
            owner.details.add(new ArtifactDetail(fileName, owner.source.name(), name, format, plainDigest.count(),
                    plainDigest.sha256(), codecIds()));
            config.events().emit(BackupEvent.of(BackupEvent.Type.ARTIFACT_STORED, owner.pending.id(), fileName,
                    "Stored " + fileName + " (" + plainDigest.count() + " bytes in, " + storedDigest.count() + " stored)"));
        }

        synchronized void discard() {
            if (done) {
                return;
            }
            done = true;
            try {
                plainDigest.close();
            } catch (IOException | RuntimeException ignored) {
                // releasing codec resources; the file is discarded anyway
            }
            try {
                file.close();
            } catch (IOException ignored) {
                // an undeletable temp file stays as a leftover and is reported
            }
        }
    }
}
