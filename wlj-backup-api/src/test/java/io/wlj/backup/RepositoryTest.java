package io.wlj.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.repository.ManifestHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryTest {
    @TempDir
    Path tmp;

    private BackupSystem system(FileSystemRepository repository) throws IOException {
        Path data = Trees.sample(tmp.resolve("src/data"), 71);
        return BackupSystem.configure().repository(repository).source(FileTreeSource.of("data", data)).build();
    }

    @Test
    void directoriesAre0700AndFilesAre0600() throws Exception {
        FileSystemRepository repository = FileSystemRepository.initOrOpen(tmp.resolve("repo"));
        BackupSystem backups = system(repository);
        BackupId id = backups.backup().id();
        backups.verify(id);
        try (Stream<Path> all = Files.walk(repository.root())) {
            for (Path p : all.toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                assertThat(mode).as(p.toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
            }
        }
        assertThat(repository.root().resolve("backups").resolve(id.value()).resolve("RESTORE.txt")).exists();
    }

    @Test
    void aListingErrorAbortsInsteadOfReadingAsNoBackups() throws Exception {
        CrashSafetyTest.FailingStep hook = new CrashSafetyTest.FailingStep();
        FileSystemRepository repository = FileSystemRepository.builder(tmp.resolve("repo")).ioHook(hook).initOrOpen();
        BackupSystem backups = system(repository);
        backups.backup();

        hook.countdown.set(0); // the next durable step is the directory listing
        assertThatThrownBy(backups::list).isInstanceOf(BackupException.class).hasMessageContaining("Could not list")
                .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.IO);
        assertThat(hook.failedAt).isEqualTo("list backups");
        assertThat(backups.list()).hasSize(1);

        Path backupsDir = repository.root().resolve("backups");
        Path moved = Files.move(backupsDir, repository.root().resolve("elsewhere"));
        assertThatThrownBy(backups::list).hasMessageContaining("backups directory is missing");
        assertThatThrownBy(() -> backups.verifyAll(false, ProgressMonitor.NONE)).isInstanceOf(BackupException.class);
        Files.move(moved, backupsDir);

        Path manifest;
        try (Stream<Path> s = Files.list(backupsDir)) {
            manifest = s.findFirst().orElseThrow().resolve("manifest.json");
        }
        Files.writeString(manifest, "{ not json");
        assertThatThrownBy(backups::list).hasMessageContaining(manifest.toString()).hasMessageContaining("listing was aborted");
    }

    @Test
    void aManifestFromTheFutureIsRefusedWithItsVersion() throws Exception {
        FileSystemRepository repository = FileSystemRepository.initOrOpen(tmp.resolve("repo"));
        BackupSystem backups = system(repository);
        BackupId id = backups.backup().id();
        Path manifest = repository.root().resolve("backups").resolve(id.value()).resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"));
        assertThatThrownBy(() -> backups.show(id)).hasMessageContaining("format version 99");
    }

    @Test
    void initRefusesANonEmptyDirectoryAndOpenRefusesAMissingRepository() throws Exception {
        Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(tmp.resolve("busy/file"), "x");
        assertThatThrownBy(() -> FileSystemRepository.init(tmp.resolve("busy"))).hasMessageContaining("is not empty");
        assertThatThrownBy(() -> FileSystemRepository.at(tmp.resolve("none")))
                .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
        FileSystemRepository.init(tmp.resolve("fresh"));
        assertThatThrownBy(() -> FileSystemRepository.init(tmp.resolve("fresh"))).hasMessageContaining("already");
        assertThat(FileSystemRepository.at(tmp.resolve("fresh")).list()).isEmpty();
    }

    @Test
    void listingIsOrderedByCreationTime() throws Exception {
        FileSystemRepository repository = FileSystemRepository.initOrOpen(tmp.resolve("repo"));
        BackupSystem backups = system(repository);
        List<BackupId> ids = List.of(backups.backup().id(), backups.backup().id(), backups.backup().id());
        assertThat(backups.list()).extracting(ManifestHeader::id).containsExactlyElementsOf(ids);
        assertThat(backups.latest()).map(ManifestHeader::id).contains(ids.get(2));
    }
}
