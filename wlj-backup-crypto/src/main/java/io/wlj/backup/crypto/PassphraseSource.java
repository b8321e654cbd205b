package io.wlj.backup.crypto;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a passphrase comes from: an environment variable, a file, or the application. The
 * source is read only when a passphrase is needed, so configurations can be built, logged and
 * compared without the secret ever being in memory.
 *
 * <p>Immutable. {@link #toString()} and {@link #describe()} name the kind of source and the
 * variable or file, never the passphrase.
 */
public final class PassphraseSource {
    private static final Logger LOG = LoggerFactory.getLogger(PassphraseSource.class);

    private enum Kind { ENVIRONMENT, FILE, APPLICATION }

    private final Kind kind;
    private final String variable;
    private final Path file;
    private final Supplier<char[]> supplier;
    private final Function<String, String> environment;

    private PassphraseSource(Kind kind, String variable, Path file, Supplier<char[]> supplier,
                             Function<String, String> environment) {
        this.kind = kind;
        this.variable = variable;
        this.file = file;
        this.supplier = supplier;
        this.environment = environment;
    }

    /** The passphrase is the whole value of the environment variable {@code variable}. */
    public static PassphraseSource env(String variable) {
        return env(variable, System::getenv);
    }

    /** As {@link #env(String)} with a replaceable environment, so tests need not change the real one. */
    static PassphraseSource env(String variable, Function<String, String> environment) {
        Objects.requireNonNull(variable, "variable");
        if (variable.isBlank()) {
            throw BackupException.badInput("The name of the passphrase environment variable is empty.");
        }
        return new PassphraseSource(Kind.ENVIRONMENT, variable, null, null, Objects.requireNonNull(environment));
    }

    /**
     * The passphrase is the first line of {@code file} (UTF-8, without its line ending), which is
     * exactly what {@code gpg --passphrase-file} uses, so one file serves both tools. A warning
     * is logged when the file can be read by its group or by other users.
     */
    public static PassphraseSource file(Path file) {
        return new PassphraseSource(Kind.FILE, null, Objects.requireNonNull(file, "file"), null, null);
    }

    /**
     * The passphrase is whatever {@code supplier} returns on each {@link #read()}, for example
     * from a console prompt or a secret store. The supplier keeps ownership of the array it
     * returns; {@link #read()} hands out a copy.
     */
    public static PassphraseSource of(Supplier<char[]> supplier) {
        return new PassphraseSource(Kind.APPLICATION, null, null, Objects.requireNonNull(supplier, "supplier"), null);
    }

    /**
     * Reads the passphrase now.
     *
     * @return a fresh array the caller owns and should zero ({@code Arrays.fill(p, '\0')}) after use
     * @throws BackupException {@link ErrorCode#BAD_INPUT} when the variable is not set, the file
     *                         cannot be read, or the passphrase is empty
     */
    public char[] read() {
        switch (kind) {
            case ENVIRONMENT: {
                String value = environment.apply(variable);
                if (value == null) {
                    throw BackupException.badInput("The passphrase environment variable " + variable + " is not set.");
                }
                if (value.isEmpty()) {
                    throw BackupException.badInput("The passphrase environment variable " + variable + " is empty.");
                }
                return value.toCharArray();
            }
            case FILE:
                return readFile();
            default: {
                char[] supplied = supplier.get();
                if (supplied == null || supplied.length == 0) {
                    throw BackupException.badInput("The application supplied an empty passphrase.");
                }
                return Arrays.copyOf(supplied, supplied.length);
            }
        }
    }

    private char[] readFile() {
        warnIfOthersCanRead();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw BackupException.badInput("The passphrase file " + file + " does not exist.");
        } catch (AccessDeniedException e) {
            throw BackupException.badInput("The passphrase file " + file + " cannot be read: permission denied.");
        } catch (IOException e) {
            throw new BackupException(ErrorCode.BAD_INPUT, "The passphrase file " + file + " cannot be read ("
                    + e.getClass().getSimpleName() + ").", e);
        }
        try {
            int end = 0;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            if (end > 0 && bytes[end - 1] == '\r') {
                end--;
            }
            if (end == 0) {
                throw BackupException.badInput("The passphrase file " + file + " is empty (its first line holds the passphrase).");
            }
            return decodeUtf8(bytes, end);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private char[] decodeUtf8(byte[] bytes, int length) {
        CharBuffer chars;
        try {
            chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length));
        } catch (CharacterCodingException e) {
            throw BackupException.badInput("The passphrase file " + file + " is not UTF-8 text.");
        }
        char[] result = new char[chars.remaining()];
        chars.get(result);
        if (chars.hasArray()) {
            Arrays.fill(chars.array(), '\0');
        }
        return result;
    }

    private void warnIfOthersCanRead() {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = view.readAttributes().permissions();
            if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn("The passphrase file {} can be read by its group or by other users; restrict it with 'chmod 600 {}'.",
                        file, file);
            }
        } catch (IOException e) {
            // The read that follows reports a missing or unreadable file in one clear sentence.
        }
    }

    /** Where the passphrase comes from, for messages and logs; never the passphrase itself. */
    public String describe() {
        switch (kind) {
            case ENVIRONMENT: return "environment variable " + variable;
            case FILE: return "file " + file;
            default: return "the application";
        }
    }

    @Override
    public String toString() {
        return "PassphraseSource(" + describe() + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PassphraseSource other && kind == other.kind && Objects.equals(variable, other.variable)
                && Objects.equals(file, other.file) && Objects.equals(supplier, other.supplier);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, variable, file, supplier);
    }
}
