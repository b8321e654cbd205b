package io.wlj.backup;

/**
 * What went wrong, in a form programs can branch on. Each code maps to the CLI exit code
 * documented in the README: 1 operation failed, 2 bad usage or bad input, 3 a check failed.
 */
public enum ErrorCode {
    /** A setting, option or argument is invalid or contradictory. */
    BAD_INPUT(2),
    /** A backup, artifact or repository that was named does not exist. */
    NOT_FOUND(2),
    /** A restore target already holds data and replacing it was not requested. */
    TARGET_NOT_EMPTY(2),
    /** Stored bytes do not match their recorded size or checksum. */
    INTEGRITY(3),
    /** A validation gate returned FAIL. */
    GATE_FAILED(3),
    /** Another live process holds a conflicting repository lock. */
    LOCKED(1),
    /** The operation was cancelled through its progress monitor. */
    CANCELLED(1),
    /** Reading or writing storage failed. */
    IO(1),
    /** A source failed or produced nothing worth sealing. */
    SOURCE_FAILED(1),
    /** The repository is not in a state this version can work with. */
    REPOSITORY(1);

    private final int exitCode;

    ErrorCode(int exitCode) {
        this.exitCode = exitCode;
    }

    /** The process exit code the CLI uses for this error. */
    public int exitCode() {
        return exitCode;
    }
}
