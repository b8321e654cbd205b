package io.wlj.backup.spi;

import java.util.List;

/**
 * How a repository's data is protected: recorded in the repository config at init (never the
 * secret itself) and checked before every backup, so a repository initialised with encryption
 * refuses a plaintext backup or one to other keys.
 *
 * @param mode            {@code passphrase} or {@code public-key}
 * @param keyFingerprints recipient key fingerprints (public-key mode), uppercase hex; empty otherwise
 */
public record Protection(String mode, List<String> keyFingerprints) {
    public static final String PASSPHRASE = "passphrase";
    public static final String PUBLIC_KEY = "public-key";

    public Protection {
        keyFingerprints = keyFingerprints == null ? List.of() : List.copyOf(keyFingerprints);
    }
}
