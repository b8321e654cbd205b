package io.wlj.backup;

import java.util.Objects;

/**
 * The one unchecked exception root of wlj-backup. Its message is a sentence a user can act
 * on; {@link #code()} tells programs what kind of failure it is.
 */
public class BackupException extends RuntimeException {
    private final ErrorCode code;

    public BackupException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public BackupException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }

    /** Shorthand for a {@link ErrorCode#BAD_INPUT} failure. */
    public static BackupException badInput(String message) {
        return new BackupException(ErrorCode.BAD_INPUT, message);
    }
}
