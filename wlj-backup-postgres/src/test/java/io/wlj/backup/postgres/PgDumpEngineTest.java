package io.wlj.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.wlj.backup.BackupResult;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.crypto.OpenPgp;
import io.wlj.backup.crypto.PassphraseSource;
import io.wlj.backup.repository.ArtifactDetail;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.testkit.CatalogSnapshot;
import io.wlj.backup.testkit.DataSnapshot;
import io.wlj.backup.testkit.Fixtures;
import io.wlj.backup.testkit.PgTools;
import io.wlj.backup.testkit.PostgresServer;
import io.wlj.backup.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pg_dump engine stores pg_dump's own archive; after gpg and zstd, pg_restore restores it. */
class PgDumpEngineTest {
    @TempDir
    Path tmp;

    @Test
    void theArchiveOfAnEncryptedBackupRestoresWithGpgZstdAndPgRestore() throws Exception {
        PgTools.require("pg_dump");
        Path pgRestore = PgTools.require("pg_restore");
        Path gpg = PgTools.require("gpg");
        PgTools.require("zstd");
        int major = PgTools.majorVersion("pg_dump").orElseThrow();
        PostgresServer server = PostgresServer.version(Math.min(major, 17));
        TestDatabase source = server.createDatabase(server.uniqueDatabaseName("pgd_src"));
        Fixtures.loadEverything(source);

        Path passFile = tmp.resolve("passphrase");
        Files.writeString(passFile, "pg_dump engine passphrase");
        Files.setPosixFilePermissions(passFile, PosixFilePermissions.fromString("rw-------"));
        PassphraseSource passphrase = PassphraseSource.file(passFile);
        FileSystemRepository repo = FileSystemRepository.builder(tmp.resolve("repo")).protectedBy(OpenPgp.passphrase(passphrase, 96))
                .requireSignaturesBy(OpenPgp.newPassphraseSignerId()).init();
        BackupSystem system = BackupSystem.configure().repository(repo).stage(OpenPgp.passphrase(passphrase, 96))
                .signer(OpenPgp.passphraseSigner(passphrase, repo.config().signingKey()))
                .source(PostgresSource.builder(JdbcEngineRoundTripTest.db(source)).engine(Engine.PG_DUMP).build()).build();
        BackupResult result = system.backup();
        ArtifactDetail archive = system.show(result.id()).detail().artifacts().stream().filter(a -> a.format().equals("pgdump"))
                .findFirst().orElseThrow();
        assertThat(archive.file()).endsWith(".gpg");
        assertThat(system.verify(result.id(), true, io.wlj.backup.ProgressMonitor.NONE).passed()).isTrue();

        Path decrypted = tmp.resolve("archive.zst");
        run(List.of(gpg.toString(), "--batch", "--quiet", "--homedir", Files.createDirectories(tmp.resolve("gnupg")).toString(),
                "--pinentry-mode", "loopback", "--passphrase-file", passFile.toString(), "--output", decrypted.toString(), "--decrypt",
                repo.pathOf(result.id(), archive.file()).toString()), null);
        Path dump = tmp.resolve("archive.dump");
        run(List.of("zstd", "-d", "-q", "-o", dump.toString(), decrypted.toString()), null);
        TestDatabase copy = server.createDatabase(server.uniqueDatabaseName("pgd_copy"));
        run(List.of(pgRestore.toString(), "--exit-on-error", "--no-password", "-h", copy.host(), "-p", String.valueOf(copy.port()),
                "-U", copy.user(), "-d", copy.name(), dump.toString()), copy.password());
        assertThat(CatalogSnapshot.of(copy).diff(CatalogSnapshot.of(source))).isEmpty();
        assertThat(DataSnapshot.of(copy).diff(DataSnapshot.of(source))).isEmpty();
    }

    private static void run(List<String> command, String password) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (password != null) {
            pb.environment().put("PGPASSWORD", password);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + "\n" + out).isZero();
    }
}
