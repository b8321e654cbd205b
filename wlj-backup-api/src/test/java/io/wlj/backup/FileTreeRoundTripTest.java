package io.wlj.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.repository.Manifest;
import io.wlj.backup.spi.CodecStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FileTreeRoundTripTest {
    @TempDir
    Path tmp;

    static List<CodecStage> codecs() {
        return List.of(Compression.zstd(), Compression.zstd(9, 0), Compression.gzip(), Compression.none());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void restorePreservesContentModesTimesEmptyDirsSymlinksAndUnicodeNames(CodecStage codec) throws Exception {
        Path data = Trees.sample(tmp.resolve("src/data"), 1);
        Path media = Trees.sample(tmp.resolve("src/media"), 2);
        BackupSystem backups = BackupSystem.configure()
                .repository(FileSystemRepository.initOrOpen(tmp.resolve("repo")))
                .source(FileTreeSource.of("files", data, media))
                .compression(codec)
                .gates(Stage.AFTER_BACKUP, Gates.checksums(), Gates.minSize(1))
                .build();

        BackupResult result = backups.backup(Map.of("trigger", "test"), ProgressMonitor.NONE);

        assertThat(backups.list()).extracting(h -> h.id()).containsExactly(result.id());
        Manifest manifest = backups.show(result.id());
        assertThat(manifest.header().labels()).containsEntry("trigger", "test");
        assertThat(manifest.detail().sources().get(0).metadata()).containsEntry("roots", List.of("data", "media"));
        assertThat(manifest.detail().artifacts()).singleElement()
                .satisfies(a -> assertThat(a.codecs()).containsExactly(codec.id()));
        assertThat(manifest.detail().gates()).extracting(GateResult::status).containsOnly(GateResult.Status.PASS);
        assertThat(backups.verify(result.id(), true, ProgressMonitor.NONE).passed()).isTrue();

        Path target = tmp.resolve("restored");
        RestorePlan plan = backups.restore(result.id()).toDirectory(target).plan();
        assertThat(plan.describe()).contains("Nothing has been touched yet").contains(result.id().value());
        assertThat(target).doesNotExist();
        RestoreReport report = plan.execute();

        Trees.assertSameTree(data, target.resolve("data"));
        Trees.assertSameTree(media, target.resolve("media"));
        assertThat(report.steps()).isNotEmpty();
        try (var entries = Files.list(target)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("data", "media");
        }
    }

    @Test
    void restoreRefusesNonEmptyTargetUnlessReplacingAndKeepsTheOldContent() throws Exception {
        Path data = Trees.sample(tmp.resolve("src/data"), 3);
        BackupSystem backups = BackupSystem.configure()
                .repository(FileSystemRepository.initOrOpen(tmp.resolve("repo")))
                .source(FileTreeSource.of("data", data))
                .build();
        BackupId id = backups.backup().id();
        Path target = tmp.resolve("restored");
        Files.createDirectories(target.resolve("data"));
        Files.writeString(target.resolve("data/precious.txt"), "do not lose me");

        assertThatThrownBy(() -> backups.restore(id).toDirectory(target).plan())
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("not empty")
                .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.TARGET_NOT_EMPTY);
        assertThat(target.resolve("data/precious.txt")).hasContent("do not lose me");

        backups.restore(id).toDirectory(target).replaceExisting(true).plan().execute();
        Trees.assertSameTree(data, target.resolve("data"));
        try (var entries = Files.list(target)) {
            Path kept = entries.filter(p -> p.getFileName().toString().startsWith("data.before-restore-")).findFirst().orElseThrow();
            assertThat(kept.resolve("precious.txt")).hasContent("do not lose me");
        }
    }

    @Test
    void includeAndExcludeGlobsSelectWhatIsStored() throws Exception {
        Path data = Trees.sample(tmp.resolve("src/data"), 4);
        Files.writeString(data.resolve("scratch.tmp"), "skip me");
        BackupSystem backups = BackupSystem.configure()
                .repository(FileSystemRepository.initOrOpen(tmp.resolve("repo")))
                .source(FileTreeSource.builder("data").root(data).exclude("**/*.tmp", "data/presets/deep").build())
                .build();
        BackupId id = backups.backup().id();
        Path target = tmp.resolve("restored");
        backups.restore(id).toDirectory(target).plan().execute();
        assertThat(target.resolve("data/scratch.tmp")).doesNotExist();
        assertThat(target.resolve("data/presets/deep")).doesNotExist();
        assertThat(target.resolve("data/presets/photo.bin")).exists();
        assertThat(target.resolve("data/journal.json")).exists();
    }
}
