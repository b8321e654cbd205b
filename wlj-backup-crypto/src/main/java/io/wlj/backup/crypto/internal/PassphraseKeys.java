package io.wlj.backup.crypto.internal;

import io.wlj.backup.crypto.PassphraseSource;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keys derived from one passphrase, cached by S2K specifier (salt, count, hash, key length).
 * A restore reads many messages of one backup that all carry the same SKESK, so the expensive
 * derivation runs once per restore, not once per artifact. The passphrase itself is read from
 * its source only for a derivation and zeroed right after.
 */
public final class PassphraseKeys {
    private final PassphraseSource source;
    private final Map<String, byte[]> derived = new ConcurrentHashMap<>();

    public PassphraseKeys(PassphraseSource source) {
        this.source = source;
    }

    public PassphraseSource source() {
        return source;
    }

    /** The key for {@code s2k}; a copy the caller zeroes. */
    public byte[] key(S2k s2k, int keyLength) {
        byte[] key = derived.computeIfAbsent(s2k.cacheKey() + "/" + keyLength, k -> {
            char[] passphrase = source.read();
            try {
                return s2k.derive(passphrase, keyLength);
            } finally {
                Arrays.fill(passphrase, '\0');
            }
        });
        return key.clone();
    }

    /** Zeroes every cached key. */
    public void destroy() {
        for (byte[] key : derived.values()) {
            Arrays.fill(key, (byte) 0);
        }
        derived.clear();
    }
}
