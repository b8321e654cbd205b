package io.wlj.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.internal.HostInfo;
import io.wlj.backup.internal.Json;
import io.wlj.backup.internal.LockRecord;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.repository.LockMode;
import io.wlj.backup.repository.ManifestHeader;
import io.wlj.backup.spi.RepositoryLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockTest {
    @TempDir
    Path tmp;

    @Test
    void twoConcurrentWritersBothSealDistinctBackups() throws Exception {
        Path data = Trees.sample(tmp.resolve("src/data"), 31);
        FileSystemRepository repository = FileSystemRepository.initOrOpen(tmp.resolve("repo"));
        BackupSystem backups = BackupSystem.configure().repository(repository).source(FileTreeSource.of("data", data)).build();
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<BackupId> writer = () -> {
                start.await();
                return backups.backup().id();
            };
            Future<BackupId> a = pool.submit(writer);
            Future<BackupId> b = pool.submit(writer);
            BackupId first = a.get();
            BackupId second = b.get();
            assertThat(first).isNotEqualTo(second);
            assertThat(backups.list()).extracting(ManifestHeader::id).containsExactlyInAnyOrder(first, second);
            assertThat(backups.verifyAll(false, ProgressMonitor.NONE)).allMatch(r -> r.passed());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void exclusiveAndSharedLocksExcludeEachOtherAndNameTheHolder() {
        FileSystemRepository repository = FileSystemRepository.initOrOpen(tmp.resolve("repo"));
        try (RepositoryLock shared = repository.lock(LockMode.SHARED, "backup one");
             RepositoryLock shared2 = repository.lock(LockMode.SHARED, "backup two")) {
            assertThatThrownBy(() -> repository.lock(LockMode.EXCLUSIVE, "prune"))
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining("locked by backup")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.LOCKED);
        }
        try (RepositoryLock exclusive = repository.lock(LockMode.EXCLUSIVE, "prune")) {
            assertThatThrownBy(() -> repository.lock(LockMode.SHARED, "backup"))
                    .hasMessageContaining("locked by prune");
            assertThatThrownBy(() -> repository.lock(LockMode.EXCLUSIVE, "delete"))
                    .hasMessageContaining("locked by prune");
        }
        try (RepositoryLock again = repository.lock(LockMode.EXCLUSIVE, "prune again")) {
            assertThat(repository.staleLocksRemoved()).isEmpty();
        }
    }

    @Test
    void aLockHeldByAKilledProcessIsDetectedAsStaleButNotWhileItLives() throws Exception {
        FileSystemRepository repository = FileSystemRepository.initOrOpen(tmp.resolve("repo"));
        try (ChildJvm child = ChildJvm.start(CrashChild.class, repository.root().toString(), "hold-lock", tmp.toString())) {
            child.awaitLine("LOCKED");
            assertThatThrownBy(() -> repository.lock(LockMode.SHARED, "backup"))
                    .hasMessageContaining("locked by crash test")
                    .hasMessageContaining("pid " + child.process.pid());
            child.kill();
        }
        try (RepositoryLock lock = repository.lock(LockMode.SHARED, "backup")) {
            assertThat(repository.staleLocksRemoved()).singleElement().asString().contains("crash test");
        }
    }

    @Test
    void aLiveLocalOwnerIsNeverBrokenHoweverOldItsHeartbeat() throws Exception {
        FileSystemRepository repository = FileSystemRepository.builder(tmp.resolve("repo")).staleLockAfter(Duration.ofSeconds(5)).initOrOpen();
        Instant longAgo = Instant.now().minus(Duration.ofDays(3));
        long pid = ProcessHandle.current().pid();
        write(repository, new LockRecord("t1", "EXCLUSIVE", "ancient prune", HostInfo.host(), pid,
                HostInfo.startOf(pid).orElse(null), longAgo, longAgo));
        assertThatThrownBy(() -> repository.lock(LockMode.SHARED, "backup")).hasMessageContaining("ancient prune");
    }

    @Test
    void aRemoteLockGoesStaleOnlyAfterItsHeartbeatStops() throws Exception {
        FileSystemRepository repository = FileSystemRepository.builder(tmp.resolve("repo")).staleLockAfter(Duration.ofMinutes(5)).initOrOpen();
        Instant now = Instant.now();
        write(repository, new LockRecord("t2", "EXCLUSIVE", "remote prune", "another-host", 1, null, now, now));
        assertThatThrownBy(() -> repository.lock(LockMode.SHARED, "backup")).hasMessageContaining("remote prune").hasMessageContaining("on another-host");

        Instant silent = now.minus(Duration.ofMinutes(6));
        write(repository, new LockRecord("t3", "EXCLUSIVE", "remote prune", "another-host", 1, null, silent, silent));
        try (RepositoryLock lock = repository.lock(LockMode.SHARED, "backup")) {
            assertThat(repository.staleLocksRemoved()).singleElement().asString().contains("another-host");
        }
    }

    @Test
    void aPidReusedByAnotherProcessDoesNotKeepALockAlive() throws Exception {
        FileSystemRepository repository = FileSystemRepository.initOrOpen(tmp.resolve("repo"));
        long pid = ProcessHandle.current().pid();
        Instant bogusStart = HostInfo.startOf(pid).orElseThrow().minus(Duration.ofHours(1));
        write(repository, new LockRecord("t4", "EXCLUSIVE", "old prune", HostInfo.host(), pid, bogusStart, bogusStart, bogusStart));
        try (RepositoryLock lock = repository.lock(LockMode.EXCLUSIVE, "prune")) {
            assertThat(repository.staleLocksRemoved()).hasSize(1);
        }
    }

    private static void write(FileSystemRepository repository, LockRecord record) throws Exception {
        Files.write(repository.root().resolve("locks/exclusive.lock"), Json.MAPPER.writeValueAsBytes(record));
    }

}
