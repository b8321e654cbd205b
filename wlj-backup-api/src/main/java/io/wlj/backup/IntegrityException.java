package io.wlj.backup;

/** Stored bytes differ from what the manifest recorded: corrupted, truncated or tampered. */
public final class IntegrityException extends BackupException {
    private final String artifact;

    public IntegrityException(String artifact, String message) {
        super(ErrorCode.INTEGRITY, message);
        this.artifact = artifact;
    }

    /** The stored file name of the artifact that failed its check. */
    public String artifact() {
        return artifact;
    }
}
