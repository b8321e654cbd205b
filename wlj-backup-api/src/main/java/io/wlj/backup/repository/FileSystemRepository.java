package io.wlj.backup.repository;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupId;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.Version;
import io.wlj.backup.audit.AuditJournal;
import io.wlj.backup.internal.DurableFiles;
import io.wlj.backup.internal.FileTrees;
import io.wlj.backup.internal.IoHook;
import io.wlj.backup.internal.Json;
import io.wlj.backup.internal.LockFiles;
import io.wlj.backup.spi.BackupRepository;
import io.wlj.backup.spi.ManifestSigner;
import io.wlj.backup.spi.Protection;
import io.wlj.backup.spi.PendingBackup;
import io.wlj.backup.spi.RepositoryLock;
import io.wlj.backup.spi.StagedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A repository in a local (or mounted) directory:
 * <pre>
 * wlj-repository.json          the repository's config
 * backups/&lt;id&gt;/...            artifacts, then manifest.json written last
 * verifications/&lt;id&gt;/*.json   verification records
 * pins/&lt;id&gt;.json               pinned backups, kept by prune whatever the policy
 * locks/                       shared and exclusive lock files
 * audit/journal.jsonl          hash-chained journal of operations
 * </pre>
 * Every file goes through temp name, fsync, rename, directory fsync. Directories are 0700 and
 * files 0600.
 */
public final class FileSystemRepository implements BackupRepository {
    private static final Logger LOG = LoggerFactory.getLogger(FileSystemRepository.class);
    public static final String CONFIG_FILE = "wlj-repository.json";
    public static final String MANIFEST_FILE = "manifest.json";
    public static final String SIGNATURE_FILE = "manifest.json.sig";
    /** What an unsealed manifest is renamed to: marks a backup a prune began to forget. */
    public static final String FORGOTTEN_FILE = "forgotten.json";
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}");
    private static final DateTimeFormatter RECORD_STAMP =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path root;
    private final DurableFiles files;
    private final IoHook hook;
    private final LockFiles locks;
    private final AuditJournal journal;
    private final RepositoryConfig config;

    private FileSystemRepository(Builder b, RepositoryConfig config) {
        this.root = b.root;
        this.hook = b.hook;
        this.files = new DurableFiles(b.hook);
        this.locks = new LockFiles(root.resolve("locks"), files, b.staleLockAfter, b.lockWait, b.clock);
        this.journal = AuditJournal.at(root.resolve("audit").resolve("journal.jsonl"));
        this.config = config;
    }

    /** Opens the existing repository at {@code root}. */
    public static FileSystemRepository at(Path root) {
        return builder(root).open();
    }

    /** Creates a new repository at {@code root}, which must be absent or an empty directory. */
    public static FileSystemRepository init(Path root) {
        return builder(root).init();
    }

    /** Opens the repository at {@code root}, creating it first when the directory is absent or empty. */
    public static FileSystemRepository initOrOpen(Path root) {
        return builder(root).initOrOpen();
    }

    public static Builder builder(Path root) {
        return new Builder(root);
    }

    public Path root() {
        return root;
    }

    @Override
    public RepositoryConfig config() {
        return config;
    }

    @Override
    public String location() {
        return root.toString();
    }

    /** Descriptions of stale locks this instance found and removed. */
    public List<String> staleLocksRemoved() {
        return locks.brokenStaleLocks();
    }

    @Override
    public PendingBackup begin(BackupId id) {
        Path dir = backupDir(id);
        try {
            files.createDirectories(root.resolve("backups"));
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new BackupException(ErrorCode.REPOSITORY, "Backup directory " + dir + " already exists.");
            }
            files.createDirectories(dir);
        } catch (IOException e) {
            throw new BackupException(ErrorCode.IO, "Could not create backup directory " + dir + ": " + e.getMessage(), e);
        }
        return new Pending(id, dir);
    }

    @Override
    public List<ManifestHeader> list() {
        List<ManifestHeader> result = new ArrayList<>();
        for (Path dir : backupDirs()) {
            Path manifest = dir.resolve(MANIFEST_FILE);
            if (Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS)) {
                result.add(readManifest(manifest).header());
            }
        }
        result.sort(Comparator.comparing(ManifestHeader::createdAt).thenComparing(ManifestHeader::id));
        return result;
    }

    @Override
    public Manifest read(BackupId id) {
        Path manifest = backupDir(id).resolve(MANIFEST_FILE);
        if (!Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS)) {
            throw new BackupException(ErrorCode.NOT_FOUND, "There is no backup " + id + " in the repository at " + root + ".");
        }
        return readManifest(manifest);
    }

    @Override
    public byte[] readManifestBytes(BackupId id) {
        Path manifest = backupDir(id).resolve(MANIFEST_FILE);
        if (!Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS)) {
            throw new BackupException(ErrorCode.NOT_FOUND, "There is no backup " + id + " in the repository at " + root + ".");
        }
        try {
            return Files.readAllBytes(manifest);
        } catch (IOException e) {
            throw new BackupException(ErrorCode.IO, "Could not read the manifest of " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public java.util.Optional<byte[]> readSignature(BackupId id) {
        Path sig = backupDir(id).resolve(SIGNATURE_FILE);
        try {
            return Files.exists(sig, LinkOption.NOFOLLOW_LINKS) ? java.util.Optional.of(Files.readAllBytes(sig)) : java.util.Optional.empty();
        } catch (IOException e) {
            throw new BackupException(ErrorCode.IO, "Could not read the manifest signature of " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream openFile(BackupId id, String fileName) throws IOException {
        checkFileName(fileName);
        return Files.newInputStream(backupDir(id).resolve(fileName), LinkOption.NOFOLLOW_LINKS);
    }

    /** The path of a stored file, for tools that read it directly. */
    public Path pathOf(BackupId id, String fileName) {
        checkFileName(fileName);
        return backupDir(id).resolve(fileName);
    }

    @Override
    public List<Leftover> leftovers() {
        List<Leftover> result = new ArrayList<>();
        java.util.Set<String> sealed = new java.util.HashSet<>();
        for (Path dir : backupDirs()) {
            if (Files.exists(dir.resolve(MANIFEST_FILE), LinkOption.NOFOLLOW_LINKS)) {
                sealed.add(dir.getFileName().toString());
                temporaryFiles(dir, result);
            } else {
                result.add(leftover(dir, Files.exists(dir.resolve(FORGOTTEN_FILE), LinkOption.NOFOLLOW_LINKS)
                        ? Leftover.Kind.INTERRUPTED_FORGET : isEmpty(dir) ? Leftover.Kind.EMPTY_DIRECTORY : Leftover.Kind.UNSEALED_BACKUP));
            }
        }
        Path verifications = root.resolve("verifications");
        for (Path dir : subdirectories(verifications)) {
            if (!sealed.contains(dir.getFileName().toString())) { // only sealed backups are ever verified
                result.add(leftover(dir, Leftover.Kind.ORPHANED_RECORDS));
            } else {
                temporaryFiles(dir, result);
            }
        }
        if (Files.isDirectory(root.resolve("pins"))) {
            temporaryFiles(root.resolve("pins"), result);
        }
        return result;
    }

    private boolean isEmpty(Path dir) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        } catch (IOException e) {
            throw listingFailed(dir, e);
        }
    }

    private void temporaryFiles(Path dir, List<Leftover> into) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, DurableFiles.TEMP_PREFIX + "*")) {
            for (Path p : s) {
                into.add(leftover(p, Leftover.Kind.TEMPORARY_FILE));
            }
        } catch (IOException e) {
            throw listingFailed(dir, e);
        }
    }

    /** The directories below {@code dir} named like backup ids, sorted; none when {@code dir} is absent. */
    private List<Path> subdirectories(Path dir) {
        List<Path> dirs = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return dirs;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (BackupId.isValid(p.getFileName().toString()) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    dirs.add(p);
                }
            }
        } catch (IOException e) {
            throw listingFailed(dir, e);
        }
        dirs.sort(Comparator.naturalOrder());
        return dirs;
    }

    /**
     * Removes leftovers: those nothing can still be writing (interrupted forgets, orphaned
     * records) at once, the others once their last write is older than {@code grace}. The whole
     * listing is made before anything is removed. Call under an exclusive lock.
     */
    @Override
    public List<Leftover> removeLeftovers(Duration grace, Instant now) {
        List<Leftover> removed = new ArrayList<>();
        for (Leftover l : leftovers()) {
            if (l.dueForRemoval(now, grace)) {
                try {
                    hook.before("remove leftover " + l.path());
                    deleteTree(root.resolve(l.path()));
                    removed.add(l);
                } catch (IOException e) {
                    throw new BackupException(ErrorCode.IO, "Could not remove leftover " + l.path() + ": " + e.getMessage(), e);
                }
            }
        }
        return removed;
    }

    @Override
    public void forget(BackupId id) {
        Path dir = backupDir(id);
        Path manifest = dir.resolve(MANIFEST_FILE);
        if (!Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS)) {
            throw new BackupException(ErrorCode.NOT_FOUND, "There is no backup " + id + " in the repository at " + root + ".");
        }
        try {
            // Unseal in one atomic step: from here the backup neither lists nor restores, and the
            // renamed manifest tells the next prune to finish the job if this one dies.
            hook.before("unseal " + id);
            Files.move(manifest, dir.resolve(FORGOTTEN_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            hook.before("fsync-dir " + id);
            DurableFiles.fsyncDirectory(dir);
            removeForgotten(dir);
            Path records = root.resolve("verifications").resolve(id.value());
            if (Files.isDirectory(records, LinkOption.NOFOLLOW_LINKS)) {
                hook.before("remove verifications " + id);
                FileTrees.delete(records);
                DurableFiles.fsyncDirectory(records.getParent());
            }
        } catch (IOException e) {
            throw new BackupException(ErrorCode.IO, "Forgetting backup " + id + " stopped: " + e.getMessage()
                    + ". It is unsealed if its manifest was renamed; the next prune finishes the job.", e);
        }
    }

    /** Removes an unsealed backup's files, the renamed manifest last, then the directory. */
    private void removeForgotten(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(files::add);
        }
        files.sort(Comparator.comparing((Path p) -> p.getFileName().toString().equals(FORGOTTEN_FILE)).thenComparing(Comparator.naturalOrder()));
        for (Path f : files) {
            hook.before("delete " + f.getFileName());
            FileTrees.delete(f);
        }
        hook.before("remove directory " + dir.getFileName());
        Files.delete(dir);
        DurableFiles.fsyncDirectory(dir.getParent());
    }

    @Override
    public void pin(Pin pin) {
        read(pin.backupId()); // only sealed backups are pinned
        Path dir = root.resolve("pins");
        try {
            files.createDirectories(dir);
            files.write(dir.resolve(pin.backupId().value() + ".json"), Json.PRETTY.writeValueAsBytes(pin));
        } catch (IOException e) {
            throw new BackupException(ErrorCode.IO, "Could not pin " + pin.backupId() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean unpin(BackupId id) {
        Path file = root.resolve("pins").resolve(id.value() + ".json");
        try {
            hook.before("unpin " + id);
            boolean removed = Files.deleteIfExists(file);
            if (removed) {
                DurableFiles.fsyncDirectory(file.getParent());
            }
            return removed;
        } catch (IOException e) {
            throw new BackupException(ErrorCode.IO, "Could not unpin " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Pin> pins() {
        Path dir = root.resolve("pins");
        List<Pin> result = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return result; // a repository nobody has pinned in yet
        }
        try {
            hook.before("list pins");
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.json")) {
                for (Path p : s) {
                    if (!p.getFileName().toString().startsWith(DurableFiles.TEMP_PREFIX)) {
                        result.add(Json.MAPPER.readValue(p.toFile(), Pin.class));
                    }
                }
            }
        } catch (IOException e) {
            throw listingFailed(dir, e);
        }
        result.sort(Comparator.comparing(p -> p.backupId().value()));
        return result;
    }

    @Override
    public RepositoryLock lock(LockMode mode, String operation) {
        return locks.acquire(mode, operation);
    }

    @Override
    public void recordVerification(VerificationRecord record) {
        Path dir = root.resolve("verifications").resolve(record.backupId().value());
        Path file = dir.resolve(RECORD_STAMP.format(record.time()) + "-" + UUID.randomUUID().toString().substring(0, 8) + ".json");
        try {
            files.createDirectories(dir);
            files.write(file, Json.PRETTY.writeValueAsBytes(record));
        } catch (IOException e) {
            throw new BackupException(ErrorCode.IO, "Could not store the verification record " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<VerificationRecord> verifications(BackupId id) {
        Path dir = root.resolve("verifications").resolve(id.value());
        List<VerificationRecord> result = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return result;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.json")) {
            hook.before("read verifications " + id);
            for (Path p : s) {
                if (!p.getFileName().toString().startsWith(DurableFiles.TEMP_PREFIX)) {
                    result.add(Json.MAPPER.readValue(p.toFile(), VerificationRecord.class));
                }
            }
        } catch (IOException e) {
            throw listingFailed(dir, e);
        }
        result.sort(Comparator.comparing(VerificationRecord::time));
        return result;
    }

    @Override
    public AuditJournal journal() {
        return journal;
    }

    @Override
    public String toString() {
        return "FileSystemRepository[" + root + "]";
    }

    private Path backupDir(BackupId id) {
        return root.resolve("backups").resolve(id.value());
    }

    private List<Path> backupDirs() {
        Path backups = root.resolve("backups");
        try {
            hook.before("list backups");
            // A vanished mount or a half-deleted repository must not look like "no backups".
            if (!Files.isRegularFile(root.resolve(CONFIG_FILE))) {
                throw new NoSuchFileException(root.resolve(CONFIG_FILE).toString(), null, "the repository config is gone");
            }
            if (!Files.isDirectory(backups)) {
                throw new NoSuchFileException(backups.toString(), null, "the backups directory is missing");
            }
        } catch (IOException e) {
            throw listingFailed(backups, e);
        }
        return subdirectories(backups);
    }

    private BackupException listingFailed(Path where, IOException e) {
        // Never read a failed listing as "no backups": callers would act on an empty repository.
        return new BackupException(ErrorCode.IO, "Could not list " + where + " (" + e.getMessage()
                + "); nothing was changed.", e);
    }

    private Manifest readManifest(Path file) {
        try {
            Manifest m = Json.MAPPER.readValue(file.toFile(), Manifest.class);
            if (m.header() == null || (m.detail() == null) != m.header().detailEncrypted()) {
                throw new IOException("the header or the detail is missing");
            }
            if (m.header().formatVersion() > Manifest.FORMAT_VERSION) {
                throw new BackupException(ErrorCode.REPOSITORY, "The manifest " + file + " has format version "
                        + m.header().formatVersion() + "; this version of wlj-backup reads up to " + Manifest.FORMAT_VERSION + ".");
            }
            return m;
        } catch (IOException e) {
            throw new BackupException(ErrorCode.REPOSITORY, "The manifest " + file + " cannot be read (" + e.getMessage()
                    + "); the listing was aborted so that nothing acts on an incomplete view.", e);
        }
    }

    private Leftover leftover(Path p, Leftover.Kind kind) {
        try {
            long[] bytes = {0};
            Instant[] newest = {Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant()};
            Files.walkFileTree(p, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    bytes[0] += attrs.size();
                    Instant t = attrs.lastModifiedTime().toInstant();
                    if (t.isAfter(newest[0])) {
                        newest[0] = t;
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
            return new Leftover(root.relativize(p).toString(), newest[0], bytes[0], kind);
        } catch (IOException e) {
            throw listingFailed(p, e);
        }
    }

    private static void checkFileName(String name) {
        if (!FILE_NAME.matcher(name).matches()) {
            throw BackupException.badInput("'" + name + "' is not a valid stored file name.");
        }
    }

    /**
     * Deletes a leftover: a file, or a backup directory manifest-first, so that an interrupted
     * delete never leaves a sealed-looking remainder.
     */
    static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) { // a temporary file is a leftover too
            Path manifest = path.resolve(MANIFEST_FILE);
            if (Files.deleteIfExists(manifest)) {
                DurableFiles.fsyncDirectory(path);
            }
        }
        FileTrees.delete(path);
        if (path.getParent() != null) {
            DurableFiles.fsyncDirectory(path.getParent());
        }
    }

    private final class Pending implements PendingBackup {
        private final BackupId id;
        private final Path dir;
        private volatile boolean sealed;
        private volatile boolean closed;

        Pending(BackupId id, Path dir) {
            this.id = id;
            this.dir = dir;
        }

        @Override
        public BackupId id() {
            return id;
        }

        @Override
        public StagedFile createFile(String fileName) throws IOException {
            checkFileName(fileName);
            if (fileName.equals(MANIFEST_FILE) || fileName.equals(SIGNATURE_FILE)) {
                throw new IllegalArgumentException(fileName + " is written by seal()");
            }
            Path target = dir.resolve(fileName);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("stored file already exists: " + target);
            }
            return files.stage(target);
        }

        @Override
        public void seal(Manifest manifest, ManifestSigner signer) throws IOException {
            Objects.requireNonNull(manifest, "manifest");
            if (!manifest.id().equals(id)) {
                throw new IllegalArgumentException("manifest of " + manifest.id() + " sealed into " + id);
            }
            byte[] bytes = Json.PRETTY.writeValueAsBytes(manifest);
            if (signer != null) {
                files.write(dir.resolve(SIGNATURE_FILE), signer.sign(bytes)); // before the manifest: sealed implies signed
            }
            files.write(dir.resolve(MANIFEST_FILE), bytes);
            sealed = true;
        }

        @Override
        public void close() {
            if (sealed || closed) {
                return;
            }
            closed = true;
            try {
                deleteTree(dir);
            } catch (IOException e) {
                LOG.warn("Could not remove the unsealed backup {}; it stays as a leftover for prune: {}", dir, e.getMessage());
            }
        }
    }

    /** Fail-fast settings for a file-system repository. */
    public static final class Builder {
        private final Path root;
        private Duration staleLockAfter = Duration.ofMinutes(5);
        private Duration lockWait = Duration.ZERO;
        private IoHook hook = IoHook.NONE;
        private Clock clock = Clock.systemUTC();
        private Protection protection;
        private String signingKey;
        private String keyCheck;
        private List<String> recipientKeys = List.of();
        private String signingPublicKey;

        private Builder(Path root) {
            this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        }

        /** How long a lock held from another host may go without a heartbeat before it counts as stale (default 5m). */
        public Builder staleLockAfter(Duration d) {
            if (d.compareTo(Duration.ofSeconds(4)) < 0) {
                throw BackupException.badInput("staleLockAfter must be at least 4 seconds, not " + d + ".");
            }
            this.staleLockAfter = d;
            return this;
        }

        /** How long to wait for a conflicting lock to be released before failing (default: fail at once). */
        public Builder lockWait(Duration d) {
            if (d.isNegative()) {
                throw BackupException.badInput("lockWait cannot be negative.");
            }
            this.lockWait = d;
            return this;
        }

        /** Internal: observes or fails durable write steps (fault-injection tests). */
        public Builder ioHook(IoHook hook) {
            this.hook = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /**
         * For {@link #init()}: the repository requires this encryption stage's protection from now
         * on; in passphrase mode a small message encrypted with it is kept, so that a mistyped
         * passphrase is recognised before a backup nobody could read is written.
         */
        public Builder protectedBy(io.wlj.backup.spi.CodecStage stage) {
            Protection p = stage.protection().orElseThrow(() -> BackupException.badInput(
                    "The stage " + stage.id() + " does not encrypt, so it cannot protect a repository."));
            this.protection = p;
            if (Protection.PASSPHRASE.equals(p.mode())) {
                try {
                    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                    try (java.io.OutputStream out = stage.forBackup().encode(bytes)) {
                        out.write(RepositoryConfig.KEY_CHECK_TEXT.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                    this.keyCheck = java.util.Base64.getEncoder().encodeToString(bytes.toByteArray());
                } catch (IOException e) {
                    throw new BackupException(ErrorCode.IO, "Could not encrypt the key check: " + e.getMessage(), e);
                }
            }
            return this;
        }

        /** For {@link #init()}: the encryption the repository requires from now on (default: none). */
        public Builder protection(Protection protection) {
            this.protection = protection;
            return this;
        }

        /** For {@link #init()}: every manifest must be signed by this key from now on. */
        public Builder requireSignaturesBy(String keyId) {
            this.signingKey = keyId;
            return this;
        }

        /** For {@link #init()}: the armored public keys backups are encrypted to, kept so writers need no key files. */
        public Builder recipientKeys(List<String> armored) {
            this.recipientKeys = List.copyOf(armored);
            return this;
        }

        /** For {@link #init()}: the armored public key that checks manifest signatures. */
        public Builder signingPublicKey(String armored) {
            this.signingPublicKey = armored;
            return this;
        }

        /** For {@link #init()}: a small encrypted message (base64) used to recognise a wrong passphrase early. */
        public Builder keyCheck(String base64) {
            this.keyCheck = base64;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public FileSystemRepository open() {
            Path configFile = root.resolve(CONFIG_FILE);
            if (!Files.isRegularFile(configFile)) {
                throw new BackupException(ErrorCode.NOT_FOUND, "There is no wlj-backup repository at " + root
                        + "; create one with 'wlj-backup init --repo " + root + "'.");
            }
            try {
                RepositoryConfig config = Json.MAPPER.readValue(configFile.toFile(), RepositoryConfig.class);
                if (!RepositoryConfig.FORMAT.equals(config.format())) {
                    throw new BackupException(ErrorCode.REPOSITORY, configFile + " is not a wlj-backup repository config.");
                }
                if (config.formatVersion() > RepositoryConfig.FORMAT_VERSION) {
                    throw new BackupException(ErrorCode.REPOSITORY, "The repository at " + root + " has layout version "
                            + config.formatVersion() + "; this version of wlj-backup supports up to " + RepositoryConfig.FORMAT_VERSION + ".");
                }
                return new FileSystemRepository(this, config);
            } catch (IOException e) {
                throw new BackupException(ErrorCode.REPOSITORY, "The repository config " + configFile + " cannot be read: " + e.getMessage(), e);
            }
        }

        public FileSystemRepository init() {
            if (Files.exists(root.resolve(CONFIG_FILE))) {
                throw BackupException.badInput("There is already a wlj-backup repository at " + root + ".");
            }
            try {
                if (Files.exists(root)) {
                    if (!Files.isDirectory(root)) {
                        throw BackupException.badInput(root + " exists and is not a directory.");
                    }
                    try (var entries = Files.list(root)) {
                        if (entries.findAny().isPresent()) {
                            throw BackupException.badInput(root + " is not empty; a repository must start in an empty or new directory.");
                        }
                    }
                }
                DurableFiles durable = new DurableFiles(hook);
                durable.createDirectories(root);
                for (String sub : List.of("backups", "verifications", "pins", "locks", "audit")) {
                    durable.createDirectories(root.resolve(sub));
                }
                RepositoryConfig config = new RepositoryConfig(RepositoryConfig.FORMAT, RepositoryConfig.FORMAT_VERSION,
                        UUID.randomUUID().toString(), clock.instant(),
                        protection == null ? RepositoryConfig.NONE : protection.mode(),
                        protection == null ? List.of() : protection.keyFingerprints(), signingKey, keyCheck, Version.current(),
                        recipientKeys, signingPublicKey);
                durable.write(root.resolve(CONFIG_FILE), Json.PRETTY.writeValueAsBytes(config));
                return new FileSystemRepository(this, config);
            } catch (IOException e) {
                throw new BackupException(ErrorCode.IO, "Could not create a repository at " + root + ": " + e.getMessage(), e);
            }
        }

        public FileSystemRepository initOrOpen() {
            return Files.exists(root.resolve(CONFIG_FILE)) ? open() : init();
        }
    }
}
