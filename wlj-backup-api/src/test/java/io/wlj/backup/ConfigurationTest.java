package io.wlj.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.repository.FileSystemRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Contradictory or missing settings fail at build with a sentence a user can act on. */
class ConfigurationTest {
    @TempDir
    Path tmp;

    @Test
    void buildRejectsMissingAndContradictorySettings() {
        FileSystemRepository repo = FileSystemRepository.initOrOpen(tmp.resolve("repo"));
        assertThatThrownBy(() -> BackupSystem.configure().build()).hasMessageContaining("No repository is configured");
        assertThatThrownBy(() -> BackupSystem.configure().repository(repo).repository(repo)).hasMessageContaining("already set");
        assertThatThrownBy(() -> BackupSystem.configure().repository(repo)
                .source(FileTreeSource.of("a", tmp)).source(FileTreeSource.of("a", tmp.resolve("x"))).build())
                .hasMessageContaining("Two sources are named 'a'");
        assertThatThrownBy(() -> BackupSystem.configure().compression(Compression.gzip()).compression(Compression.zstd()))
                .hasMessageContaining("already set");
        assertThatThrownBy(() -> BackupSystem.configure().repository(repo).stage(Compression.gzip()).build())
                .hasMessageContaining("compression(");
        assertThatThrownBy(() -> BackupSystem.configure().parallelism(0)).hasMessageContaining("between 1 and 64");
        assertThatThrownBy(() -> Compression.zstd(0)).hasMessageContaining("between 1 and 19");
        assertThatThrownBy(() -> Compression.parse("lz4")).hasMessageContaining("Unknown compression 'lz4'");
        assertThatThrownBy(() -> FileTreeSource.of("bad name", tmp)).hasMessageContaining("Source name");
        assertThatThrownBy(() -> FileTreeSource.of("x", tmp.resolve("a/data"), tmp.resolve("b/data")))
                .hasMessageContaining("two directories named 'data'");
        assertThatThrownBy(() -> FileTreeSource.builder("x").root(tmp).exclude("[").build()).hasMessageContaining("not a valid glob");
        assertThatThrownBy(() -> BackupId.parse("latest")).hasMessageContaining("not a backup id");
        assertThat(BackupSystem.configure().repository(repo).build().toString()).contains("zstd");
    }

    @Test
    void operationsFailWithClearCodes() throws Exception {
        FileSystemRepository repo = FileSystemRepository.initOrOpen(tmp.resolve("repo"));
        BackupSystem none = BackupSystem.configure().repository(repo).build();
        assertThatThrownBy(none::backup).hasMessageContaining("No source is configured");
        assertThatThrownBy(none::requireLatest).hasMessageContaining("holds no sealed backup")
                .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThatThrownBy(() -> none.show(BackupId.parse("20260101T000000Z-abcdef")))
                .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThatThrownBy(() -> FileSystemRepository.at(tmp.resolve("nothing-here")))
                .hasMessageContaining("wlj-backup init --repo");
    }

    @Test
    void aMissingSourceDirectoryFailsAndSealsNothing() {
        FileSystemRepository repo = FileSystemRepository.initOrOpen(tmp.resolve("repo"));
        BackupSystem backups = BackupSystem.configure().repository(repo)
                .source(FileTreeSource.of("gone", tmp.resolve("does-not-exist"))).build();
        assertThatThrownBy(backups::backup).hasMessageContaining("does not exist")
                .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.SOURCE_FAILED);
        assertThat(backups.list()).isEmpty();
        assertThat(backups.leftovers()).isEmpty();
        assertThat(repo.journal().entries()).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo("FAILED"));
    }

    @Test
    void aFailingGateMeansTheBackupIsNotSealed() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("tiny"));
        Files.writeString(data.resolve("a"), "x");
        FileSystemRepository repo = FileSystemRepository.initOrOpen(tmp.resolve("repo"));
        BackupSystem backups = BackupSystem.configure().repository(repo).source(FileTreeSource.of("tiny", data))
                .gates(Stage.AFTER_BACKUP, Gates.minSize(10_000_000)).build();
        assertThatThrownBy(() -> backups.backup(Map.of(), ProgressMonitor.NONE))
                .isInstanceOf(GateFailedException.class).hasMessageContaining("min-size");
        assertThat(backups.list()).isEmpty();
        assertThat(backups.leftovers()).isEmpty();
    }

    @Test
    void cancellationStopsTheBackupAndSealsNothing() throws Exception {
        Path data = Trees.sample(tmp.resolve("data"), 51);
        FileSystemRepository repo = FileSystemRepository.initOrOpen(tmp.resolve("repo"));
        BackupSystem backups = BackupSystem.configure().repository(repo).source(FileTreeSource.of("data", data)).build();
        ProgressMonitor cancelAfterFirstBytes = new ProgressMonitor() {
            volatile long seen;

            @Override
            public void update(long bytes) {
                seen += bytes;
            }

            @Override
            public boolean isCancelled() {
                return seen > 0;
            }
        };
        assertThatThrownBy(() -> backups.backup(Map.of(), cancelAfterFirstBytes))
                .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.CANCELLED);
        assertThat(backups.list()).isEmpty();
        assertThat(backups.leftovers()).isEmpty();
    }
}
