package io.wlj.backup.repository;

import java.time.Instant;

/**
 * The repository's own record ({@code wlj-repository.json}): format, identity and the
 * encryption mode it was initialised with. Never holds secrets.
 *
 * @param format        always {@code wlj-backup-repository}
 * @param formatVersion layout version
 * @param repositoryId  random identity, to tell repositories apart
 * @param createdAt     when it was initialised
 * @param encryption      {@code none}, {@code passphrase} or {@code public-key}
 * @param keyFingerprints recipient key fingerprints in public-key mode
 * @param signingKey      the key id manifests must be signed with, or null when signatures are not required
 * @param keyCheck        a small message encrypted at init (base64), so a wrong passphrase is
 *                        recognised before any work; null when there is none
 * @param toolVersion     version that initialised it
 * @param recipientKeys   the armored public keys backups are encrypted to (public-key mode), so a
 *                        writer needs no key file of its own
 * @param signingPublicKey the armored public key that checks manifest signatures, or null
 */
public record RepositoryConfig(String format, int formatVersion, String repositoryId, Instant createdAt,
                               String encryption, java.util.List<String> keyFingerprints, String signingKey,
                               String keyCheck, String toolVersion, java.util.List<String> recipientKeys,
                               String signingPublicKey) {
    public static final String FORMAT = "wlj-backup-repository";
    public static final int FORMAT_VERSION = 1;
    public static final String NONE = "none";
    /** The plaintext of {@link #keyCheck()}: decrypting it proves the passphrase is the repository's. */
    public static final String KEY_CHECK_TEXT = "wlj-backup key check v1";

    public RepositoryConfig {
        encryption = encryption == null ? NONE : encryption;
        keyFingerprints = keyFingerprints == null ? java.util.List.of() : java.util.List.copyOf(keyFingerprints);
        recipientKeys = recipientKeys == null ? java.util.List.of() : java.util.List.copyOf(recipientKeys);
    }

    public boolean encrypted() {
        return !NONE.equals(encryption);
    }

    public boolean signaturesRequired() {
        return signingKey != null;
    }
}
