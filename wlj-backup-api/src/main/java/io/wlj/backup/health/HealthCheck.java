package io.wlj.backup.health;

import java.util.Objects;

/**
 * One finding of the health monitor.
 *
 * @param name    what was checked, such as {@code freshness default} or {@code disk}; also the key alerts use
 * @param level   how bad it is
 * @param message one sentence an on-call engineer can act on
 */
public record HealthCheck(String name, Level level, String message) {
    public HealthCheck {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(message, "message");
    }
}
