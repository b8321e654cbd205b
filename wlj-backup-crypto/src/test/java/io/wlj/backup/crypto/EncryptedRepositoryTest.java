package io.wlj.backup.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupId;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.IntegrityException;
import io.wlj.backup.ProgressMonitor;
import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.spi.BackupSource;
import io.wlj.backup.spi.SourceContext;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenPGP stage inside the backup engine: fail loud, and nothing decrypted is applied before it is proven. */
class EncryptedRepositoryTest {
    static final int FAST = 0x60; // low S2K count: these tests are about behaviour, not key stretching
    @TempDir
    Path tmp;
    Path data;
    final PassphraseSource passphrase = PassphraseSource.of(() -> "the right passphrase".toCharArray());
    FileSystemRepository repo;

    @BeforeEach
    void setUp() throws Exception {
        data = Files.createDirectories(tmp.resolve("journal"));
        Files.writeString(data.resolve("entry.json"), "{\"text\":\"grateful\"}\n".repeat(5000));
        repo = FileSystemRepository.builder(tmp.resolve("repo")).protectedBy(OpenPgp.passphrase(passphrase, FAST))
                .requireSignaturesBy(OpenPgp.newPassphraseSignerId()).init();
    }

    private BackupSystem system(PassphraseSource p, BackupSource source) {
        return BackupSystem.configure().repository(FileSystemRepository.at(repo.root())).source(source)
                .stage(OpenPgp.passphrase(p, FAST)).signer(OpenPgp.passphraseSigner(p, repo.config().signingKey())).build();
    }

    @Test
    void aFlippedCiphertextByteIsRefusedAndTheTargetIsLeftAsItWas() throws Exception {
        BackupSystem backups = system(passphrase, FileTreeSource.of("journal", data));
        BackupId id = backups.backup().id();
        Path artifact = repo.pathOf(id, "0001.tar.zst.gpg");
        long size = Files.size(artifact);
        for (long offset : new long[] {20, size / 2, size - 3}) {
            flip(artifact, offset);
            assertThat(backups.verify(id, true, ProgressMonitor.NONE).passed()).isFalse();
            Path target = Files.createDirectories(tmp.resolve("target-" + offset));
            Files.writeString(target.resolve("keep.txt"), "untouched");
            assertThatThrownBy(() -> backups.restore(id).toDirectory(target).plan().execute())
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("0001.tar.zst.gpg");
            try (Stream<Path> left = Files.list(target)) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactly("keep.txt");
            }
            flip(artifact, offset);
        }
        backups.restore(id).toDirectory(tmp.resolve("good")).plan().execute();
        assertThat(tmp.resolve("good/journal/entry.json")).hasSameTextualContentAs(data.resolve("entry.json"));
    }

    @Test
    void aMissingPassphraseFailsBeforeTheSourceIsRead() {
        AtomicBoolean read = new AtomicBoolean();
        BackupSource spy = new BackupSource() {
            @Override
            public String name() {
                return "spy";
            }

            @Override
            public String type() {
                return "test";
            }

            @Override
            public void backup(SourceContext context) {
                read.set(true);
            }
        };
        PassphraseSource missing = PassphraseSource.env("WLJ_TEST_VARIABLE_THAT_IS_NOT_SET");
        assertThatThrownBy(() -> system(missing, spy).backup())
                .isInstanceOf(BackupException.class).hasMessageContaining("WLJ_TEST_VARIABLE_THAT_IS_NOT_SET")
                .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.BAD_INPUT);
        assertThat(read).isFalse();
        assertThat(repo.list()).isEmpty();
        assertThat(repo.leftovers()).isEmpty();
    }

    @Test
    void aWrongPassphraseIsOneClearSentenceForBackupRestoreAndDeepVerify() throws Exception {
        BackupId id = system(passphrase, FileTreeSource.of("journal", data)).backup().id();
        BackupSystem wrong = system(PassphraseSource.of(() -> "not it".toCharArray()), FileTreeSource.of("journal", data));
        assertThatThrownBy(wrong::backup).hasMessageContaining("passphrase is not the one");
        assertThatThrownBy(() -> wrong.restore(id).toDirectory(tmp.resolve("x")).plan()).hasMessageContaining("passphrase is not the one");
        assertThatThrownBy(() -> wrong.verify(id, true, ProgressMonitor.NONE)).hasMessageContaining("passphrase is not the one")
                .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.BAD_INPUT);
        assertThat(tmp.resolve("x")).doesNotExist();
        assertThat(repo.list()).hasSize(1);
    }

    private static void flip(Path file, long offset) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x10);
        }
    }
}
