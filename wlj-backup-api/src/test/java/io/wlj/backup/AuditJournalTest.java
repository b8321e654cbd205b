package io.wlj.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.wlj.backup.audit.AuditEntry;
import io.wlj.backup.audit.AuditJournal;
import io.wlj.backup.audit.JournalCheck;
import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.repository.FileSystemRepository;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditJournalTest {
    @TempDir
    Path tmp;

    private static AuditEntry entry(String op, int n) {
        return new AuditEntry(op, Instant.now(), Instant.now(), "SUCCESS", List.of("step " + n), List.of(),
                Map.of("n", String.valueOf(n)), "host", "user");
    }

    @Test
    void operationsAreJournalledWithHostUserStepsAndOutcome() throws Exception {
        Path data = Trees.sample(tmp.resolve("data"), 41);
        FileSystemRepository repository = FileSystemRepository.initOrOpen(tmp.resolve("repo"));
        BackupSystem backups = BackupSystem.configure().repository(repository).source(FileTreeSource.of("data", data)).build();
        BackupId id = backups.backup().id();
        backups.verify(id);
        backups.restore(id).toDirectory(tmp.resolve("out")).plan().execute();
        try {
            backups.restore(id).toDirectory(tmp.resolve("out")).plan().execute();
        } catch (BackupException expected) {
            // the target is now non-empty: refused at planning, so nothing is journalled for it
        }
        List<AuditEntry> entries = repository.journal().entries();
        assertThat(entries).extracting(AuditEntry::operation).containsExactly("backup", "verify", "restore");
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.outcome()).isEqualTo("SUCCESS");
            assertThat(e.host()).isNotBlank();
            assertThat(e.user()).isNotBlank();
            assertThat(e.details()).containsEntry("backupId", id.value());
            assertThat(e.end()).isAfterOrEqualTo(e.start());
        });
        assertThat(entries.get(0).steps()).anyMatch(s -> s.contains("sealed"));
        assertThat(repository.journal().verify().intact()).isTrue();
    }

    @Test
    void editingRemovingOrReorderingALineIsReportedAtThatLine() throws Exception {
        AuditJournal journal = AuditJournal.at(tmp.resolve("journal.jsonl"));
        for (int i = 1; i <= 5; i++) {
            journal.append(entry("backup", i));
        }
        assertThat(journal.verify()).isEqualTo(new JournalCheck(5, java.util.OptionalLong.empty(), ""));
        List<String> lines = Files.readAllLines(journal.file(), StandardCharsets.UTF_8);

        List<String> edited = new ArrayList<>(lines);
        edited.set(2, edited.get(2).replace("\"SUCCESS\"", "\"FAILED\""));
        Files.write(journal.file(), edited, StandardCharsets.UTF_8);
        assertThat(journal.verify().firstBrokenLine()).hasValue(4); // line 3 changed, so line 4 no longer follows it

        List<String> removed = new ArrayList<>(lines);
        removed.remove(1);
        Files.write(journal.file(), removed, StandardCharsets.UTF_8);
        assertThat(journal.verify().firstBrokenLine()).hasValue(2);

        List<String> swapped = new ArrayList<>(lines);
        swapped.set(3, lines.get(4));
        swapped.set(4, lines.get(3));
        Files.write(journal.file(), swapped, StandardCharsets.UTF_8);
        assertThat(journal.verify().firstBrokenLine()).hasValue(4);

        List<String> garbage = new ArrayList<>(lines);
        garbage.set(0, "not json");
        Files.write(journal.file(), garbage, StandardCharsets.UTF_8);
        assertThat(journal.verify().firstBrokenLine()).hasValue(1);

        Files.write(journal.file(), lines, StandardCharsets.UTF_8);
        journal.append(entry("verify", 6));
        assertThat(journal.verify().intact()).isTrue();
        assertThat(journal.verify().lines()).isEqualTo(6);
    }

    @Test
    void concurrentAppendsKeepTheChainIntact() throws Exception {
        AuditJournal journal = AuditJournal.at(tmp.resolve("journal.jsonl"));
        AuditJournal sameFile = AuditJournal.at(tmp.resolve("journal.jsonl"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                futures.add(pool.submit(() -> (n % 2 == 0 ? journal : sameFile).append(entry("backup", n))));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        JournalCheck check = journal.verify();
        assertThat(check.intact()).isTrue();
        assertThat(check.lines()).isEqualTo(200);
    }
}
