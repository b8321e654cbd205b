package io.wlj.backup;

import io.wlj.backup.audit.AuditEntry;
import io.wlj.backup.audit.JournalCheck;
import io.wlj.backup.internal.BackupRun;
import io.wlj.backup.internal.EngineConfig;
import io.wlj.backup.internal.HostInfo;
import io.wlj.backup.internal.Verifier;
import io.wlj.backup.repository.Leftover;
import io.wlj.backup.repository.LockMode;
import io.wlj.backup.repository.Manifest;
import io.wlj.backup.repository.ManifestHeader;
import io.wlj.backup.repository.Pin;
import io.wlj.backup.retention.GroupBy;
import io.wlj.backup.retention.Prune;
import io.wlj.backup.spi.RetentionPolicy;
import io.wlj.backup.repository.VerificationRecord;
import io.wlj.backup.spi.BackupRepository;
import io.wlj.backup.spi.BackupSource;
import io.wlj.backup.spi.CodecStage;
import io.wlj.backup.spi.RepositoryLock;
import io.wlj.backup.spi.ValidationGate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The entry point: an immutable, thread-safe composition of a repository, sources, codec
 * stages, gates and listeners. Build one with {@link #configure()}; every operation returns a
 * result object and throws {@link BackupException} with a sentence a user can act on.
 *
 * <pre>{@code
 * BackupSystem backups = BackupSystem.configure()
 *     .repository(FileSystemRepository.initOrOpen(Path.of("/var/backups/app")))
 *     .source(FileTreeSource.of("data", Path.of("data"), Path.of("presets")))
 *     .compression(Compression.zstd(3))
 *     .gates(Stage.AFTER_BACKUP, Gates.checksums(), Gates.minSize(1024))
 *     .build();
 * BackupResult result = backups.backup();
 * }</pre>
 */
public final class BackupSystem {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BackupSystem.class);
    private final EngineConfig config;
    private final RetentionPolicy retention;
    private final GroupBy grouping;

    private BackupSystem(EngineConfig config, RetentionPolicy retention, GroupBy grouping) {
        this.config = config;
        this.retention = retention;
        this.grouping = grouping;
    }

    public static Builder configure() {
        return new Builder();
    }

    public BackupRepository repository() {
        return config.repository();
    }

    public List<BackupSource> sources() {
        return config.sources();
    }

    /** Backs up every source; the backup exists only if this returns. */
    public BackupResult backup() {
        return backup(Map.of(), ProgressMonitor.NONE);
    }

    /** Backs up every source with labels (for example {@code trigger=nightly}) and a progress monitor. */
    public BackupResult backup(Map<String, String> labels, ProgressMonitor progress) {
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(progress, "progress");
        labels.forEach((k, v) -> {
            if (k == null || !k.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}") || v == null || v.length() > 256) {
                throw BackupException.badInput("Label '" + k + "' must be a short name of letters, digits, '.', '-', '_' with a value under 256 characters.");
            }
        });
        BackupResult result = new BackupRun(config, Map.copyOf(labels), progress).run();
        if (retention == null) {
            return result;
        }
        // Only a sealed backup gets here: a failed or empty one threw above and triggers no retention.
        try {
            return result.withRetention(prune().call());
        } catch (BackupException e) {
            LOG.warn("Backup {} is sealed, but the retention policy was not applied: {}", result.id(), e.getMessage());
            return result.withWarning("The retention policy was not applied: " + e.getMessage());
        }
    }

    /** A prune by the retention policy configured with {@link Builder#retention}; configure it further, then call it. */
    public Prune prune() {
        if (retention == null) {
            throw BackupException.badInput("No retention policy is configured; give one to prune(policy) or Builder.retention(...).");
        }
        return Prune.of(config.repository(), retention).groupBy(grouping);
    }

    /** A prune of this repository by {@code policy}; configure it further (dry run, grouping, grace), then call it. */
    public Prune prune(RetentionPolicy policy) {
        return Prune.of(config.repository(), policy).groupBy(grouping);
    }

    /** Pins a sealed backup so that no prune deletes it, with a note saying why. */
    public Pin pin(BackupId id, String note) {
        Instant start = Instant.now();
        try (RepositoryLock lock = config.repository().lock(LockMode.SHARED, "pin " + id)) {
            Pin pin = new Pin(id, start, HostInfo.user() + "@" + HostInfo.host(), note);
            config.repository().pin(pin);
            config.repository().journal().append(new AuditEntry("pin", start, Instant.now(), "SUCCESS", List.of("pinned " + id),
                    List.of(), Map.of("backupId", id.value(), "note", pin.note()), HostInfo.host(), HostInfo.user()));
            return pin;
        }
    }

    /** Removes the pin of a backup; false when it was not pinned. */
    public boolean unpin(BackupId id) {
        Instant start = Instant.now();
        try (RepositoryLock lock = config.repository().lock(LockMode.SHARED, "unpin " + id)) {
            boolean removed = config.repository().unpin(id);
            if (removed) {
                config.repository().journal().append(new AuditEntry("unpin", start, Instant.now(), "SUCCESS", List.of("unpinned " + id),
                        List.of(), Map.of("backupId", id.value()), HostInfo.host(), HostInfo.user()));
            }
            return removed;
        }
    }

    /** Every pinned backup. */
    public List<Pin> pins() {
        return config.repository().pins();
    }

    /** Sealed backups, oldest first. */
    public List<ManifestHeader> list() {
        return config.repository().list();
    }

    /**
     * The newest sealed backup, if any, leaving out the safety backups restores take of their
     * target (labelled {@code kind=pre-restore}): "the latest backup" is the newest one that was
     * asked for, not the partial snapshot a restore took a moment ago. Those are restored by id.
     */
    public Optional<ManifestHeader> latest() {
        List<ManifestHeader> all = list();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (!all.get(i).safetyBackup()) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }

    /** The {@code kind} label of a restore's safety backup. */
    public static final String PRE_RESTORE = ManifestHeader.PRE_RESTORE;

    /** The newest sealed backup, or a NOT_FOUND failure saying the repository has none. */
    public BackupId requireLatest() {
        return latest().map(ManifestHeader::id).orElseThrow(() -> new BackupException(ErrorCode.NOT_FOUND,
                "The repository at " + config.repository().location() + " holds no sealed backup yet."));
    }

    /**
     * The full manifest of a sealed backup. In an encrypted repository its detail is decrypted,
     * which needs the key; {@link #header(BackupId)} needs none.
     */
    public Manifest show(BackupId id) {
        Manifest m = config.repository().read(id);
        if (!m.hasDetail()) {
            config.checkKey();
        }
        return withDetail(m);
    }

    /** The public part of a backup's manifest; never needs a key. */
    public ManifestHeader header(BackupId id) {
        return config.repository().read(id).header();
    }

    /** Decrypts the detail of {@code m} if needed; callers have checked the key first. */
    private Manifest withDetail(Manifest m) {
        if (m.hasDetail()) {
            return m;
        }
        try (java.io.InputStream in = Verifier.decode(config.repository().openFile(m.id(), m.header().detailFile()),
                m.header().detailCodecs(), config::decoder)) {
            return new Manifest(m.header(), io.wlj.backup.internal.Json.MAPPER.readValue(in.readAllBytes(),
                    io.wlj.backup.repository.ManifestDetail.class));
        } catch (java.io.IOException e) {
            throw new IntegrityException(m.header().detailFile(), "The encrypted manifest detail of backup " + m.id()
                    + " cannot be read (" + e.getMessage() + ").");
        }
    }

    /** Problems with a backup's manifest signature; empty when it is valid or not required and absent. */
    private List<String> signatureProblems(BackupId id) {
        io.wlj.backup.repository.RepositoryConfig rc = config.repository().config();
        Optional<byte[]> signature = config.repository().readSignature(id);
        if (signature.isEmpty()) {
            return rc.signaturesRequired()
                    ? List.of("manifest.json: not signed, but this repository requires signatures by " + rc.signingKey())
                    : List.of();
        }
        if (config.signer() == null) {
            return List.of(); // checkable only with the key; stored checksums are still verified
        }
        return config.signer().verify(config.repository().readManifestBytes(id), signature.get()) ? List.of()
                : List.of("manifest.json: the signature does not match (the manifest was altered, or signed by another key)");
    }

    /** Checks the stored checksums of one backup (no key needed) and records the outcome. */
    public VerificationRecord verify(BackupId id) {
        return verify(id, false, ProgressMonitor.NONE);
    }

    /**
     * Checks one backup and records the outcome in the repository and the journal.
     *
     * @param deep also decode every artifact and compare its plaintext checksum
     */
    public VerificationRecord verify(BackupId id, boolean deep, ProgressMonitor progress) {
        Instant start = Instant.now();
        try (RepositoryLock lock = config.repository().lock(LockMode.SHARED, "verify " + id)) {
            Manifest manifest = config.repository().read(id);
            config.checkKey(); // a wrong passphrase must not be reported as a forged signature
            List<String> signature = signatureProblems(id);
            if (deep && signature.isEmpty()) {
                manifest = withDetail(manifest); // never decrypt under a manifest whose signature failed
            }
            VerificationRecord record = Verifier.check(config.repository(), manifest, deep, progress, config::decoder, signature);
            config.repository().recordVerification(record);
            config.repository().journal().append(new AuditEntry("verify", start, Instant.now(),
                    record.passed() ? "SUCCESS" : "FAILED", List.of(record.kind() + " check of " + record.artifacts() + " file(s)"),
                    record.problems(), Map.of("backupId", id.value(), "bytes", String.valueOf(record.bytes())),
                    HostInfo.host(), HostInfo.user()));
            return record;
        }
    }

    /** Verifies every sealed backup, oldest first. */
    public List<VerificationRecord> verifyAll(boolean deep, ProgressMonitor progress) {
        List<VerificationRecord> records = new ArrayList<>();
        for (ManifestHeader h : list()) {
            records.add(verify(h.id(), deep, progress));
        }
        return records;
    }

    /** Starts describing a restore of {@code id}; nothing is read or touched until {@link RestoreRequest#plan()}. */
    public RestoreRequest restore(BackupId id) {
        return new RestoreRequest(config, id, () -> {
            config.checkKey();
            List<String> signature = signatureProblems(id);
            if (!signature.isEmpty()) {
                throw new IntegrityException("manifest.json", "Backup " + id + " is refused: " + signature.get(0) + ".");
            }
            return withDetail(config.repository().read(id));
        });
    }

    /** What interrupted operations left in the repository. */
    public List<Leftover> leftovers() {
        return config.repository().leftovers();
    }

    /** Checks the audit journal's hash chain. */
    public JournalCheck verifyJournal() {
        return config.repository().journal().verify();
    }

    @Override
    public String toString() {
        return "BackupSystem[repository=" + config.repository().location() + ", sources="
                + config.sources().stream().map(BackupSource::name).toList() + ", stages="
                + config.stages().stream().map(CodecStage::id).toList() + "]";
    }

    /** Fail-fast configuration: contradictory or missing settings fail at {@link #build()} or earlier. */
    public static final class Builder {
        private BackupRepository repository;
        private final List<BackupSource> sources = new ArrayList<>();
        private CodecStage compression;
        private final List<CodecStage> extraStages = new ArrayList<>();
        private final Map<Stage, List<ValidationGate>> gates = new EnumMap<>(Stage.class);
        private final List<BackupListener> listeners = new ArrayList<>();
        private int parallelism = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        private io.wlj.backup.spi.ManifestSigner signer;
        private RetentionPolicy retention;
        private GroupBy grouping = GroupBy.standard();

        private Builder() {
        }

        /**
         * A retention policy applied after each sealed backup (never after a failed one), grouped
         * by sources and the {@code group} label; also what {@link BackupSystem#prune()} applies.
         */
        public Builder retention(RetentionPolicy policy) {
            if (this.retention != null) {
                throw BackupException.badInput("A retention policy is already set (" + this.retention + ").");
            }
            this.retention = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** How prunes of this system group backups (default {@link GroupBy#standard()}). */
        public Builder groupBy(GroupBy grouping) {
            this.grouping = Objects.requireNonNull(grouping, "grouping");
            return this;
        }

        public Builder repository(BackupRepository repository) {
            if (this.repository != null) {
                throw BackupException.badInput("The repository is already set to " + this.repository.location() + "; a backup system has one repository.");
            }
            this.repository = Objects.requireNonNull(repository, "repository");
            return this;
        }

        public Builder source(BackupSource source) {
            Objects.requireNonNull(source, "source");
            this.sources.add(source);
            return this;
        }

        /** Compression, applied first (default {@link Compression#zstd()}). */
        public Builder compression(CodecStage compression) {
            if (this.compression != null) {
                throw BackupException.badInput("Compression is already set to " + this.compression + ".");
            }
            this.compression = Objects.requireNonNull(compression, "compression");
            return this;
        }

        /** A further stage after compression, such as encryption from {@code wlj-backup-crypto}. */
        public Builder stage(CodecStage stage) {
            this.extraStages.add(Objects.requireNonNull(stage, "stage"));
            return this;
        }

        public Builder gates(Stage stage, ValidationGate... gates) {
            Objects.requireNonNull(stage, "stage");
            for (ValidationGate g : gates) {
                this.gates.computeIfAbsent(stage, s -> new ArrayList<>()).add(Objects.requireNonNull(g, "gate"));
            }
            return this;
        }

        /** Signs every sealed manifest and checks signatures on verify and restore. */
        public Builder signer(io.wlj.backup.spi.ManifestSigner signer) {
            if (this.signer != null) {
                throw BackupException.badInput("A manifest signer is already set (" + this.signer.keyId() + ").");
            }
            this.signer = Objects.requireNonNull(signer, "signer");
            return this;
        }

        public Builder listener(BackupListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** How many sources are backed up at once (default: 2, or 1 on a single core). */
        public Builder parallelism(int parallelism) {
            if (parallelism < 1 || parallelism > 64) {
                throw BackupException.badInput("Parallelism must be between 1 and 64, not " + parallelism + ".");
            }
            this.parallelism = parallelism;
            return this;
        }

        public BackupSystem build() {
            if (repository == null) {
                throw BackupException.badInput("No repository is configured; call repository(FileSystemRepository.at(path)).");
            }
            Set<String> names = new HashSet<>();
            for (BackupSource s : sources) {
                if (!names.add(s.name())) {
                    throw BackupException.badInput("Two sources are named '" + s.name() + "'; source names must be unique.");
                }
            }
            List<CodecStage> stages = new ArrayList<>();
            stages.add(compression == null ? Compression.zstd() : compression);
            Set<String> stageIds = new HashSet<>();
            if (extraStages.stream().filter(st -> st.protection().isPresent()).count() > 1) {
                throw BackupException.badInput("Two encryption stages are configured; a repository has one encryption.");
            }
            for (CodecStage s : extraStages) {
                if (s.id().equals("zstd") || s.id().equals("gzip") || s.id().equals("none")) {
                    throw BackupException.badInput("Compression '" + s.id() + "' was added as an extra stage; set it with compression(...) so it runs once, before encryption.");
                }
                if (!stageIds.add(s.id())) {
                    throw BackupException.badInput("The stage '" + s.id() + "' is configured twice.");
                }
                stages.add(s);
            }
            Map<Stage, List<ValidationGate>> frozen = new LinkedHashMap<>();
            gates.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
            if (retention instanceof io.wlj.backup.retention.KeepPolicy kp && !kp.hasRules()) {
                throw BackupException.badInput("The retention policy has no rule and would keep nothing; give at least one keep rule.");
            }
            return new BackupSystem(new EngineConfig(repository, sources, stages, frozen, listeners, parallelism, signer), retention, grouping);
        }
    }
}
