package io.wlj.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.repository.StoredArtifact;
import io.wlj.backup.repository.VerificationRecord;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A flipped or missing byte anywhere in a stored artifact is found by verify and refused by restore. */
class CorruptionTest {
    @TempDir
    Path tmp;
    BackupSystem backups;
    FileSystemRepository repository;
    BackupId id;
    Path data;

    @BeforeEach
    void backUp() throws Exception {
        backUp(Compression.zstd());
    }

    void backUp(io.wlj.backup.spi.CodecStage codec) throws Exception {
        if (repository != null) {
            deleteRecursively(tmp);
            Files.createDirectories(tmp);
        }
        data = Trees.sample(tmp.resolve("src/data"), 21);
        Trees.sample(tmp.resolve("src/media"), 22);
        repository = FileSystemRepository.initOrOpen(tmp.resolve("repo"));
        backups = BackupSystem.configure().repository(repository)
                .source(FileTreeSource.of("data", data))
                .source(FileTreeSource.of("media", tmp.resolve("src/media")))
                .compression(codec)
                .build();
        id = backups.backup().id();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"zstd", "gzip", "none"})
    void flippingOneByteAnywhereInAnyArtifactFailsVerifyNamingItAndRestoreRefuses(String codec) throws Exception {
        backUp(Compression.parse(codec));
        for (StoredArtifact stored : backups.show(id).header().artifacts()) {
            Path file = repository.pathOf(id, stored.file());
            for (long offset : new long[] {0, stored.storedSize() / 2, stored.storedSize() - 1}) {
                flip(file, offset);
                VerificationRecord record = backups.verify(id);
                assertThat(record.passed()).isFalse();
                assertThat(record.problems()).singleElement().asString()
                        .startsWith(stored.file()).contains("corrupted");
                assertRestoreRefused(stored.file());
                flip(file, offset);
                assertThat(backups.verify(id).passed()).isTrue();
            }
        }
    }

    @Test
    void truncatingAnArtifactFailsVerifyAndRestoreRefuses() throws Exception {
        StoredArtifact stored = backups.show(id).header().artifacts().get(1);
        Path file = repository.pathOf(id, stored.file());
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(stored.storedSize() - 100);
        }
        VerificationRecord record = backups.verify(id, true, ProgressMonitor.NONE);
        assertThat(record.passed()).isFalse();
        assertThat(record.problems()).singleElement().asString().startsWith(stored.file());
        assertRestoreRefused(stored.file());
        assertThat(repository.verifications(id)).extracting(VerificationRecord::passed).containsExactly(false);
    }

    @Test
    void aMissingArtifactIsNamed() throws Exception {
        StoredArtifact stored = backups.show(id).header().artifacts().get(0);
        Files.delete(repository.pathOf(id, stored.file()));
        assertThat(backups.verify(id).problems()).singleElement().asString().isEqualTo(stored.file() + ": missing from the repository");
    }

    private void assertRestoreRefused(String file) throws Exception {
        Path target = tmp.resolve("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("untouched.txt"), "still here");
        List<String> before = listing(target);
        assertThatThrownBy(() -> backups.restore(id).toDirectory(target).plan().execute())
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining(file)
                .satisfies(e -> assertThat(((IntegrityException) e).artifact()).isEqualTo(file));
        assertThat(listing(target)).as("a refused restore leaves the target as it was").isEqualTo(before);
    }

    private static List<String> listing(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return new ArrayList<>(s.map(dir::relativize).map(Path::toString).sorted().toList());
        }
    }

    private static void deleteRecursively(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                p.toFile().setWritable(true);
                Files.deleteIfExists(p);
            }
        }
    }

    private static void flip(Path file, long offset) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x01);
        }
    }
}
