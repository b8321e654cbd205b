package io.wlj.backup.postgres.internal;

import java.util.LinkedHashSet;
import java.util.Set;

/** One schema object being assembled: its SQL, its section, and what it must come after. */
final class SchemaObject {
    final String key;
    final Toc.Section section;
    final int priority;
    final String kind;
    final String schema;
    final String name;
    final StringBuilder sql = new StringBuilder();
    final Set<String> dependsOn = new LinkedHashSet<>();
    boolean parallel;
    /** For parallel builds: the table they build on. */
    String table;

    SchemaObject(String key, Toc.Section section, int priority, String kind, String schema, String name) {
        this.key = key;
        this.section = section;
        this.priority = priority;
        this.kind = kind;
        this.schema = schema;
        this.name = name;
    }

    SchemaObject append(String statement) {
        sql.append(statement);
        if (!statement.endsWith("\n")) {
            sql.append('\n');
        }
        return this;
    }

    Toc.Entry toEntry() {
        return new Toc.Entry(section, kind, schema, name, sql.toString(), parallel, parallel ? table : null);
    }
}
