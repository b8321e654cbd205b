package io.wlj.backup.cli;

import static io.wlj.backup.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.wlj.backup.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code prune}, {@code pin} and {@code unpin}: the plan, the confirmation, JSON, and one sentence for bad input. */
class PruneCliTest {
    @TempDir
    Path tmp;
    Path repo;
    Path data;
    List<String> ids = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        repo = tmp.resolve("repo");
        data = Files.createDirectories(tmp.resolve("app/data"));
        Files.writeString(data.resolve("journal.json"), "{\"entry\":\"Grateful\"}\n".repeat(500));
        assertThat(run("init", "--repo", repo, "--no-encryption").exit()).isZero();
        for (int i = 0; i < 4; i++) {
            CliTest.Run r = run("backup", "--repo", repo, "--files", data, "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            ids.add(Json.MAPPER.readTree(r.out()).get("id").asText());
        }
    }

    private List<String> listed() throws Exception {
        List<String> out = new ArrayList<>();
        Json.MAPPER.readTree(run("list", "--repo", repo, "--json").out()).forEach(n -> out.add(n.get("id").asText()));
        return out;
    }

    @Test
    void withoutYesItPrintsThePlanAndDeletesNothing() throws Exception {
        assertThat(run("verify", "--repo", repo, ids.get(1)).exit()).isZero();
        CliTest.Run pin = run("pin", "--repo", repo, ids.get(0), "--note", "quarter end");
        assertThat(pin.exit()).as(pin.err()).isZero();
        assertThat(pin.out()).contains("Pinned " + ids.get(0) + " (quarter end)");
        assertThat(run("list", "--repo", repo).out()).contains("[pinned]");

        CliTest.Run plan = run("prune", "--repo", repo, "--keep-last", 1);
        assertThat(plan.exit()).isEqualTo(2);
        assertThat(plan.err()).contains("nothing was deleted").contains("--yes");
        assertThat(plan.out()).contains("Policy: keep last 1; grouped by sources,group.").contains("Group sources=files group=-:")
                .containsPattern(ids.get(0) + ".*keep +pinned").containsPattern(ids.get(1) + ".*keep +newest verified")
                .containsPattern(ids.get(2) + ".*forget +no rule keeps it").containsPattern(ids.get(3) + ".*keep +last #1, newest")
                .contains("3 to keep, 1 to forget");
        assertThat(listed()).containsExactlyElementsOf(ids);

        CliTest.Run dry = run("prune", "--repo", repo, "--keep-last", 1, "--dry-run", "--json");
        assertThat(dry.exit()).as(dry.err()).isZero();
        JsonNode json = Json.MAPPER.readTree(dry.out());
        assertThat(json.get("dryRun").asBoolean()).isTrue();
        assertThat(json.get("forget")).singleElement().satisfies(n -> {
            assertThat(n.get("id").asText()).isEqualTo(ids.get(2));
            assertThat(n.get("reasons")).extracting(JsonNode::asText).containsExactly("no rule keeps it");
        });
        assertThat(json.get("keep")).extracting(n -> n.get("id").asText()).containsExactly(ids.get(0), ids.get(1), ids.get(3));
        assertThat(json.get("keep").get(0).get("reasons")).extracting(JsonNode::asText).containsExactly("pinned");
        assertThat(listed()).containsExactlyElementsOf(ids);

        CliTest.Run done = run("prune", "--repo", repo, "--keep-last", 1, "--yes", "--json");
        assertThat(done.exit()).as(done.err()).isZero();
        assertThat(Json.MAPPER.readTree(done.out()).get("dryRun").asBoolean()).isFalse();
        assertThat(listed()).containsExactly(ids.get(0), ids.get(1), ids.get(3));
        CliTest.Run again = run("prune", "--repo", repo, "--keep-last", 1);
        assertThat(again.exit()).as("nothing left to do: no confirmation needed").isZero();
        assertThat(again.out()).contains("0 to forget");

        assertThat(run("unpin", "--repo", repo, ids.get(0)).exit()).isZero();
        CliTest.Run twice = run("unpin", "--repo", repo, ids.get(0));
        assertThat(twice.exit()).isEqualTo(2);
        assertThat(twice.err()).isEqualTo("error: Backup " + ids.get(0) + " is not pinned; nothing was changed." + System.lineSeparator());
        assertThat(run("prune", "--repo", repo, "--keep-daily", 1, "--zone", "Europe/Berlin", "--yes").exit()).isZero();
        assertThat(listed()).containsExactly(ids.get(1), ids.get(3));
        assertThat(run("journal", "--repo", repo).out()).contains("prune").contains("pin");
    }

    @Test
    void badPoliciesGetOneSentenceAndDeleteNothing() throws Exception {
        String[][] bad = {
            {"--keep-label", "tirgger=release", "--yes"},
            {"--yes"},
            {"--keep-daily", "0", "--yes"},
            {"--keep-within", "7x", "--yes"},
            {"--keep-last", "1", "--group-by", "host", "--yes"},
            {"--keep-last", "1", "--zone", "Mars/Olympus", "--yes"},
            {"--keep-last", "1", "--yes", "--dry-run"},
        };
        String[] sentences = {"matches no backup in the repository", "at least one --keep-* rule", "at least 1", "is not a duration",
            "Cannot group by 'host'", "is not a time zone", "not both"};
        for (int i = 0; i < bad.length; i++) {
            List<Object> args = new ArrayList<>(List.of("prune", "--repo", repo));
            args.addAll(List.of(bad[i]));
            CliTest.Run r = run(args.toArray());
            assertThat(r.exit()).as(String.join(" ", bad[i])).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", bad[i])).startsWith("error: ").contains(sentences[i]).doesNotContain("Exception");
            assertThat(r.out()).isEmpty();
        }
        assertThat(listed()).containsExactlyElementsOf(ids);
        CliTest.Run unknown = run("pin", "--repo", repo, "20200101T000000Z-abcdef");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("There is no backup 20200101T000000Z-abcdef");
    }

    @Test
    void backupAppliesKeepRulesOnceSealedAndNeverAfterAFailedBackup() throws Exception {
        CliTest.Run r = run("backup", "--repo", repo, "--files", data, "--keep-last", 2, "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode json = Json.MAPPER.readTree(r.out());
        String newest = json.get("id").asText();
        assertThat(json.get("retention").get("forget")).extracting(n -> n.get("id").asText()).containsExactly(ids.get(0), ids.get(1), ids.get(2));
        assertThat(listed()).containsExactly(ids.get(3), newest);

        CliTest.Run failed = run("backup", "--repo", repo, "--files", data, "--keep-last", 1, "--gate", "min-size:999999999");
        assertThat(failed.exit()).as(failed.err()).isEqualTo(3);
        assertThat(listed()).as("a failed backup prunes nothing").containsExactly(ids.get(3), newest);

        CliTest.Run text = run("backup", "--repo", repo, "--files", data, "--keep-last", 1);
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("Retention (keep last 1): 1 kept, 2 forgotten");
        assertThat(listed()).hasSize(1).doesNotContain(ids.get(3), newest);
        assertThat(run("backup", "--repo", repo, "--files", data, "--zone", "UTC").err()).contains("--zone applies to --keep-* rules");
    }

    @Test
    void aPassphraseRepositoryIsPrunedWithoutThePassphrase() throws Exception {
        Path enc = tmp.resolve("enc");
        Path pass = Files.writeString(tmp.resolve("pass"), "correct horse battery staple\n");
        assertThat(run("init", "--repo", enc, "--passphrase-file", pass).exit()).isZero();
        List<String> encIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CliTest.Run r = run("backup", "--repo", enc, "--files", data, "--passphrase-file", pass, "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            encIds.add(Json.MAPPER.readTree(r.out()).get("id").asText());
        }
        CliTest.Run r = run("prune", "--repo", enc, "--keep-last", 2, "--yes", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode json = Json.MAPPER.readTree(r.out());
        assertThat(json.get("forget")).extracting(n -> n.get("id").asText()).containsExactly(encIds.get(0));
        assertThat(json.get("keep").get(0).get("group").asText()).as("source names stay private").matches("sources=src-[0-9a-f]{10} group=-");
        assertThat(run("verify", "--repo", enc, "--passphrase-file", pass, "--latest", "--deep").exit()).isZero();
    }
}
