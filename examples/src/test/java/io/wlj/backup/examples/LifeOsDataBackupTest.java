package io.wlj.backup.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.BackupResult;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.repository.FileSystemRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LifeOsDataBackupTest {
    @TempDir
    Path tmp;

    @Test
    void backsUpTheLifeOsTreesSkippingTemporaryFilesAndRestoresThem() throws Exception {
        Path app = tmp.resolve("app");
        Files.createDirectories(app.resolve("data/journal"));
        Files.writeString(app.resolve("data/journal/2025-12-25.json"), "{\"mood\":5}");
        Files.writeString(app.resolve("data/journal/draft.tmp"), "scratch");
        Files.createDirectories(app.resolve("presets"));
        Files.writeString(app.resolve("presets/coach.json"), "{\"style\":\"gentle\"}");

        BackupResult result = LifeOsDataBackup.run(app, tmp.resolve("repo"));

        assertThat(result.manifest().detail().sources().get(0).metadata().get("roots")).isEqualTo(List.of("data", "presets"));
        BackupSystem backups = BackupSystem.configure().repository(FileSystemRepository.at(tmp.resolve("repo"))).build();
        backups.restore(result.id()).toDirectory(tmp.resolve("restored")).plan().execute();
        assertThat(tmp.resolve("restored/data/journal/2025-12-25.json")).hasContent("{\"mood\":5}");
        assertThat(tmp.resolve("restored/data/journal/draft.tmp")).doesNotExist();
        assertThat(tmp.resolve("restored/presets/coach.json")).exists();
    }

    @Test
    void keepsTheLastThirtyBackups() throws Exception {
        Path app = tmp.resolve("app");
        Files.createDirectories(app.resolve("configs"));
        Files.writeString(app.resolve("configs/app.json"), "{\"theme\":\"dark\"}");
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < LifeOsDataBackup.KEEP + 2; i++) {
            ids.add(LifeOsDataBackup.run(app, tmp.resolve("repo")).id().value());
        }
        BackupSystem backups = BackupSystem.configure().repository(FileSystemRepository.at(tmp.resolve("repo"))).build();
        assertThat(backups.list()).extracting(h -> h.id().value()).containsExactlyElementsOf(ids.subList(2, ids.size()));
    }

    @Test
    void refusesAnAppWithNothingToBackUp() {
        assertThatThrownBy(() -> LifeOsDataBackup.run(tmp, tmp.resolve("repo"))).hasMessageContaining("none of data/");
    }
}
