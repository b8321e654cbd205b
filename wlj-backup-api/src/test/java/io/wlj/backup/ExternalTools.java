package io.wlj.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Command-line tools used as oracles. A test that needs an absent tool is skipped with the
 * reason, unless WLJ_REQUIRE_TOOLS=1 (as in CI), where it fails instead.
 */
final class ExternalTools {
    private ExternalTools() {
    }

    static void require(String tool) {
        boolean found = false;
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                found = true;
                break;
            }
        }
        if (!found) {
            String reason = "'" + tool + "' is not installed; this interoperability test needs it as an oracle";
            if ("1".equals(System.getenv("WLJ_REQUIRE_TOOLS"))) {
                Assertions.fail(reason + " and WLJ_REQUIRE_TOOLS=1 is set");
            }
            Assumptions.abort(reason);
        }
    }

    /** Runs a command, fails the test on a non-zero exit, and returns its standard output. */
    static String run(Path workDir, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("tool-out", ".txt");
        Path err = Files.createTempFile("tool-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            int code = p.waitFor();
            if (code != 0) {
                Assertions.fail(command + " exited " + code + ": " + Files.readString(err, StandardCharsets.UTF_8));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
