package io.wlj.backup.testkit.internal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Rules for database names: making unique ones for tests and quoting any name safely in SQL.
 * PostgreSQL silently truncates identifiers beyond 63 bytes, which could make two names one,
 * so longer names are refused rather than sent.
 */
final class DatabaseName {
    static final int MAX_BYTES = 63;
    private static final int MAX_PREFIX_LENGTH = 40;

    private DatabaseName() {
    }

    /**
     * {@code prefix} made a plain lower-case identifier and shortened, then an underscore and
     * eight random hex digits: readable in {@code \l}, and 4 billion choices keep two test
     * classes in one JVM from meeting.
     */
    static String unique(String prefix) {
        String readable = prefix == null ? "" : prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (readable.isEmpty() || !Character.isLetter(readable.charAt(0))) {
            readable = "db_" + readable;
        }
        if (readable.length() > MAX_PREFIX_LENGTH) {
            readable = readable.substring(0, MAX_PREFIX_LENGTH);
        }
        return readable + "_" + String.format("%08x", ThreadLocalRandom.current().nextInt());
    }

    /** {@code name} as a quoted SQL identifier, after checking that PostgreSQL would keep it whole. */
    static String quoted(String name) {
        requireValid(name);
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    static void requireValid(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("A database name must not be empty.");
        }
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("A database name must not contain a NUL character.");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("Database name '" + name + "' is longer than PostgreSQL's " + MAX_BYTES + " bytes.");
        }
    }
}
