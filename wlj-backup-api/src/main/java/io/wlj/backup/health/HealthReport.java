package io.wlj.backup.health;

import java.time.Instant;
import java.util.List;

/**
 * What the health monitor found.
 *
 * @param time   when it looked
 * @param level  the worst level among the checks
 * @param checks every finding, in the order they were made
 */
public record HealthReport(Instant time, Level level, List<HealthCheck> checks) {
    public HealthReport {
        checks = List.copyOf(checks);
    }

    /** True when nothing is ERROR or worse. */
    public boolean healthy() {
        return level.compareTo(Level.ERROR) < 0;
    }
}
