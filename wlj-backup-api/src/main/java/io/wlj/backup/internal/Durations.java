package io.wlj.backup.internal;

import io.wlj.backup.BackupException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The CLI's duration syntax: {@code 90s}, {@code 90m}, {@code 26h}, {@code 7d}, or combinations such as {@code 1h30m}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)([dhms])");

    private Durations() {
    }

    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
            end = m.end();
        }
        if (t.isEmpty() || end != t.length()) {
            throw BackupException.badInput("'" + text + "' is not a duration; use forms like 90s, 90m, 26h, 7d or 1h30m.");
        }
        return total;
    }

    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s % 86400 == 0 && s > 0) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + "m";
        }
        if (s > 0 || d.isZero()) {
            return s + "s";
        }
        return d.toMillis() + "ms";
    }
}
