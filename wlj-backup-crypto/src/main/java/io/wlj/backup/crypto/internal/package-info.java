/**
 * Implementation of the OpenPGP engine: packet framing, S2K, the SEIPD v1 (CFB + MDC) encoder
 * and decoder, and the glue to Bouncy Castle for public keys. Not an API: classes here are
 * public only so that {@code io.wlj.backup.crypto} can use them, and may change at any time.
 */
package io.wlj.backup.crypto.internal;
