package io.wlj.backup.postgres;

/** How a PostgreSQL backup is taken. */
public enum Engine {
    /** Pure JDBC: no client binaries, any server 12 or newer (the default). */
    JDBC,
    /** The {@code pg_dump} binary, whose custom-format archive is stored as the artifact. */
    PG_DUMP
}
