package io.wlj.backup.internal;

import java.time.Instant;

/**
 * The content of a lock file: who holds it, so that others can tell a live owner from a dead one.
 *
 * @param token        unique per acquisition
 * @param mode         SHARED or EXCLUSIVE
 * @param operation    what the owner is doing, for messages
 * @param host         owner's host name
 * @param pid          owner's process id
 * @param processStart owner's process start time, to detect pid reuse
 * @param acquiredAt   when it was taken
 * @param heartbeatAt  refreshed periodically while the owner lives
 */
public record LockRecord(String token, String mode, String operation, String host, long pid,
                         Instant processStart, Instant acquiredAt, Instant heartbeatAt) {

    public String describe() {
        return operation + " (" + mode.toLowerCase(java.util.Locale.ROOT) + " lock) by pid " + pid + " on " + host
                + " since " + acquiredAt;
    }
}
