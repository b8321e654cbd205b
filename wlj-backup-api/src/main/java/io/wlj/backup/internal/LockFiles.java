package io.wlj.backup.internal;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.repository.LockMode;
import io.wlj.backup.spi.RepositoryLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared/exclusive repository locks as files in {@code locks/}. Both sides publish their lock
 * first and then look for a conflicting one, so two racing processes cannot both miss each
 * other. A lock whose owner is provably dead (same host, pid gone or reused) or silent (other
 * host, no heartbeat for {@code staleAfter}) is stale and is removed with a warning; a lock whose
 * owner is alive on this host is never broken, however old its heartbeat.
 */
public final class LockFiles {
    private static final Logger LOG = LoggerFactory.getLogger(LockFiles.class);
    private static final String EXCLUSIVE = "exclusive.lock";
    private static final String SHARED_PREFIX = "shared-";
    private static final String SUFFIX = ".lock";

    private final Path dir;
    private final DurableFiles files;
    private final Duration staleAfter;
    private final Duration wait;
    private final Clock clock;
    private final List<String> brokenStaleLocks = new java.util.concurrent.CopyOnWriteArrayList<>();

    public LockFiles(Path dir, DurableFiles files, Duration staleAfter, Duration wait, Clock clock) {
        this.dir = dir;
        this.files = files;
        this.staleAfter = staleAfter;
        this.wait = wait;
        this.clock = clock;
    }

    /** Descriptions of stale locks this instance removed, for reporting. */
    public List<String> brokenStaleLocks() {
        return List.copyOf(brokenStaleLocks);
    }

    public RepositoryLock acquire(LockMode mode, String operation) {
        Instant deadline = clock.instant().plus(wait);
        while (true) {
            Optional<LockRecord> conflict;
            try {
                files.createDirectories(dir);
                LockRecord mine = newRecord(mode, operation);
                Path path = mode == LockMode.EXCLUSIVE ? dir.resolve(EXCLUSIVE) : dir.resolve(SHARED_PREFIX + mine.token() + SUFFIX);
                conflict = mode == LockMode.EXCLUSIVE ? tryExclusive(path, mine) : tryShared(path, mine);
                if (conflict.isEmpty()) {
                    return new Held(path, mine);
                }
            } catch (IOException e) {
                throw new BackupException(ErrorCode.IO, "Could not take the repository lock in " + dir + ": " + e.getMessage(), e);
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new BackupException(ErrorCode.LOCKED, "The repository is locked by " + conflict.get().describe()
                        + "; wait for it to finish (or, if that process is gone from another host, for its lock to go stale after "
                        + Durations.format(staleAfter) + ").");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackupException(ErrorCode.CANCELLED, "Interrupted while waiting for the repository lock.");
            }
        }
    }

    private Optional<LockRecord> tryExclusive(Path path, LockRecord mine) throws IOException {
        while (true) {
            if (publish(path, mine)) {
                break;
            }
            Optional<LockRecord> holder = read(path);
            if (holder.isEmpty()) {
                continue; // released between our attempt and the read
            }
            if (isLive(holder.get())) {
                return holder;
            }
            breakStale(path, holder.get());
        }
        Optional<LockRecord> shared = liveShared();
        if (shared.isPresent()) {
            Files.deleteIfExists(path);
            return shared;
        }
        return Optional.empty();
    }

    private Optional<LockRecord> tryShared(Path path, LockRecord mine) throws IOException {
        if (!publish(path, mine)) {
            throw new IOException("lock token collision: " + path);
        }
        Path exclusive = dir.resolve(EXCLUSIVE);
        while (true) {
            Optional<LockRecord> holder = read(exclusive);
            if (holder.isEmpty()) {
                return Optional.empty();
            }
            if (isLive(holder.get())) {
                Files.deleteIfExists(path);
                return holder;
            }
            breakStale(exclusive, holder.get());
        }
    }

    private Optional<LockRecord> liveShared() throws IOException {
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, SHARED_PREFIX + "*" + SUFFIX)) {
            stream.forEach(candidates::add);
        }
        for (Path p : candidates) {
            Optional<LockRecord> r = read(p);
            if (r.isPresent()) {
                if (isLive(r.get())) {
                    return r;
                }
                breakStale(p, r.get());
            }
        }
        return Optional.empty();
    }

    /** Creates {@code path} with the record's content atomically; false when it already exists. */
    private boolean publish(Path path, LockRecord record) throws IOException {
        Path temp = dir.resolve(DurableFiles.TEMP_PREFIX + record.token());
        try {
            files.write(temp, Json.MAPPER.writeValueAsBytes(record));
            Files.createLink(path, temp); // fails atomically if the lock exists
            DurableFiles.fsyncDirectory(dir);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException e) {
            // No hard links (some network file systems): fall back to an atomic create.
            try {
                Files.write(path, Json.MAPPER.writeValueAsBytes(record), java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE);
                return true;
            } catch (FileAlreadyExistsException again) {
                return false;
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private Optional<LockRecord> read(Path path) throws IOException {
        try {
            byte[] bytes = Files.readAllBytes(path);
            return Optional.of(Json.MAPPER.readValue(bytes, LockRecord.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            // An unreadable lock file is treated as held: we never break what we cannot understand.
            throw new BackupException(ErrorCode.REPOSITORY, "The lock file " + path + " is unreadable; remove it by hand only if no wlj-backup process uses this repository.", e);
        }
    }

    /** True unless the owner is provably gone. */
    boolean isLive(LockRecord r) {
        if (r.host().equals(HostInfo.host())) {
            Optional<ProcessHandle> process = ProcessHandle.of(r.pid());
            if (process.isEmpty() || !process.get().isAlive()) {
                return false;
            }
            Optional<Instant> start = process.get().info().startInstant();
            if (r.processStart() != null && start.isPresent()
                    && Duration.between(start.get(), r.processStart()).abs().compareTo(Duration.ofSeconds(2)) > 0) {
                return false; // the pid now belongs to another process
            }
            return true;
        }
        return Duration.between(r.heartbeatAt(), clock.instant()).compareTo(staleAfter) < 0;
    }

    private void breakStale(Path path, LockRecord stale) throws IOException {
        Path aside = dir.resolve(DurableFiles.TEMP_PREFIX + "stale-" + UUID.randomUUID());
        try {
            Files.move(path, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return; // someone else broke it first
        }
        Optional<LockRecord> moved = read(aside);
        if (moved.isPresent() && !moved.get().token().equals(stale.token())) {
            // We moved a newer, live lock that replaced the stale one in the meantime: put it back.
            try {
                Files.createLink(path, aside);
            } catch (FileAlreadyExistsException e) {
                LOG.warn("Lock {} was replaced twice while breaking a stale lock", path);
            }
            Files.deleteIfExists(aside);
            return;
        }
        Files.deleteIfExists(aside);
        DurableFiles.fsyncDirectory(dir);
        String description = "stale lock removed: " + stale.describe();
        brokenStaleLocks.add(description);
        LOG.warn("Removed a stale repository lock: {}", stale.describe());
    }

    private LockRecord newRecord(LockMode mode, String operation) {
        Instant now = clock.instant();
        return new LockRecord(UUID.randomUUID().toString(), mode.name(), operation, HostInfo.host(), HostInfo.pid(),
                HostInfo.startOf(HostInfo.pid()).orElse(null), now, now);
    }

    /** Refreshes heartbeats of held locks so that other hosts do not take them for stale. */
    private static final ScheduledExecutorService HEARTBEAT = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wlj-backup-lock-heartbeat");
        t.setDaemon(true);
        return t;
    });

    private final class Held implements RepositoryLock {
        private final Path path;
        private final LockRecord record;
        private final ScheduledFuture<?> heartbeat;
        private boolean released;

        Held(Path path, LockRecord record) {
            this.path = path;
            this.record = record;
            long period = Math.max(1, staleAfter.toSeconds() / 4);
            this.heartbeat = HEARTBEAT.scheduleAtFixedRate(this::beat, period, period, TimeUnit.SECONDS);
        }

        private synchronized void beat() {
            if (released) {
                return;
            }
            try {
                LockRecord refreshed = new LockRecord(record.token(), record.mode(), record.operation(), record.host(),
                        record.pid(), record.processStart(), record.acquiredAt(), clock.instant());
                files.write(path, Json.MAPPER.writeValueAsBytes(refreshed));
            } catch (IOException | RuntimeException e) {
                LOG.warn("Could not refresh the heartbeat of lock {}: {}", path, e.getMessage());
            }
        }

        @Override
        public synchronized void close() {
            if (released) {
                return;
            }
            released = true;
            heartbeat.cancel(false);
            try {
                Files.deleteIfExists(path);
                DurableFiles.fsyncDirectory(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not release lock " + path, e);
            }
        }
    }
}
