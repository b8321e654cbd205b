package io.wlj.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.repository.Manifest;
import io.wlj.backup.repository.ManifestHeader;
import io.wlj.backup.repository.VerificationRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's rules for encrypted and signed repositories, with a test cipher and a test signer. */
class ProtectedRepositoryTest {
    @TempDir
    Path tmp;
    Path data;
    final TestCipher cipher = new TestCipher(new byte[32]);
    final HmacSigner signer = new HmacSigner("test-key", "s3cret-mac-key".getBytes(StandardCharsets.UTF_8));

    @BeforeEach
    void data() throws Exception {
        data = Trees.sample(tmp.resolve("src/journal-data"), 81);
    }

    private FileSystemRepository encryptedRepo() {
        return FileSystemRepository.builder(tmp.resolve("repo"))
                .protectedBy(cipher)
                .requireSignaturesBy("test-key").init();
    }

    private BackupSystem.Builder full(FileSystemRepository repo) {
        return BackupSystem.configure().repository(repo).source(FileTreeSource.of("journal", data)).stage(cipher).signer(signer);
    }

    @Test
    void anEncryptedRepositoryRefusesPlaintextAndUnsignedBackupsBeforeReadingData() {
        FileSystemRepository repo = encryptedRepo();
        assertThat(repo.config().encryption()).isEqualTo("passphrase");
        assertThatThrownBy(() -> BackupSystem.configure().repository(repo).source(FileTreeSource.of("journal", data)).build().backup())
                .hasMessageContaining("refuses a plaintext backup")
                .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.BAD_INPUT);
        assertThatThrownBy(() -> BackupSystem.configure().repository(repo).source(FileTreeSource.of("journal", data)).stage(cipher)
                .build().backup()).hasMessageContaining("requires manifests signed by test-key");
        assertThat(repo.list()).isEmpty();
        assertThat(repo.leftovers()).isEmpty();

        FileSystemRepository plain = FileSystemRepository.init(tmp.resolve("plain"));
        assertThatThrownBy(() -> full(plain).build().backup()).hasMessageContaining("initialised without encryption");
    }

    @Test
    void aWrongKeyIsRefusedBeforeAnyDataIsRead() {
        FileSystemRepository repo = encryptedRepo();
        assertThat(repo.config().keyCheck()).isNotBlank();
        byte[] other = new byte[32];
        other[0] = 1;
        TestCipher wrong = new TestCipher(other);
        assertThatThrownBy(() -> BackupSystem.configure().repository(repo).source(FileTreeSource.of("journal", data))
                .stage(wrong).signer(signer).build().backup())
                .hasMessageContaining("passphrase is not the one")
                .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.BAD_INPUT);
        assertThat(wrong.prepared).as("prepared once, and nothing read").hasValue(1);
        assertThat(repo.list()).isEmpty();
        assertThat(full(repo).build().backup().id()).isNotNull();
    }

    @Test
    void namesAndDetailRevealNothingAndTheKeyIsPreparedOncePerBackup() throws Exception {
        FileSystemRepository repo = encryptedRepo();
        BackupSystem backups = full(repo).build();
        int before = cipher.prepared.get();
        BackupResult result = backups.backup();
        assertThat(cipher.prepared).hasValue(before + 1);
        backups.backup();
        assertThat(cipher.prepared).hasValue(before + 2);

        Path dir = repo.root().resolve("backups").resolve(result.id().value());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("0001.tar.zst.enc", "manifest-detail.json.zst.enc", "RESTORE.txt",
                            "manifest.json", "manifest.json.sig");
        }
        // Nothing private in any plaintext file of the repository.
        try (Stream<Path> all = Files.walk(repo.root())) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
                assertThat(text).as(p.toString()).doesNotContain("journal-data").doesNotContain("journal.json")
                        .doesNotContain("coach.yaml").doesNotContain("\"journal\"");
            }
        }

        ManifestHeader header = backups.list().get(0);
        assertThat(header.detailEncrypted()).isTrue();
        assertThat(header.artifacts()).extracting(a -> a.file()).contains("manifest-detail.json.zst.enc");
        BackupSystem keyless = BackupSystem.configure().repository(FileSystemRepository.at(repo.root())).build();
        assertThat(keyless.header(result.id())).as("keyless readers get the header").isEqualTo(header);
        assertThatThrownBy(() -> keyless.show(result.id())).hasMessageContaining("needs a key")
                .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.BAD_INPUT);

        Manifest full = backups.show(result.id());
        assertThat(full.detail().sources()).extracting(s -> s.name()).containsExactly("journal");
        assertThat(full.detail()).isEqualTo(result.manifest().detail());
    }

    @Test
    void verifyNeedsNoKeyForChecksumsAndTheKeyForDeepChecksAndRestores() throws Exception {
        FileSystemRepository repo = encryptedRepo();
        BackupId id = full(repo).build().backup().id();
        BackupSystem keyless = BackupSystem.configure().repository(FileSystemRepository.at(repo.root())).build();
        VerificationRecord stored = keyless.verify(id);
        assertThat(stored.passed()).isTrue();
        assertThat(stored.artifacts()).isEqualTo(2);
        assertThatThrownBy(() -> keyless.verify(id, true, ProgressMonitor.NONE)).hasMessageContaining("needs a key");
        assertThatThrownBy(() -> keyless.restore(id).toDirectory(tmp.resolve("out")).plan()).hasMessageContaining("needs a key");

        BackupSystem keyed = full(FileSystemRepository.at(repo.root())).build();
        assertThat(keyed.verify(id, true, ProgressMonitor.NONE).passed()).isTrue();
        keyed.restore(id).toDirectory(tmp.resolve("out")).plan().execute();
        Trees.assertSameTree(data, tmp.resolve("out/journal-data"));
    }

    @Test
    void aTamperedOrUnsignedManifestIsReportedAndRefused() throws Exception {
        FileSystemRepository repo = encryptedRepo();
        BackupSystem backups = full(repo).build();
        BackupId id = backups.backup().id();
        Path manifest = repo.root().resolve("backups").resolve(id.value()).resolve("manifest.json");
        String original = Files.readString(manifest);

        Files.writeString(manifest, original.replace("\"kind\" : \"full\"", "\"kind\" : \"fake\""));
        VerificationRecord tampered = backups.verify(id);
        assertThat(tampered.passed()).isFalse();
        assertThat(tampered.problems()).anyMatch(p -> p.contains("signature does not match"));
        assertThatThrownBy(() -> backups.restore(id).toDirectory(tmp.resolve("out")).plan())
                .isInstanceOf(IntegrityException.class).hasMessageContaining("signature does not match");

        Files.writeString(manifest, original);
        assertThat(backups.verify(id).passed()).isTrue();
        Files.delete(manifest.resolveSibling("manifest.json.sig"));
        VerificationRecord unsigned = BackupSystem.configure().repository(repo).build().verify(id);
        assertThat(unsigned.passed()).as("missing signatures are found without any key").isFalse();
        assertThat(unsigned.problems()).anyMatch(p -> p.contains("not signed"));

        BackupSystem otherKey = BackupSystem.configure().repository(repo).signer(new HmacSigner("test-key", new byte[] {1})).build();
        Files.writeString(manifest.resolveSibling("manifest.json.sig"), "x");
        assertThat(otherKey.verify(id).problems()).anyMatch(p -> p.contains("signature does not match"));
    }
}
