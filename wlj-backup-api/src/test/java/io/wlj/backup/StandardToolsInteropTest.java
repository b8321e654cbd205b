package io.wlj.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.repository.Manifest;
import io.wlj.backup.repository.StoredArtifact;
import io.wlj.backup.spi.CodecStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** DESIGN §5: every artifact stays restorable with standard tools if this library is gone. */
class StandardToolsInteropTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"zstd", "gzip", "none"})
    void sha256sumDecompressorAndTarReproduceTheTree(String codecName) throws Exception {
        ExternalTools.require("sha256sum");
        ExternalTools.require("tar");
        List<String> decompress = switch (codecName) {
            case "zstd" -> List.of("zstd", "-d", "-q", "-o", "plain.tar");
            case "gzip" -> List.of("sh", "-c", "gunzip -c \"$0\" > plain.tar");
            default -> List.of("cp");
        };
        if (!codecName.equals("none")) {
            ExternalTools.require(codecName);
        }
        CodecStage codec = Compression.parse(codecName);
        Path data = Trees.sample(tmp.resolve("src/data"), 61);
        BackupSystem backups = BackupSystem.configure().repository(FileSystemRepository.initOrOpen(tmp.resolve("repo")))
                .source(FileTreeSource.of("data", data)).compression(codec).build();
        Manifest manifest = backups.show(backups.backup().id());
        StoredArtifact stored = manifest.header().artifacts().get(0);
        Path file = ((FileSystemRepository) backups.repository()).pathOf(manifest.id(), stored.file());
        Path work = Files.createDirectories(tmp.resolve("by-hand"));

        String sum = ExternalTools.run(work, List.of("sha256sum", file.toString()));
        assertThat(sum.split("\\s+")[0]).isEqualTo(stored.storedSha256());

        List<String> command = new java.util.ArrayList<>(decompress);
        command.add(file.toString());
        if (codecName.equals("none")) {
            command.add("plain.tar");
        }
        ExternalTools.run(work, command);
        String plainSum = ExternalTools.run(work, List.of("sha256sum", "plain.tar"));
        assertThat(plainSum.split("\\s+")[0]).isEqualTo(manifest.detail().artifacts().get(0).plainSha256());

        Path extracted = Files.createDirectories(tmp.resolve("extracted"));
        ExternalTools.run(extracted, List.of("tar", "-x", "-p", "-f", work.resolve("plain.tar").toString()));
        Trees.assertSameTree(data, extracted.resolve("data"));

        // The instructions shipped with the backup work as written.
        String instructions = Files.readString(file.resolveSibling("RESTORE.txt"));
        String line = instructions.lines().map(String::strip).filter(l -> l.contains("tar -xpf") && l.contains(stored.file()))
                .findFirst().orElseThrow();
        Path byInstructions = Files.createDirectories(tmp.resolve("by-instructions"));
        ExternalTools.run(file.getParent(), List.of("sh", "-c", line.replace("TARGET", byInstructions.toString())));
        Trees.assertSameTree(data, byInstructions.resolve("data"));
    }
}
