package io.wlj.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wlj.backup.internal.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, as an operator runs it: real processes, real exit codes. */
class CliJarIT {
    @TempDir
    Path tmp;

    record Result(int exit, String out, String err) {
    }

    static Result wljBackup(Path workDir, String... args) throws Exception {
        Path jar = Path.of(System.getProperty("wlj.cli.jar", "target/wlj-backup.jar"));
        assertThat(jar).exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Path out = workDir.resolve("stdout.txt");
        Path err = workDir.resolve("stderr.txt");
        Process p = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close(); // no standard input, as in CI
        int exit = p.waitFor();
        return new Result(exit, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void theDemoRunsOnAnEmbeddedPostgresAndExitsZero() throws Exception {
        Result r = wljBackup(tmp, "demo");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("PostgreSQL 1").contains("sealed").contains("identical to the original")
                .contains("restore: refused").contains("chain intact").contains("0001.tar.zst.gpg")
                .contains("Restored with the passphrase").contains("Demo finished");
    }

    @Test
    void aProgressLineIsDrawnOnATerminalAndNeverWithJson() throws Exception {
        requireTool("script"); // util-linux: runs the CLI on a pseudo-terminal, as a person would
        Path data = Files.createDirectories(tmp.resolve("big"));
        byte[] chunk = new byte[1 << 20];
        new java.util.Random(3).nextBytes(chunk);
        try (var out = Files.newOutputStream(data.resolve("blob.bin"))) {
            for (int i = 0; i < 400; i++) {
                out.write(chunk);
            }
        }
        String repo = tmp.resolve("repo").toString();
        assertThat(wljBackup(tmp, "init", "--repo", repo, "--no-encryption").exit()).isZero();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = Path.of(System.getProperty("wlj.cli.jar", "target/wlj-backup.jar")).toAbsolutePath().toString();
        String backup = java + " -jar " + jar + " backup --repo " + repo + " --files " + data;

        Result onTerminal = wljBackupVia(tmp, List.of("script", "-q", "-e", "-c", backup, "/dev/null"));
        assertThat(onTerminal.exit()).as(onTerminal.out()).isZero();
        assertThat(onTerminal.out()).contains("\r").containsPattern("MiB/s").contains("sealed");

        Result json = wljBackupVia(tmp, List.of("script", "-q", "-e", "-c", backup + " --json", "/dev/null"));
        assertThat(json.exit()).isZero();
        assertThat(json.out()).doesNotContain("/s ").contains("\"id\"");
    }

    static void requireTool(String tool) {
        boolean found = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
        if (!found) {
            String reason = "'" + tool + "' is not installed";
            if ("1".equals(System.getenv("WLJ_REQUIRE_TOOLS"))) {
                org.junit.jupiter.api.Assertions.fail(reason + " and WLJ_REQUIRE_TOOLS=1 is set");
            }
            org.junit.jupiter.api.Assumptions.abort(reason);
        }
    }

    static Result wljBackupVia(Path workDir, List<String> command) throws Exception {
        Path out = workDir.resolve("tty-out.txt");
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        p.getOutputStream().close();
        int exit = p.waitFor();
        return new Result(exit, Files.readString(out, StandardCharsets.UTF_8), "");
    }

    @Test
    void anOperatorCycleThroughTheJar() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("media"));
        Files.writeString(data.resolve("photo.txt"), "pretend photo");
        String repo = tmp.resolve("repo").toString();
        assertThat(wljBackup(tmp, "init", "--repo", repo, "--no-encryption").exit()).isZero();
        Result backup = wljBackup(tmp, "backup", "--repo", repo, "--files", data.toString(), "--json");
        assertThat(backup.exit()).as(backup.err()).isZero();
        assertThat(backup.err()).as("no progress bar without a terminal").isEmpty();
        String id = Json.MAPPER.readTree(backup.out()).get("id").asText();

        JsonNode list = Json.MAPPER.readTree(wljBackup(tmp, "list", "--repo", repo, "--json").out());
        assertThat(list.get(0).get("id").asText()).isEqualTo(id);
        assertThat(wljBackup(tmp, "verify", "--repo", repo, "--all").exit()).isZero();
        Result restore = wljBackup(tmp, "restore", "--repo", repo, id, "--to", tmp.resolve("out").toString());
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(tmp.resolve("out/media/photo.txt")).hasContent("pretend photo");

        Result unknown = wljBackup(tmp, "show", "--repo", repo, "20200101T000000Z-000000");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err().strip()).startsWith("error: There is no backup").doesNotContain("Exception");
    }
}
