package io.wlj.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wlj.backup.internal.Json;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every command, its output and its exit code, in-process. */
class CliTest {
    @TempDir
    Path tmp;
    Path repo;
    Path data;

    record Run(int exit, String out, String err) {
    }

    static Run run(Object... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = WljBackup.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        String[] strings = Stream.of(args).map(String::valueOf).toArray(String[]::new);
        int exit = cl.execute(strings);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeEach
    void setUp() throws Exception {
        repo = tmp.resolve("repo");
        data = Files.createDirectories(tmp.resolve("app/data"));
        Files.writeString(data.resolve("journal.json"), "{\"entry\":\"Grateful\"}\n".repeat(1000));
        Files.createDirectories(data.resolve("presets"));
        Files.writeString(data.resolve("presets/coach.yaml"), "style: gentle\n");
    }

    private String backup() throws Exception {
        Run r = run("backup", "--repo", repo, "--files", data, "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        return Json.MAPPER.readTree(r.out()).get("id").asText();
    }

    @Test
    void initRequiresAnExplicitEncryptionChoice() {
        Run refused = run("init", "--repo", repo);
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err()).startsWith("error: ").contains("--no-encryption");
        assertThat(repo).doesNotExist();

        assertThat(run("init", "--repo", repo, "--no-encryption").exit()).isZero();
        Run again = run("init", "--repo", repo, "--no-encryption");
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("already a wlj-backup repository");
    }

    @Test
    void backupListShowVerifyRestoreCycle() throws Exception {
        run("init", "--repo", repo, "--no-encryption");
        String id = backup();
        assertThat(id).matches("\\d{8}T\\d{6}Z-[0-9a-f]{6}");

        Run list = run("list", "--repo", repo, "--json");
        assertThat(list.exit()).isZero();
        JsonNode rows = Json.MAPPER.readTree(list.out());
        assertThat(rows.isArray()).isTrue();
        assertThat(rows.get(0).get("id").asText()).isEqualTo(id);
        assertThat(Instant.parse(rows.get(0).get("createdAt").asText())).isBefore(Instant.now().plusSeconds(1));

        Run human = run("list", "--repo", repo);
        assertThat(human.out()).contains(id).contains("CREATED");

        Run show = run("show", "--repo", repo, "--latest");
        assertThat(show.exit()).isZero();
        assertThat(show.out()).contains(id).contains("files.tar.zst").contains("gate checksums");

        Run verify = run("verify", "--repo", repo, "--latest");
        assertThat(verify.exit()).isZero();
        assertThat(verify.out()).contains(id + "  OK");
        assertThat(run("verify", "--repo", repo, "--all", "--deep").exit()).isZero();

        Path target = tmp.resolve("restored");
        Run dry = run("restore", "--repo", repo, id, "--to", target, "--dry-run");
        assertThat(dry.exit()).isZero();
        assertThat(dry.out()).contains("Nothing has been touched yet");
        assertThat(target).doesNotExist();

        Run restore = run("restore", "--repo", repo, "--latest", "--to", target);
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(target.resolve("data/journal.json")).hasSameTextualContentAs(data.resolve("journal.json"));

        Run notEmpty = run("restore", "--repo", repo, "--latest", "--to", target);
        assertThat(notEmpty.exit()).isEqualTo(2);
        assertThat(notEmpty.err()).contains("not empty").contains("--replace");

        Files.writeString(target.resolve("data/journal.json"), "edited");
        Run unconfirmed = run("restore", "--repo", repo, "--latest", "--to", target, "--replace");
        assertThat(unconfirmed.exit()).isEqualTo(2);
        assertThat(unconfirmed.out()).contains("Restore plan");
        assertThat(unconfirmed.err()).contains("--yes");
        assertThat(target.resolve("data/journal.json")).hasContent("edited");

        Run confirmed = run("restore", "--repo", repo, "--latest", "--to", target, "--replace", "--yes");
        assertThat(confirmed.exit()).as(confirmed.err()).isZero();
        assertThat(target.resolve("data/journal.json")).hasSameTextualContentAs(data.resolve("journal.json"));
        try (Stream<Path> s = Files.list(target)) {
            assertThat(s.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("data.before-restore-"));
        }

        Run journal = run("journal", "--repo", repo);
        assertThat(journal.exit()).isZero();
        assertThat(journal.out()).contains("Journal intact");
    }

    @Test
    void aCorruptedArtifactFailsVerifyWithExitThreeAndNamesIt() throws Exception {
        run("init", "--repo", repo, "--no-encryption");
        String id = backup();
        Path artifact = repo.resolve("backups").resolve(id).resolve("files.tar.zst");
        try (RandomAccessFile raf = new RandomAccessFile(artifact.toFile(), "rw")) {
            raf.seek(raf.length() / 2);
            int b = raf.read();
            raf.seek(raf.length() / 2);
            raf.write(b ^ 1);
        }
        Run verify = run("verify", "--repo", repo, id);
        assertThat(verify.exit()).isEqualTo(3);
        assertThat(verify.out()).contains("FAILED").contains("files.tar.zst");
        Run json = run("verify", "--repo", repo, "--all", "--json");
        assertThat(json.exit()).isEqualTo(3);
        assertThat(Json.MAPPER.readTree(json.out()).get("passed").asBoolean()).isFalse();

        Path target = tmp.resolve("restored");
        Run restore = run("restore", "--repo", repo, id, "--to", target);
        assertThat(restore.exit()).isEqualTo(3);
        assertThat(restore.err()).contains("files.tar.zst").contains("Nothing was restored");
        assertThat(target).satisfiesAnyOf(t -> assertThat(t).doesNotExist(), t -> assertThat(t).isEmptyDirectory());
    }

    @Test
    void badInputGetsOneSentenceAndExitTwoNeverAStackTrace() throws Exception {
        run("init", "--repo", repo, "--no-encryption");
        List<Run> runs = List.of(
                run("list", "--repo", tmp.resolve("no-repo-here")),
                run("show", "--repo", repo, "20260101T000000Z-abcdef"),
                run("show", "--repo", repo, "not-an-id"),
                run("show", "--repo", repo),
                run("verify", "--repo", repo, "--latest"),
                run("backup", "--repo", repo, "--files", data, "--compression", "lz4"),
                run("backup", "--repo", repo, "--files", tmp.resolve("missing"), "--name", "bad name"),
                run("restore", "--repo", repo, "--latest"),
                run("list", "--repo", repo, "--frobnicate"));
        for (Run r : runs) {
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).as("one clear sentence").startsWith("error: ").doesNotContain("\tat ");
        }
        Run missingDir = run("backup", "--repo", repo, "--files", tmp.resolve("missing"));
        assertThat(missingDir.exit()).isEqualTo(1);
        assertThat(missingDir.err()).contains("does not exist").doesNotContain("\tat ");
    }

    @Test
    void aTamperedJournalIsReportedWithExitThree() throws Exception {
        run("init", "--repo", repo, "--no-encryption");
        backup();
        backup();
        Path journal = repo.resolve("audit/journal.jsonl");
        List<String> lines = Files.readAllLines(journal);
        Files.write(journal, List.of(lines.get(0).replace("SUCCESS", "FAILED"), lines.get(1)));
        Run r = run("journal", "--repo", repo);
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("line 2");
    }

    @Test
    void helpAndVersionWork() {
        Run help = run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("backup").contains("restore").contains("Exit codes");
        assertThat(run("--version").out()).startsWith("wlj-backup ");
    }
}
