package io.wlj.backup.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real {@code gpg} as a test oracle, each instance in its own fresh GNUPGHOME (never the
 * user's keyring), always {@code --batch --pinentry-mode loopback}. Absent gpg skips the test
 * with the reason, unless WLJ_REQUIRE_TOOLS=1, where it fails instead.
 */
final class Gpg implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 60;

    private final Path home;

    private Gpg(Path home) {
        this.home = home;
    }

    /** Result of one gpg run. */
    record Result(int exitCode, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    static void require() {
        require(System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), System.getenv("WLJ_REQUIRE_TOOLS"));
    }

    /** Skips (aborts) the calling test when gpg is not on {@code path}; fails instead when {@code requireTools} is "1". */
    static void require(String path, String requireTools) {
        boolean found = false;
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "gpg"))) {
                found = true;
                break;
            }
        }
        if (!found) {
            String reason = "'gpg' is not installed; the OpenPGP interoperability tests need GnuPG 2.2 as an oracle";
            if ("1".equals(requireTools)) {
                Assertions.fail(reason + " and WLJ_REQUIRE_TOOLS=1 is set");
            }
            Assumptions.abort(reason);
        }
    }

    /** A gpg with a fresh, empty home directory (short path: gpg-agent's socket path is limited). */
    static Gpg start() {
        require();
        try {
            Path home = Files.createTempDirectory(Path.of("/tmp"), "wljgpg",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            // A fixed, low count for keys the agent protects: it skips calibrating one (which takes
            // seconds per key generation) and exported protected keys unlock in microseconds.
            Files.writeString(home.resolve("gpg-agent.conf"), "s2k-count 65536\n", StandardCharsets.UTF_8);
            return new Gpg(home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path home() {
        return home;
    }

    /** Writes {@code passphrase} to a 0600 file for --passphrase-file. */
    Path passphraseFile(String passphrase) throws IOException {
        Path file = Files.createTempFile(home, "pass", ".txt");
        Files.writeString(file, passphrase, StandardCharsets.UTF_8);
        return file;
    }

    /** Runs gpg with the standard isolation options plus {@code args}. */
    Result run(String... args) throws IOException, InterruptedException {
        return runWithInput(Path.of("/dev/null"), args);
    }

    /** As {@link #run} with standard input read from {@code stdin}. */
    Result runWithInput(Path stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--no-tty",
                "--pinentry-mode", "loopback", "--trust-model", "always", "--no-auto-key-retrieve"));
        command.addAll(Arrays.asList(args));
        return exec(command, stdin);
    }

    /** Runs gpg and fails the test unless it exits 0. */
    Result ok(String... args) throws IOException, InterruptedException {
        return okWithInput(Path.of("/dev/null"), args);
    }

    /** As {@link #ok} with standard input read from {@code stdin}. */
    Result okWithInput(Path stdin, String... args) throws IOException, InterruptedException {
        Result result = runWithInput(stdin, args);
        if (result.exitCode() != 0) {
            Assertions.fail("gpg " + String.join(" ", args) + " exited " + result.exitCode() + ": " + result.stderr());
        }
        return result;
    }

    private Result exec(List<String> command, Path stdin) throws IOException, InterruptedException {
        Path out = Files.createTempFile(home, "out", ".bin");
        Path err = Files.createTempFile(home, "err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(stdin.toFile()));
            builder.environment().put("LC_ALL", "C.UTF-8");
            builder.environment().remove("GNUPGHOME");
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                Assertions.fail(command + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), Files.readAllBytes(out), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * Generates a key exactly as a user would: {@code gpg --quick-gen-key USERID future-default}
     * (Ed25519 primary, Curve25519 encryption subkey) or {@code rsa3072} for the primary plus
     * {@code --quick-add-key FPR rsa3072 encr} (GnuPG 2.2's RSA default shape). Fast because
     * gpg-agent.conf fixes the protection S2K count (see {@link #start()}).
     *
     * @param keyType    "ed25519" or "rsa"
     * @param passphrase protects the secret key; null for none
     * @return the primary key's fingerprint
     */
    String generateKey(String userId, String keyType, String passphrase) throws IOException, InterruptedException {
        String pass = passphrase == null ? "" : passphrase;
        if (keyType.equals("ed25519")) {
            ok("--passphrase", pass, "--quick-gen-key", userId, "future-default", "default", "never");
        } else {
            ok("--passphrase", pass, "--quick-gen-key", userId, "rsa3072", "sign,cert", "never");
        }
        String fingerprint = fingerprints(userId).get(0);
        if (!keyType.equals("ed25519")) {
            ok("--passphrase", pass, "--quick-add-key", fingerprint, "rsa3072", "encr", "never");
        }
        return fingerprint;
    }

    /** Fingerprints (primary then subkeys) gpg lists for {@code who}. */
    List<String> fingerprints(String who) throws IOException, InterruptedException {
        return ok("--with-colons", "--list-keys", who).out().lines().filter(l -> l.startsWith("fpr:"))
                .map(l -> l.split(":")[9]).toList();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            exec(List.of("gpgconf", "--homedir", home.toString(), "--kill", "all"), Path.of("/dev/null"));
        } catch (IOException e) {
            // no gpgconf: the agent exits by itself once its home directory is gone
        } finally {
            try (Stream<Path> paths = Files.walk(home)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // gpg-agent may remove its sockets concurrently; the directory is in /tmp anyway
            }
        }
    }
}
