package io.wlj.backup.postgres.internal;

import io.wlj.backup.BackupException;
import java.util.regex.Pattern;

/**
 * A schema or table name pattern: {@code *} matches any run of characters, {@code ?} one
 * character; {@code schema.table} or just {@code table} (any schema). Names match as stored
 * (case-sensitive), so {@code Orders} and {@code orders} differ.
 */
public final class NamePattern {
    private final String text;
    private final Pattern schema;
    private final Pattern name;

    private NamePattern(String text, Pattern schema, Pattern name) {
        this.text = text;
        this.schema = schema;
        this.name = name;
    }

    public static NamePattern schema(String pattern) {
        check(pattern);
        return new NamePattern(pattern, glob(pattern), null);
    }

    public static NamePattern table(String pattern) {
        check(pattern);
        int dot = pattern.indexOf('.');
        if (dot < 0) {
            return new NamePattern(pattern, null, glob(pattern));
        }
        if (pattern.indexOf('.', dot + 1) >= 0) {
            throw BackupException.badInput("Table pattern '" + pattern + "' has more than one '.'; write schema.table.");
        }
        return new NamePattern(pattern, glob(pattern.substring(0, dot)), glob(pattern.substring(dot + 1)));
    }

    private static void check(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            throw BackupException.badInput("An empty name pattern matches nothing; give a name or a pattern such as 'public.*'.");
        }
    }

    private static Pattern glob(String g) {
        StringBuilder re = new StringBuilder();
        for (char c : g.toCharArray()) {
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    /** True for a schema pattern matching {@code schemaName}. */
    public boolean matchesSchema(String schemaName) {
        return schema.matcher(schemaName).matches();
    }

    /** True for a table pattern matching {@code schemaName.tableName}. */
    public boolean matchesTable(String schemaName, String tableName) {
        return (schema == null || schema.matcher(schemaName).matches()) && name.matcher(tableName).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
