package io.wlj.backup.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PassphraseSourceTest {
    private static final String SECRET = "s3cr3t-passphrase";

    @TempDir
    Path dir;

    @Test
    void environmentVariable() {
        Map<String, String> env = Map.of("WLJ_PASS", SECRET, "WLJ_EMPTY", "");
        PassphraseSource source = PassphraseSource.env("WLJ_PASS", env::get);
        assertThat(source.read()).containsExactly(SECRET.toCharArray());
        assertThat(source.toString()).isEqualTo("PassphraseSource(environment variable WLJ_PASS)").doesNotContain(SECRET);
        assertThat(source.describe()).isEqualTo("environment variable WLJ_PASS");

        assertThatThrownBy(() -> PassphraseSource.env("WLJ_MISSING", env::get).read())
                .isInstanceOf(BackupException.class)
                .hasMessage("The passphrase environment variable WLJ_MISSING is not set.")
                .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.BAD_INPUT);
        assertThatThrownBy(() -> PassphraseSource.env("WLJ_EMPTY", env::get).read())
                .hasMessage("The passphrase environment variable WLJ_EMPTY is empty.");
        // The real environment is used by the public factory.
        assertThatThrownBy(() -> PassphraseSource.env("WLJ_SURELY_NOT_SET_" + System.nanoTime()).read())
                .hasMessageContaining("is not set");
    }

    @Test
    void fileUsesTheFirstLineLikeGpg() throws Exception {
        Path file = dir.resolve("pass.txt");
        Files.writeString(file, SECRET + "\r\nsecond line is ignored\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        PassphraseSource source = PassphraseSource.file(file);
        char[] first = source.read();
        assertThat(first).containsExactly(SECRET.toCharArray());
        first[0] = 'X';
        assertThat(source.read()).as("every read is a fresh copy").containsExactly(SECRET.toCharArray());
        assertThat(source.toString()).contains(file.toString()).doesNotContain(SECRET);

        Files.writeString(file, "ünïcödé", StandardCharsets.UTF_8);
        assertThat(source.read()).containsExactly("ünïcödé".toCharArray());
    }

    @Test
    void fileErrorsNameTheFileNotTheSecret() throws Exception {
        Path missing = dir.resolve("missing.txt");
        assertThatThrownBy(() -> PassphraseSource.file(missing).read())
                .isInstanceOf(BackupException.class)
                .hasMessage("The passphrase file " + missing + " does not exist.")
                .extracting(e -> ((BackupException) e).code()).isEqualTo(ErrorCode.BAD_INPUT);
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "\nsecret on the second line\n");
        assertThatThrownBy(() -> PassphraseSource.file(empty).read())
                .hasMessageContaining("The passphrase file " + empty + " is empty")
                .hasMessageNotContaining("secret on the second line");
        Path binary = dir.resolve("binary.txt");
        Files.write(binary, new byte[] {(byte) 0xFF, (byte) 0xFE, 'a'});
        assertThatThrownBy(() -> PassphraseSource.file(binary).read()).hasMessageContaining("is not UTF-8 text");
        if (!"root".equals(System.getProperty("user.name"))) {
            Path unreadable = dir.resolve("unreadable.txt");
            Files.writeString(unreadable, SECRET);
            Files.setPosixFilePermissions(unreadable, PosixFilePermissions.fromString("---------"));
            assertThatThrownBy(() -> PassphraseSource.file(unreadable).read())
                    .hasMessageContaining("cannot be read").hasMessageNotContaining(SECRET);
        }
    }

    @Test
    void fileReadableByOthersLogsAWarningWithoutTheSecret() throws Exception {
        Path file = dir.resolve("open.txt");
        Files.writeString(file, SECRET);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        String log = captureStderr(() -> PassphraseSource.file(file).read());
        assertThat(log).contains("WARN").contains(file.toString()).contains("chmod 600").doesNotContain(SECRET);

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(captureStderr(() -> PassphraseSource.file(file).read())).doesNotContain("WARN");
    }

    @Test
    void applicationSupplier() {
        char[] owned = SECRET.toCharArray();
        PassphraseSource source = PassphraseSource.of(() -> owned);
        char[] copy = source.read();
        assertThat(copy).containsExactly(SECRET.toCharArray()).isNotSameAs(owned);
        java.util.Arrays.fill(copy, '\0');
        assertThat(owned).as("the supplier keeps its array").containsExactly(SECRET.toCharArray());
        assertThat(source.toString()).isEqualTo("PassphraseSource(the application)");
        assertThatThrownBy(() -> PassphraseSource.of(() -> new char[0]).read())
                .isInstanceOf(BackupException.class).hasMessageContaining("empty passphrase");
        assertThatThrownBy(() -> PassphraseSource.of(() -> null).read()).isInstanceOf(BackupException.class);
    }

    private static String captureStderr(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
