package io.wlj.backup.health;

import java.time.Instant;
import java.util.Objects;

/**
 * One alert: a health check that is WARNING or worse, or a notice that it recovered.
 *
 * @param key       the check's name; cooldowns are per key
 * @param level     its level now (INFO for a recovery notice)
 * @param message   the check's sentence
 * @param time      when the check was made
 * @param recovered true for "this is healthy again"
 */
public record Alert(String key, Level level, String message, Instant time, boolean recovered) {
    public Alert {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(time, "time");
    }
}
