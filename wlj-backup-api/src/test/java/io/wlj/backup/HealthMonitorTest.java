package io.wlj.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.health.HealthCheck;
import io.wlj.backup.health.HealthMonitor;
import io.wlj.backup.health.HealthReport;
import io.wlj.backup.health.Level;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.repository.VerificationRecord;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health monitor's findings, with an injected clock. */
class HealthMonitorTest {
    @TempDir
    Path tmp;

    static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    static HealthCheck find(HealthReport r, String name) {
        return r.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name + " in " + r));
    }

    @Test
    void noBackupAtAllIsCritical() {
        HealthReport r = HealthMonitor.of(FileSystemRepository.init(tmp.resolve("repo"))).check();
        assertThat(r.level()).isEqualTo(Level.CRITICAL);
        assertThat(r.healthy()).isFalse();
        assertThat(find(r, "freshness").message()).contains("no backup at all");
    }

    @Test
    void freshnessVerificationDrillIntegrityAndSize() throws Exception {
        Path data = GatesTest.randomFiles(tmp.resolve("data"), 10, 30_000, 5);
        FileSystemRepository repo = FileSystemRepository.init(tmp.resolve("repo"));
        BackupSystem system = BackupSystem.configure().repository(repo).source(FileTreeSource.of("data", data)).build();
        BackupResult first = system.backup();
        Instant made = first.manifest().header().createdAt();

        HealthReport fresh = HealthMonitor.of(repo).clock(at(made.plus(Duration.ofHours(2)))).check();
        assertThat(find(fresh, "freshness default").level()).isEqualTo(Level.INFO);
        assertThat(find(fresh, "verification").level()).isEqualTo(Level.WARNING);
        assertThat(find(fresh, "restore drill").level()).isEqualTo(Level.WARNING);
        assertThat(find(fresh, "integrity").level()).isEqualTo(Level.INFO);
        assertThat(fresh.level()).isEqualTo(Level.WARNING);
        assertThat(fresh.healthy()).isTrue();

        HealthReport stale = HealthMonitor.of(repo).clock(at(made.plus(Duration.ofHours(27)))).check();
        assertThat(find(stale, "freshness default").level()).isEqualTo(Level.ERROR);
        assertThat(find(stale, "freshness default").message()).contains("No backup of group 'default' for 27h").contains("limit is 26h");
        assertThat(stale.healthy()).isFalse();
        assertThat(HealthMonitor.of(repo).maxAge(Duration.ofDays(2)).clock(at(made.plus(Duration.ofHours(27)))).check().healthy()).isTrue();

        system.verify(first.id());
        repo.recordVerification(new VerificationRecord(first.id(), made.plusSeconds(60), VerificationRecord.RESTORE_TEST, false, 0, 0,
                Duration.ofSeconds(3), List.of("stopped at step 'data': table journal got 0 rows")));
        HealthReport drilled = HealthMonitor.of(repo).clock(at(made.plus(Duration.ofHours(3)))).check();
        assertThat(find(drilled, "verification").level()).isEqualTo(Level.INFO);
        assertThat(find(drilled, "restore drill").level()).isEqualTo(Level.ERROR);
        assertThat(find(drilled, "restore drill").message()).contains("table journal got 0 rows");

        for (int i = 0; i < 8; i++) {
            Files.delete(data.resolve("f" + i));
        }
        BackupResult small = system.backup(Map.of(), ProgressMonitor.NONE);
        Instant later = small.manifest().header().createdAt().plus(Duration.ofMinutes(5));
        assertThat(find(HealthMonitor.of(repo).clock(at(later)).check(), "size").level()).isEqualTo(Level.WARNING);

        Path file = repo.pathOf(small.id(), small.manifest().header().artifacts().get(0).file());
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 1);
        }
        HealthReport damaged = HealthMonitor.of(repo).clock(at(later)).check();
        assertThat(find(damaged, "integrity").level()).isEqualTo(Level.CRITICAL);
        assertThat(damaged.level()).isEqualTo(Level.CRITICAL);
    }

    @Test
    void groupsAreJudgedApartAndDiskAndProbesReport() throws Exception {
        Path data = GatesTest.randomFiles(tmp.resolve("data"), 2, 10_000, 6);
        FileSystemRepository repo = FileSystemRepository.init(tmp.resolve("repo"));
        BackupSystem system = BackupSystem.configure().repository(repo).source(FileTreeSource.of("data", data)).build();
        BackupResult db = system.backup(Map.of("group", "db"), ProgressMonitor.NONE);
        HealthReport r = HealthMonitor.of(repo).diskThreshold(1e-9)
                .probe("database", () -> new HealthCheck("database", Level.ERROR, "The database did not answer."))
                .clock(at(db.manifest().header().createdAt().plus(Duration.ofHours(30)))).check();
        assertThat(find(r, "freshness db").level()).isEqualTo(Level.ERROR);
        assertThat(find(r, "disk").level()).isIn(Level.WARNING, Level.ERROR);
        assertThat(find(r, "disk").message()).contains("full");
        assertThat(find(r, "database").message()).isEqualTo("The database did not answer.");
    }

    @Test
    void leftoversThatPruneShouldHaveRemovedWarn() throws Exception {
        Path data = GatesTest.randomFiles(tmp.resolve("data"), 3, 10_000, 7);
        FileSystemRepository repo = FileSystemRepository.init(tmp.resolve("repo"));
        BackupSystem system = BackupSystem.configure().repository(repo).source(FileTreeSource.of("data", data)).build();
        Instant made = system.backup().manifest().header().createdAt();
        assertThat(find(HealthMonitor.of(repo).clock(at(made.plusSeconds(60))).check(), "leftovers").level()).isEqualTo(Level.INFO);

        Path killed = java.nio.file.Files.createDirectories(repo.root().resolve("backups").resolve(BackupId.generate(made.plusSeconds(5)).value()));
        java.nio.file.Files.write(killed.resolve("data.tar.zst"), new byte[1000]);
        HealthCheck recent = find(HealthMonitor.of(repo).clock(at(Instant.now().plusSeconds(60))).check(), "leftovers");
        assertThat(recent.level()).as("a backup may still be writing it").isEqualTo(Level.INFO);
        assertThat(recent.message()).contains("a backup may be running");
        HealthCheck due = find(HealthMonitor.of(repo).clock(at(Instant.now().plus(Duration.ofHours(25)))).check(), "leftovers");
        assertThat(due.level()).isEqualTo(Level.WARNING);
        assertThat(due.message()).contains("1 leftover(s)").contains("1000 bytes").contains("unsealed backup").contains("run prune");
    }

    @Test
    void aMonitoringHostNeedsNoKey() throws Exception {
        TestCipher cipher = new TestCipher(new byte[16]);
        Path data = GatesTest.randomFiles(tmp.resolve("data"), 2, 10_000, 7);
        FileSystemRepository repo = FileSystemRepository.builder(tmp.resolve("repo")).protectedBy(cipher).init();
        BackupResult b = BackupSystem.configure().repository(repo).source(FileTreeSource.of("data", data)).stage(cipher).build().backup();
        HealthReport r = HealthMonitor.of(FileSystemRepository.at(tmp.resolve("repo")))
                .clock(at(b.manifest().header().createdAt().plusSeconds(60))).check();
        assertThat(find(r, "integrity").level()).isEqualTo(Level.INFO);
        assertThat(find(r, "freshness default").level()).isEqualTo(Level.INFO);
    }
}
