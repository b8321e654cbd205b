package io.wlj.backup.postgres.internal;

/** A table, view, materialized view or sequence in the backup's scope. */
record Relation(long oid, char kind, String schema, String name, String qualified, long pages) {

    boolean hasData() {
        return kind == 'r';
    }
}
