package io.wlj.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.internal.FileTrees;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.repository.ManifestHeader;
import io.wlj.backup.repository.VerificationRecord;
import io.wlj.backup.retention.KeepPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN §4 and §7 for prune: wherever it stops (an I/O error, or SIGKILL at any durable step),
 * every backup that still lists restores, the backups the policy keeps are all there, and the
 * next prune finishes the job.
 */
class PruneCrashTest {
    @TempDir
    Path tmp;
    Path template;
    List<BackupId> ids;
    Set<BackupId> keep;

    /** Five backups: #0 pinned, #1 and #3 verified (so #3 is the newest verified), #4 the newest; an old unsealed leftover. */
    @BeforeEach
    void template() throws IOException {
        Trees.sample(tmp.resolve("src"), 31);
        template = tmp.resolve("template");
        BackupSystem backups = BackupSystem.configure().repository(FileSystemRepository.initOrOpen(template))
                .source(FileTreeSource.of("data", tmp.resolve("src"))).build();
        ids = Stream.generate(() -> backups.backup().id()).limit(5).toList();
        backups.verify(ids.get(1));
        backups.verify(ids.get(3));
        backups.pin(ids.get(0), "keep");
        Path leftover = Files.createDirectories(template.resolve("backups").resolve(BackupId.generate(Instant.now().minus(Duration.ofDays(3))).value()));
        Files.write(leftover.resolve("data.tar.zst"), new byte[100]);
        Files.setLastModifiedTime(leftover.resolve("data.tar.zst"), FileTime.from(Instant.now().minus(Duration.ofDays(3))));
        Files.setLastModifiedTime(leftover, FileTime.from(Instant.now().minus(Duration.ofDays(3))));
        keep = Set.of(ids.get(0), ids.get(3), ids.get(4));
    }

    private Path copy(String name) throws IOException {
        return copyTree(template, tmp.resolve(name));
    }

    /** Copies a repository with its files' and directories' times, which the grace period reads. */
    static Path copyTree(Path from, Path to) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                    dirs.add(p);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        for (Path d : dirs) {
            Files.setLastModifiedTime(to.resolve(from.relativize(d).toString()), Files.getLastModifiedTime(d));
        }
        return to;
    }

    /** Every step an uninterrupted prune of the template takes, by name. */
    private List<String> steps() throws IOException {
        CrashSafetyTest.FailingStep recorder = new CrashSafetyTest.FailingStep();
        FileSystemRepository repo = FileSystemRepository.builder(copy("count")).ioHook(recorder).open();
        BackupSystem system = BackupSystem.configure().repository(repo).build();
        recorder.seen.clear();
        assertThat(system.prune(KeepPolicy.keep().last(1)).call().forget()).extracting(e -> e.id()).containsExactly(ids.get(1), ids.get(2));
        List<String> steps = List.copyOf(recorder.seen);
        assertThat(steps).contains("unseal " + ids.get(1), "unseal " + ids.get(2), "remove verifications " + ids.get(1))
                .anyMatch(s -> s.startsWith("remove leftover backups/"));
        return steps;
    }

    /** A step's name without the random part of temporary file names. */
    static String kind(String step) {
        return step.replaceAll("\\.tmp-[0-9a-f-]+", ".tmp");
    }

    /** What must hold however the prune stopped, and after the next prune. */
    private void assertConsistentThenFinished(Path repo, String when) throws IOException {
        // Probe a copy, so that verifying (which records results) does not change what the next prune decides.
        Path probe = tmp.resolve("probe");
        if (Files.exists(probe)) {
            FileTrees.delete(probe);
        }
        copyTree(repo, probe);
        BackupSystem probing = BackupSystem.configure().repository(FileSystemRepository.at(probe)).build();
        List<BackupId> listed = probing.list().stream().map(ManifestHeader::id).toList();
        assertThat(listed).as("%s: what the policy keeps is all there", when).containsAll(keep);
        assertThat(ids).as("%s: nothing new appears", when).containsAll(listed);
        assertThat(probing.verifyAll(true, ProgressMonitor.NONE)).as("%s: every listed backup is whole", when)
                .allMatch(VerificationRecord::passed);

        BackupSystem next = BackupSystem.configure().repository(FileSystemRepository.at(repo)).build();
        next.prune(KeepPolicy.keep().last(1)).call();
        assertThat(next.list()).extracting(ManifestHeader::id).as("%s: the next prune finishes the job", when)
                .containsExactlyInAnyOrderElementsOf(keep);
        assertThat(next.leftovers()).as("%s: no leftover survives the next prune", when).isEmpty();
        try (Stream<Path> s = Files.list(repo.resolve("verifications"))) {
            assertThat(s.map(p -> p.getFileName().toString())).as("%s: records of forgotten backups are gone", when)
                    .containsExactly(ids.get(3).value());
        }
        assertThat(next.verifyAll(true, ProgressMonitor.NONE)).allMatch(VerificationRecord::passed).hasSize(3);
    }

    @Test
    void anIoErrorAtEveryStepLeavesEveryListedBackupWholeAndTheNextPruneFinishes() throws IOException {
        List<String> steps = steps();
        for (int i = 0; i < steps.size(); i++) {
            Path repo = copy("fail-" + i);
            CrashSafetyTest.FailingStep hook = new CrashSafetyTest.FailingStep();
            BackupSystem system = BackupSystem.configure().repository(FileSystemRepository.builder(repo).ioHook(hook).open()).build();
            hook.countdown.set(i);
            assertThatThrownBy(() -> system.prune(KeepPolicy.keep().last(1)).call()).as("failure at %s", steps.get(i))
                    .isInstanceOf(BackupException.class);
            assertThat(kind(hook.failedAt)).isEqualTo(kind(steps.get(i)));
            assertConsistentThenFinished(repo, "after an error at step " + i + " (" + steps.get(i) + ")");
        }
    }

    @Test
    void aKillAtEveryStepLeavesEveryListedBackupWholeAndTheNextPruneFinishes() throws Exception {
        List<String> steps = steps();
        List<String> killedAt = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Path repo = copy("kill-" + i);
            try (ChildJvm child = ChildJvm.start(PruneCrashChild.class, repo.toString(), String.valueOf(i))) {
                killedAt.add(child.awaitLine("AT ").substring(3));
                child.kill();
            }
            assertConsistentThenFinished(repo, "after SIGKILL at step " + i + " (" + steps.get(i) + ")");
        }
        assertThat(killedAt.stream().map(PruneCrashTest::kind)).as("the child stopped at every step the prune takes")
                .containsExactlyElementsOf(steps.stream().map(PruneCrashTest::kind).toList());
    }
}
