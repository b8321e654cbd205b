package io.wlj.backup.postgres;

/** What a PostgreSQL backup contains. */
public enum Scope {
    /** Schema and data (the default). */
    FULL,
    /** Only the schema, like {@code pg_dump --schema-only}. */
    SCHEMA_ONLY,
    /** Only table contents, sequence values and large objects, like {@code pg_dump --data-only}. */
    DATA_ONLY
}
