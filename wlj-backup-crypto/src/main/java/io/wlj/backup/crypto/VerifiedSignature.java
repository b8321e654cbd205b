package io.wlj.backup.crypto;

import java.time.Instant;

/**
 * A detached signature that verified.
 *
 * @param keyFingerprint        the primary key of the trusted key that made it
 * @param signingKeyFingerprint the (sub)key that actually signed
 * @param created               the signature's creation time
 */
public record VerifiedSignature(String keyFingerprint, String signingKeyFingerprint, Instant created) {
}
