package io.wlj.backup.crypto;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import java.util.List;
import java.util.Objects;

/**
 * A message could not be decrypted, or failed its integrity check. {@link #reason()} says which
 * case it is so that programs can branch without parsing the message; {@link #code()} follows
 * from the reason: problems with the decryption material (passphrase, keys) are
 * {@link ErrorCode#BAD_INPUT}, problems with the stored bytes are {@link ErrorCode#INTEGRITY}.
 *
 * <p>Messages never contain a passphrase or key material, only key ids and fingerprints.
 */
public final class DecryptionException extends BackupException {

    /** What went wrong. */
    public enum Reason {
        /** The passphrase does not decrypt the message (detected by the OpenPGP quick check). */
        WRONG_PASSPHRASE(ErrorCode.BAD_INPUT),
        /** The message is encrypted with a passphrase and none was provided. */
        PASSPHRASE_REQUIRED(ErrorCode.BAD_INPUT),
        /** The message is encrypted to public keys none of whose secret keys was provided. */
        NO_MATCHING_KEY(ErrorCode.BAD_INPUT),
        /** A secret key is protected and its passphrase is missing or wrong. */
        SECRET_KEY_LOCKED(ErrorCode.BAD_INPUT),
        /** The message uses an algorithm or packet version this library does not implement. */
        UNSUPPORTED(ErrorCode.BAD_INPUT),
        /**
         * The bytes are not an OpenPGP message at all. Counted as an integrity failure because a
         * stored artifact that should be encrypted but is not has been damaged or replaced.
         */
        NOT_OPENPGP(ErrorCode.INTEGRITY),
        /** An OpenPGP message, but not an encrypted one. */
        NOT_ENCRYPTED(ErrorCode.INTEGRITY),
        /** Encrypted without a modification detection code (SED packet): tampering would go unnoticed. */
        NOT_INTEGRITY_PROTECTED(ErrorCode.INTEGRITY),
        /** The message ends inside a packet. */
        TRUNCATED(ErrorCode.INTEGRITY),
        /** The modification detection code does not match, or the decrypted content is malformed. */
        CORRUPTED(ErrorCode.INTEGRITY);

        private final ErrorCode code;

        Reason(ErrorCode code) {
            this.code = code;
        }

        /** The error code exceptions with this reason carry. */
        public ErrorCode code() {
            return code;
        }
    }

    private final Reason reason;
    private final List<String> keyIds;

    public DecryptionException(Reason reason, String message) {
        this(reason, message, List.of(), null);
    }

    public DecryptionException(Reason reason, String message, Throwable cause) {
        this(reason, message, List.of(), cause);
    }

    public DecryptionException(Reason reason, String message, List<String> keyIds, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason").code(), message, cause);
        this.reason = reason;
        this.keyIds = List.copyOf(keyIds);
    }

    public Reason reason() {
        return reason;
    }

    /**
     * For {@link Reason#NO_MATCHING_KEY}: the ids (16 upper-case hex digits) of the keys the
     * message is encrypted to. Empty otherwise.
     */
    public List<String> keyIds() {
        return keyIds;
    }
}
