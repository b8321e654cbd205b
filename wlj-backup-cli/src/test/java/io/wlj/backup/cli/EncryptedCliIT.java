package io.wlj.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wlj.backup.internal.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encrypted repositories through the packaged jar, with gpg as the oracle and a hunt for leaked secrets. */
class EncryptedCliIT {
    static final String PASSPHRASE = "Tr0ub4dor&3 correct horse battery staple";
    @TempDir
    Path tmp;
    final StringBuilder allOutput = new StringBuilder();

    record Result(int exit, String out, String err) {
    }

    Result run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dwlj.log.level=debug", "-jar", Path.of(System.getProperty("wlj.cli.jar", "target/wlj-backup.jar")).toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove(KeyOptions.DEFAULT_VARIABLE);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        int exit = p.waitFor();
        Result r = new Result(exit, Files.readString(out), Files.readString(err));
        allOutput.append(r.out).append(r.err);
        return r;
    }

    Path data() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("journal"));
        Files.writeString(data.resolve("2025-12-25.json"), "{\"entry\":\"Grateful for family\"}\n".repeat(200));
        return data;
    }

    @Test
    void passphraseRepositoryWorksEndToEndAndGpgReadsIt() throws Exception {
        Path data = data();
        String repo = tmp.resolve("repo").toString();
        Map<String, String> env = Map.of("APP_BACKUP_PASS", PASSPHRASE);
        Map<String, String> defaultEnv = Map.of(KeyOptions.DEFAULT_VARIABLE, PASSPHRASE);

        assertThat(run(env, "init", "--repo", repo, "--passphrase-env", "APP_BACKUP_PASS").exit()).isZero();
        Result refused = run(Map.of(), "backup", "--repo", repo, "--files", data.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).contains("encrypted with a passphrase");

        Result backup = run(defaultEnv, "backup", "--repo", repo, "--files", data.toString(), "--json");
        assertThat(backup.exit()).as(backup.err()).isZero();
        String id = Json.MAPPER.readTree(backup.out()).get("id").asText();

        // Keyless: list, show (header only) and stored-checksum verify work on a monitoring host.
        assertThat(run(Map.of(), "list", "--repo", repo).out()).contains(id);
        assertThat(run(Map.of(), "show", "--repo", repo, id).out()).contains("contents   encrypted").doesNotContain("2025-12-25");
        assertThat(run(Map.of(), "verify", "--repo", repo, "--all").exit()).isZero();

        Result wrong = run(Map.of("APP_BACKUP_PASS", "not the passphrase"), "restore", "--repo", repo, id, "--to",
                tmp.resolve("wrong").toString(), "--passphrase-env", "APP_BACKUP_PASS");
        assertThat(wrong.exit()).isEqualTo(2);
        assertThat(wrong.err().strip()).startsWith("error: The passphrase is not the one").doesNotContain("Exception");
        assertThat(tmp.resolve("wrong")).doesNotExist();

        Path passFile = tmp.resolve("pass.txt");
        Files.writeString(passFile, PASSPHRASE + "\n");
        Files.setPosixFilePermissions(passFile, PosixFilePermissions.fromString("rw-------"));
        assertThat(run(Map.of(), "verify", "--repo", repo, id, "--deep", "--passphrase-file", passFile.toString()).exit()).isZero();
        Result restore = run(defaultEnv, "restore", "--repo", repo, "--latest", "--to", tmp.resolve("out").toString());
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(tmp.resolve("out/journal/2025-12-25.json")).hasSameTextualContentAs(data.resolve("2025-12-25.json"));

        // Every stored artifact is a standard OpenPGP message that gpg decrypts.
        Path backupDir = tmp.resolve("repo/backups").resolve(id);
        try (Stream<Path> files = Files.list(backupDir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertThat(names.stream().filter(n -> !n.startsWith("manifest.json") && !n.equals("RESTORE.txt"))).allMatch(n -> n.endsWith(".gpg"));
        }
        CliJarIT.requireTool("gpg");
        CliJarIT.requireTool("zstd");
        Path home = Files.createDirectories(tmp.resolve("gnupg"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        Result gpg = shell("gpg --batch --quiet --homedir " + home + " --pinentry-mode loopback --passphrase-file " + passFile
                + " --decrypt " + backupDir.resolve("0001.tar.zst.gpg") + " | zstd -d -q | tar -xf - -C " + Files.createDirectories(tmp.resolve("by-gpg")));
        assertThat(gpg.exit()).as(gpg.err()).isZero();
        assertThat(tmp.resolve("by-gpg/journal/2025-12-25.json")).hasSameTextualContentAs(data.resolve("2025-12-25.json"));

        // Tampering with the manifest is caught by its passphrase-keyed signature.
        Path manifest = backupDir.resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"kind\" : \"full\"", "\"kind\" : \"diff\""));
        Result tampered = run(defaultEnv, "verify", "--repo", repo, id);
        assertThat(tampered.exit()).isEqualTo(3);
        assertThat(tampered.out()).contains("signature does not match");

        assertNoSecretAnywhere(PASSPHRASE);
    }

    @Test
    void publicKeyRepositoryIsWriteOnlyForTheServerAndSignedManifestsAreChecked() throws Exception {
        Path data = data();
        String repo = tmp.resolve("repo").toString();
        assertThat(run(Map.of(), "keys", "generate", "--user-id", "Backups <ops@example.org>", "--secret-out", "backup.sec.asc",
                "--public-out", "backup.pub.asc").exit()).isZero();
        assertThat(run(Map.of("KEYPASS", PASSPHRASE), "keys", "generate", "--user-id", "Signer <ops@example.org>", "--type", "RSA_3072",
                "--secret-out", "signer.sec.asc", "--public-out", "signer.pub.asc", "--protect-env", "KEYPASS").exit()).isZero();
        Result show = run(Map.of(), "keys", "show", "backup.pub.asc", "signer.sec.asc");
        assertThat(show.out()).containsPattern("[0-9A-F]{40}").contains("Backups <ops@example.org>");
        assertThat(Files.readString(tmp.resolve("backup.sec.asc"))).contains("BEGIN PGP PRIVATE KEY BLOCK");

        assertThat(run(Map.of(), "init", "--repo", repo, "--recipient", "backup.pub.asc", "--signing-key", "signer.sec.asc").exit()).isZero();
        Result unsigned = run(Map.of(), "backup", "--repo", repo, "--files", data.toString());
        assertThat(unsigned.exit()).isEqualTo(2);
        assertThat(unsigned.err()).contains("requires manifests signed by");
        Result backup = run(Map.of(KeyOptions.DEFAULT_VARIABLE, PASSPHRASE), "backup", "--repo", repo, "--files", data.toString(),
                "--signing-key", "signer.sec.asc", "--json");
        assertThat(backup.exit()).as(backup.err()).isZero();
        JsonNode json = Json.MAPPER.readTree(backup.out());
        String id = json.get("id").asText();

        Result noKey = run(Map.of(), "restore", "--repo", repo, id, "--to", tmp.resolve("x").toString());
        assertThat(noKey.exit()).isEqualTo(2);
        assertThat(noKey.err()).contains("--secret-key");
        assertThat(run(Map.of(), "verify", "--repo", repo, id).exit()).as("signature checked with the stored public key").isZero();
        Result restore = run(Map.of(), "restore", "--repo", repo, id, "--to", tmp.resolve("out").toString(), "--secret-key", "backup.sec.asc");
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(tmp.resolve("out/journal/2025-12-25.json")).hasSameTextualContentAs(data.resolve("2025-12-25.json"));

        // gpg, given our secret key, decrypts what the server wrote.
        CliJarIT.requireTool("gpg");
        Path home = Files.createDirectories(tmp.resolve("gnupg"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        Path artifact = tmp.resolve("repo/backups").resolve(id).resolve("0001.tar.zst.gpg");
        assertThat(shell("gpg --batch --quiet --homedir " + home + " --import backup.sec.asc").exit()).isZero();
        Result gpg = shell("gpg --batch --quiet --homedir " + home + " --decrypt " + artifact + " | zstd -d -q | tar -t");
        assertThat(gpg.exit()).as(gpg.err()).isZero();
        assertThat(gpg.out()).contains("journal/2025-12-25.json");

        Path manifest = tmp.resolve("repo/backups").resolve(id).resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"kind\" : \"full\"", "\"kind\" : \"diff\""));
        Result tampered = run(Map.of(), "verify", "--repo", repo, id);
        assertThat(tampered.exit()).isEqualTo(3);
        assertThat(tampered.out()).contains("signature does not match");
        assertNoSecretAnywhere(PASSPHRASE);
    }

    private Result shell(String command) throws Exception {
        Path out = Files.createTempFile(tmp, "sh", ".out");
        Path err = Files.createTempFile(tmp, "sh", ".err");
        Process p = new ProcessBuilder("sh", "-c", command).directory(tmp.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        p.getOutputStream().close();
        return new Result(p.waitFor(), Files.readString(out), Files.readString(err));
    }

    /** The passphrase appears in no output, log line, repository file or journal line. */
    private void assertNoSecretAnywhere(String secret) throws Exception {
        assertThat(allOutput.toString()).doesNotContain(secret);
        Map<Path, String> files = new HashMap<>();
        try (Stream<Path> all = Files.walk(tmp.resolve("repo"))) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(p, new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(files).isNotEmpty();
        files.forEach((p, content) -> assertThat(content).as(p.toString()).doesNotContain(secret)
                .doesNotContain(new String(secret.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1)));
    }
}
