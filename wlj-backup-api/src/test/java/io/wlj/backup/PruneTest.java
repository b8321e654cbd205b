package io.wlj.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.audit.AuditEntry;
import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.repository.Leftover;
import io.wlj.backup.repository.LockMode;
import io.wlj.backup.repository.ManifestHeader;
import io.wlj.backup.repository.VerificationRecord;
import io.wlj.backup.retention.GroupBy;
import io.wlj.backup.retention.KeepPolicy;
import io.wlj.backup.retention.PruneResult;
import io.wlj.backup.spi.BackupSource;
import io.wlj.backup.spi.SourceContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Prune on a real repository: the safety rules, aborting on read errors, garbage, pins, and retention after backups. */
class PruneTest {
    @TempDir
    Path tmp;
    CrashSafetyTest.FailingStep hook;
    FileSystemRepository repository;
    BackupSystem backups;

    @BeforeEach
    void setUp() throws IOException {
        Trees.sample(tmp.resolve("src/data"), 21);
        hook = new CrashSafetyTest.FailingStep();
        repository = FileSystemRepository.builder(tmp.resolve("repo")).ioHook(hook).initOrOpen();
        backups = BackupSystem.configure().repository(repository).source(FileTreeSource.of("data", tmp.resolve("src/data"))).build();
    }

    private List<BackupId> makeBackups(int n) {
        return Stream.generate(() -> backups.backup().id()).limit(n).toList();
    }

    private List<BackupId> listed() {
        return backups.list().stream().map(ManifestHeader::id).toList();
    }

    private List<String> backupDirs() throws IOException {
        try (Stream<Path> s = Files.list(repository.root().resolve("backups"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void forgetsWhatThePolicySaysAndKeepsTheNewestTheNewestVerifiedAndPinned() throws IOException {
        List<BackupId> b = makeBackups(5);
        assertThat(backups.verify(b.get(1)).passed()).isTrue();
        backups.pin(b.get(0), "before the migration");

        PruneResult preview = backups.prune(KeepPolicy.keep().last(1)).dryRun(true).call();
        assertThat(preview.dryRun()).isTrue();
        assertThat(preview.forget()).extracting(PruneResult.Entry::id).containsExactly(b.get(2), b.get(3));
        assertThat(listed()).as("a dry run deletes nothing").containsExactlyElementsOf(b);

        PruneResult result = backups.prune(KeepPolicy.keep().last(1)).call();
        assertThat(result.keep()).extracting(PruneResult.Entry::id).containsExactly(b.get(0), b.get(1), b.get(4));
        assertThat(result.keep()).extracting(PruneResult.Entry::reasons)
                .containsExactly(List.of("pinned"), List.of("newest verified"), List.of("last #1", "newest"));
        assertThat(result.keep()).extracting(PruneResult.Entry::group).containsOnly("sources=data group=-");
        assertThat(result.forget()).extracting(PruneResult.Entry::id).containsExactly(b.get(2), b.get(3));
        assertThat(listed()).containsExactly(b.get(0), b.get(1), b.get(4));
        assertThat(backupDirs()).containsExactlyInAnyOrder(b.get(0).value(), b.get(1).value(), b.get(4).value());
        assertThat(Files.exists(repository.root().resolve("verifications").resolve(b.get(1).value()))).isTrue();
        assertThat(backups.leftovers()).isEmpty();

        AuditEntry entry = repository.journal().entries().stream().filter(e -> e.operation().equals("prune")).reduce((x, y) -> y).orElseThrow();
        assertThat(entry.outcome()).isEqualTo("SUCCESS");
        assertThat(entry.steps()).containsExactly("forgot " + b.get(2) + " (sources=data group=-)", "forgot " + b.get(3) + " (sources=data group=-)");
        assertThat(repository.journal().verify().intact()).isTrue();
        assertThat(backups.prune(KeepPolicy.keep().last(1)).call().forget()).as("idempotent").isEmpty();

        // every kept backup is whole; verifying them makes the newest the newest verified
        assertThat(backups.verifyAll(true, ProgressMonitor.NONE)).allMatch(VerificationRecord::passed).hasSize(3);
        assertThat(backups.unpin(b.get(0))).isTrue();
        assertThat(backups.unpin(b.get(0))).as("no longer pinned").isFalse();
        assertThat(backups.prune(KeepPolicy.keep().last(1)).call().forget()).extracting(PruneResult.Entry::id).containsExactly(b.get(0), b.get(1));
        assertThat(listed()).containsExactly(b.get(4));
    }

    @Test
    void aBackupWhoseLastVerificationFailedIsKeptButCountsForNoRule() throws IOException {
        List<BackupId> b = makeBackups(3);
        Path artifact = repository.pathOf(b.get(2), backups.header(b.get(2)).artifacts().get(0).file());
        byte[] bytes = Files.readAllBytes(artifact);
        bytes[bytes.length / 2] ^= 1;
        Files.write(artifact, bytes);
        assertThat(backups.verify(b.get(2)).passed()).isFalse();

        PruneResult r = backups.prune(KeepPolicy.keep().last(1)).call();
        assertThat(r.keep()).extracting(PruneResult.Entry::id).containsExactly(b.get(1), b.get(2));
        assertThat(r.keep().get(0).reasons()).as("the damaged one does not take the place of the last good one").containsExactly("last #1");
        assertThat(r.keep().get(1).reasons()).contains("newest").anyMatch(x -> x.startsWith("last verification failed"));
        assertThat(listed()).containsExactly(b.get(1), b.get(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"list backups", "read verifications", "list pins"})
    void aListingOrReadErrorAbortsBeforeAnythingIsDeleted(String step) throws IOException {
        List<BackupId> b = makeBackups(4);
        backups.verify(b.get(0));
        backups.pin(b.get(1), "");
        List<String> before = backupDirs();
        hook.seen.clear();
        hook.failAt(step);

        assertThatThrownBy(() -> backups.prune(KeepPolicy.keep().last(1)).call()).isInstanceOf(BackupException.class)
                .hasMessageContaining("nothing was changed");
        hook.failAt(null);
        assertThat(backupDirs()).isEqualTo(before);
        assertThat(listed()).containsExactlyElementsOf(b);
        assertThat(hook.seen).as("no unseal or delete ran").noneMatch(s -> s.startsWith("unseal") || s.startsWith("delete"));
        AuditEntry entry = repository.journal().entries().stream().filter(e -> e.operation().equals("prune")).reduce((x, y) -> y).orElseThrow();
        assertThat(entry.outcome()).isEqualTo("FAILED");
    }

    @Test
    void anUnreadableManifestAbortsThePrune() throws IOException {
        List<BackupId> b = makeBackups(3);
        Files.writeString(repository.root().resolve("backups").resolve(b.get(1).value()).resolve("manifest.json"), "{ truncated");
        assertThatThrownBy(() -> backups.prune(KeepPolicy.keep().last(1)).call()).isInstanceOf(BackupException.class)
                .hasMessageContaining("cannot be read");
        assertThat(backupDirs()).containsExactlyInAnyOrder(b.get(0).value(), b.get(1).value(), b.get(2).value());
        assertThat(Files.exists(repository.root().resolve("backups").resolve(b.get(0).value()).resolve("manifest.json"))).isTrue();
    }

    @Test
    void aLabelMatchingNothingAndAPolicyWithoutRulesAreRefused() throws IOException {
        makeBackups(2);
        assertThatThrownBy(() -> backups.prune(KeepPolicy.keep().label("tirgger=release")).call()).isInstanceOf(BackupException.class)
                .hasMessageContaining("matches no backup in the repository");
        assertThatThrownBy(() -> backups.prune(KeepPolicy.keep()).call()).isInstanceOf(BackupException.class).hasMessageContaining("no rule");
        assertThatThrownBy(() -> BackupSystem.configure().repository(repository).retention(KeepPolicy.keep()).build())
                .isInstanceOf(BackupException.class).hasMessageContaining("no rule");
        assertThat(listed()).hasSize(2);
    }

    @Test
    void unsealedLeftoversAreRemovedAfterTheGracePeriodAndNeverCount() throws IOException {
        List<BackupId> b = makeBackups(2);
        Path old = Files.createDirectories(repository.root().resolve("backups").resolve(BackupId.generate(Instant.now().plusSeconds(60)).value()));
        Files.write(old.resolve("data.tar.zst"), new byte[4096]);
        Files.setLastModifiedTime(old.resolve("data.tar.zst"), FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
        Path fresh = Files.createDirectories(repository.root().resolve("backups").resolve(BackupId.generate(Instant.now().plusSeconds(120)).value()));
        Files.write(fresh.resolve("data.tar.zst"), new byte[10]);

        PruneResult r = backups.prune(KeepPolicy.keep().last(1)).call();
        assertThat(r.keep()).extracting(PruneResult.Entry::id).as("the newer unsealed directories are not the newest backup").containsExactly(b.get(1));
        assertThat(r.garbage()).singleElement().satisfies(l -> {
            assertThat(l.path()).isEqualTo("backups/" + old.getFileName());
            assertThat(l.kind()).isEqualTo(Leftover.Kind.UNSEALED_BACKUP);
            assertThat(l.bytes()).isEqualTo(4096);
        });
        assertThat(Files.exists(old)).isFalse();
        assertThat(Files.exists(fresh)).as("inside the grace period: maybe still being written").isTrue();
        assertThat(backups.prune(KeepPolicy.keep().last(1)).grace(Duration.ZERO).call().garbage()).hasSize(1);
        assertThat(backups.leftovers()).isEmpty();
    }

    @Test
    void oldTemporaryFilesOfKilledWritesAreRemovedWhereverTheyAre() throws IOException {
        List<BackupId> b = makeBackups(2);
        backups.verify(b.get(0));
        backups.pin(b.get(1), "");
        List<Path> temps = List.of(
                repository.root().resolve("backups").resolve(b.get(1).value()).resolve(".tmp-killed-artifact"),
                repository.root().resolve("verifications").resolve(b.get(0).value()).resolve(".tmp-killed-verify"),
                repository.root().resolve("pins").resolve(".tmp-killed-pin"));
        for (Path t : temps) {
            Files.write(t, new byte[7]);
            Files.setLastModifiedTime(t, FileTime.from(Instant.now().minus(Duration.ofDays(3))));
        }
        PruneResult r = backups.prune(KeepPolicy.keep().last(2)).call();
        assertThat(r.garbage()).extracting(Leftover::kind).containsOnly(Leftover.Kind.TEMPORARY_FILE).hasSize(3);
        temps.forEach(t -> assertThat(t).doesNotExist());
        assertThat(listed()).containsExactlyElementsOf(b);
        assertThat(backups.verifyAll(true, ProgressMonitor.NONE)).allMatch(VerificationRecord::passed);
    }

    @Test
    void aPolicyWhoseRulesKeepNoGoodBackupOfAGroupIsRefused() throws IOException {
        Trees.sample(tmp.resolve("src/other"), 23);
        BackupSystem files = BackupSystem.configure().repository(repository).source(FileTreeSource.of("files", tmp.resolve("src/other"))).build();
        BackupId release = files.backup(Map.of("trigger", "release"), ProgressMonitor.NONE).id();
        List<BackupId> b = makeBackups(3);
        // the newest of the data group is damaged: the safety rules alone would keep only it
        Path artifact = repository.pathOf(b.get(2), backups.header(b.get(2)).artifacts().get(0).file());
        Files.write(artifact, new byte[] {1, 2, 3});
        assertThat(backups.verify(b.get(2)).passed()).isFalse();

        assertThatThrownBy(() -> backups.prune(KeepPolicy.keep().label("trigger=release")).call()).isInstanceOf(BackupException.class)
                .hasMessageContaining("keeps no good backup of group 'sources=data group=-'");
        assertThat(listed()).containsExactly(release, b.get(0), b.get(1), b.get(2));
        assertThat(backups.prune(KeepPolicy.keep().label("trigger=release")).groupBy(GroupBy.none()).dryRun(true).call()
                .keep()).isNotEmpty();
    }

    @Test
    void pruneNeedsTheRepositoryAlone() {
        makeBackups(3);
        try (var held = repository.lock(LockMode.SHARED, "a running backup")) {
            assertThatThrownBy(() -> backups.prune(KeepPolicy.keep().last(1)).call()).isInstanceOf(BackupException.class)
                    .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.LOCKED);
            assertThat(backups.prune(KeepPolicy.keep().last(1)).dryRun(true).call().forget())
                    .as("a preview only reads: it runs beside a backup").hasSize(2);
        }
        assertThat(listed()).hasSize(3);
    }

    @Test
    void pinsNeedASealedBackup() {
        assertThatThrownBy(() -> backups.pin(BackupId.generate(Instant.now()), "")).isInstanceOf(BackupException.class)
                .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
        BackupId id = makeBackups(1).get(0);
        backups.pin(id, "quarter end");
        assertThat(backups.pins()).singleElement().satisfies(p -> {
            assertThat(p.backupId()).isEqualTo(id);
            assertThat(p.note()).isEqualTo("quarter end");
            assertThat(p.by()).contains("@");
        });
    }

    @Test
    void groupsAreTheSetOfSourcesAndTheGroupLabel() throws IOException {
        Trees.sample(tmp.resolve("src/other"), 22);
        BackupSystem files = BackupSystem.configure().repository(repository).source(FileTreeSource.of("files", tmp.resolve("src/other"))).build();
        BackupId d1 = backups.backup().id();
        BackupId f1 = files.backup().id();
        BackupId d2 = backups.backup().id();
        BackupId f2 = files.backup().id();
        BackupId n1 = backups.backup(Map.of("group", "nightly"), ProgressMonitor.NONE).id();

        PruneResult r = backups.prune(KeepPolicy.keep().last(1)).dryRun(true).call();
        assertThat(r.forget()).extracting(PruneResult.Entry::id).containsExactlyInAnyOrder(d1, f1);
        assertThat(r.keep()).extracting(PruneResult.Entry::group)
                .containsExactlyInAnyOrder("sources=data group=-", "sources=files group=-", "sources=data group=nightly");
        PruneResult all = backups.prune(KeepPolicy.keep().last(1)).groupBy(GroupBy.none()).dryRun(true).call();
        assertThat(all.keep()).extracting(PruneResult.Entry::id).containsExactly(n1);
        assertThat(all.forget()).extracting(PruneResult.Entry::id).containsExactlyInAnyOrder(d1, f1, d2, f2);
        assertThat(backups.prune(KeepPolicy.keep().last(1)).groupBy(GroupBy.parse("group")).dryRun(true).call().keep())
                .extracting(PruneResult.Entry::id).containsExactlyInAnyOrder(f2, n1);
        assertThatThrownBy(() -> GroupBy.parse("host")).isInstanceOf(BackupException.class).hasMessageContaining("Cannot group by 'host'");
    }

    /** A source whose output the test controls: fails, writes nothing, or writes a few bytes. */
    static final class Scripted implements BackupSource {
        volatile String mode = "ok";

        @Override
        public String name() {
            return "data";
        }

        @Override
        public String type() {
            return "test";
        }

        @Override
        public void backup(SourceContext context) throws IOException {
            try (OutputStream out = context.newArtifact("dump", "sql")) {
                switch (mode) {
                    case "fail" -> throw new IOException("pg_dump: connection lost");
                    case "empty" -> { }
                    default -> out.write("insert into t values (1);\n".getBytes());
                }
            }
        }
    }

    @Test
    void theConfiguredPolicyRunsAfterEachSealedBackupAndNeverAfterAFailedOrEmptyOne() {
        Scripted source = new Scripted();
        BackupSystem withRetention = BackupSystem.configure().repository(repository).source(source)
                .retention(KeepPolicy.keep().last(2)).build();
        BackupResult first = withRetention.backup();
        assertThat(first.retention()).isPresent().get().satisfies(p -> assertThat(p.forget()).isEmpty());
        BackupResult second = withRetention.backup();
        BackupResult third = withRetention.backup();
        assertThat(third.retention().orElseThrow().forget()).extracting(PruneResult.Entry::id).containsExactly(first.id());
        assertThat(listed()).containsExactly(second.id(), third.id());

        for (String mode : List.of("fail", "empty")) {
            source.mode = mode;
            assertThatThrownBy(withRetention::backup).as(mode).isInstanceOf(BackupException.class);
            assertThat(listed()).as("after a %s dump nothing was pruned", mode).containsExactly(second.id(), third.id());
        }
        long prunes = repository.journal().entries().stream().filter(e -> e.operation().equals("prune")).count();
        assertThat(prunes).as("one prune per sealed backup, none for the failed ones").isEqualTo(3);

        source.mode = "ok";
        try (var held = repository.lock(LockMode.SHARED, "another backup")) {
            BackupResult whileLocked = withRetention.backup();
            assertThat(whileLocked.retention()).isEmpty();
            assertThat(whileLocked.warnings()).anyMatch(w -> w.startsWith("The retention policy was not applied"));
        }
        assertThat(listed()).hasSize(3);
    }
}
