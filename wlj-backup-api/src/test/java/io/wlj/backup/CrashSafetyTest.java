package io.wlj.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.internal.IoHook;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.repository.Leftover;
import io.wlj.backup.repository.LockMode;
import io.wlj.backup.repository.ManifestHeader;
import io.wlj.backup.repository.VerificationRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DESIGN §4: nothing is ever half-written, whatever step fails and whenever the process dies. */
class CrashSafetyTest {
    @TempDir
    Path tmp;

    /** Fails the n-th durable step (counting from when it is armed) with an IOException. */
    static final class FailingStep implements IoHook {
        final List<String> seen = new ArrayList<>();
        final AtomicInteger countdown = new AtomicInteger(-1);
        volatile String failedAt;
        volatile String failOn;

        /** Fails every step starting with {@code prefix} (null: none). */
        void failAt(String prefix) {
            failOn = prefix;
        }

        @Override
        public synchronized void before(String step) throws IOException {
            seen.add(step);
            if (failOn != null && step.startsWith(failOn)) {
                failedAt = step;
                throw new IOException("injected failure at " + step);
            }
            if (countdown.get() >= 0 && countdown.getAndDecrement() == 0) {
                failedAt = step;
                throw new IOException("injected failure at " + step);
            }
        }
    }

    private BackupSystem system(FileSystemRepository repository, Path data) {
        return BackupSystem.configure().repository(repository)
                .source(FileTreeSource.of("data", data))
                .source(FileTreeSource.of("more", tmp.resolve("src/more")))
                .gates(Stage.AFTER_BACKUP, Gates.checksums())
                .build();
    }

    @Test
    void aFailureAtEveryWriteStepLeavesOnlySealedVerifiableBackups() throws Exception {
        Path data = Trees.sample(tmp.resolve("src/data"), 11);
        Trees.sample(tmp.resolve("src/more"), 12);
        FailingStep hook = new FailingStep();
        FileSystemRepository repository = FileSystemRepository.builder(tmp.resolve("repo")).ioHook(hook).initOrOpen();
        BackupSystem backups = system(repository, data);
        BackupId good = backups.backup().id();

        hook.seen.clear();
        backups.backup();
        List<String> steps = List.copyOf(hook.seen);
        assertThat(steps).anyMatch(s -> s.startsWith("rename manifest.json"));
        assertThat(steps).anyMatch(s -> s.startsWith("write data.tar"));
        assertThat(steps.size()).isGreaterThan(15);
        List<ManifestHeader> before = backups.list();

        for (int i = 0; i < steps.size(); i++) {
            hook.countdown.set(i);
            assertThatThrownBy(backups::backup).as("failure at step %d", i).isInstanceOf(BackupException.class);
            assertThat(hook.failedAt).as("step %d was reached", i).isNotNull();
            hook.failedAt = null;
            hook.countdown.set(-1);

            assertThat(backups.list()).as("after failing at %s", steps.get(i)).containsExactlyElementsOf(before);
            assertThat(backups.verifyAll(false, ProgressMonitor.NONE)).allMatch(VerificationRecord::passed);
            assertThat(backups.leftovers()).as("a clean failure cleans up after itself (%s)", steps.get(i)).isEmpty();
            assertThat(locksDir(repository)).as("no lock survives a failure").isEmpty();
        }
        BackupResult next = backups.backup();
        assertThat(backups.list()).hasSize(before.size() + 1).last().extracting(ManifestHeader::id).isEqualTo(next.id());
        assertThat(backups.list()).first().extracting(ManifestHeader::id).isEqualTo(good);
        assertThat(repository.journal().verify().intact()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mid-artifact", "between-artifacts", "before-seal"})
    void aKilledBackupLeavesNothingListedAndIsReportedAsLeftover(String point) throws Exception {
        Path data = Trees.sample(tmp.resolve("src/data"), 13);
        FileSystemRepository repository = FileSystemRepository.initOrOpen(tmp.resolve("repo"));
        BackupSystem backups = BackupSystem.configure().repository(repository).source(FileTreeSource.of("files", data)).build();
        BackupId good = backups.backup().id();

        try (ChildJvm child = ChildJvm.start(CrashChild.class, repository.root().toString(), point, data.toString())) {
            child.awaitLine("MIDWAY " + point);
            assertThat(leftoverDirs(repository)).as("the child is writing").hasSize(1);
            child.kill();
        }

        assertThat(backups.list()).extracting(ManifestHeader::id).containsExactly(good);
        assertThat(backups.verifyAll(true, ProgressMonitor.NONE)).singleElement().matches(VerificationRecord::passed);
        List<Leftover> leftovers = backups.leftovers();
        assertThat(leftovers).singleElement().satisfies(l -> {
            assertThat(l.path()).startsWith("backups/");
            assertThat(l.bytes()).isPositive();
        });
        assertThatThrownBy(() -> backups.show(BackupId.parse(Path.of(leftovers.get(0).path()).getFileName().toString())))
                .isInstanceOf(BackupException.class).extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);

        BackupResult next = backups.backup();
        assertThat(backups.list()).extracting(ManifestHeader::id).containsExactly(good, next.id());
        // The dead child's shared lock does not block an exclusive operation: it is detected as stale.
        try (var lock = repository.lock(LockMode.EXCLUSIVE, "after crash")) {
            assertThat(repository.staleLocksRemoved()).singleElement().asString().contains("backup");
        }
        assertThat(repository.removeLeftovers(java.time.Duration.ZERO, java.time.Instant.now().plusSeconds(1))).hasSize(1);
        assertThat(backups.leftovers()).isEmpty();
        assertThat(backups.list()).hasSize(2);
    }

    private static List<Path> leftoverDirs(FileSystemRepository repository) throws IOException {
        try (Stream<Path> s = Files.list(repository.root().resolve("backups"))) {
            return s.filter(p -> !Files.exists(p.resolve("manifest.json"))).toList();
        }
    }

    private static List<Path> locksDir(FileSystemRepository repository) throws IOException {
        try (Stream<Path> s = Files.list(repository.root().resolve("locks"))) {
            return s.toList();
        }
    }
}
