package io.wlj.backup;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A backup's identifier, {@code 20261122T184812Z-ab12cd}: the UTC second it started and six
 * random hex digits. Ids sort by time to the second; the manifest's timestamp is the
 * authority for ordering within a second.
 */
public final class BackupId implements Comparable<BackupId> {
    private static final Pattern FORMAT = Pattern.compile("\\d{8}T\\d{6}Z-[0-9a-f]{6}");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String value;

    private BackupId(String value) {
        this.value = value;
    }

    /** A new id for a backup starting at {@code time}. */
    public static BackupId generate(Instant time) {
        byte[] suffix = new byte[3];
        RANDOM.nextBytes(suffix);
        return new BackupId(STAMP.format(time.truncatedTo(ChronoUnit.SECONDS)) + "-" + HexFormat.of().formatHex(suffix));
    }

    /** Parses an id typed by a user; rejects anything that is not exactly an id. */
    public static BackupId parse(String text) {
        Objects.requireNonNull(text, "text");
        if (!FORMAT.matcher(text).matches()) {
            throw BackupException.badInput("'" + text + "' is not a backup id (expected the form 20261122T184812Z-ab12cd).");
        }
        return new BackupId(text);
    }

    /** True when {@code text} has the shape of an id. */
    public static boolean isValid(String text) {
        return text != null && FORMAT.matcher(text).matches();
    }

    public String value() {
        return value;
    }

    @Override
    public int compareTo(BackupId other) {
        return value.compareTo(other.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackupId other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
