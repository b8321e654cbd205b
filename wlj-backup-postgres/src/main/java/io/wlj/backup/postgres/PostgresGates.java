package io.wlj.backup.postgres;

import io.wlj.backup.BackupException;
import io.wlj.backup.GateResult;
import io.wlj.backup.postgres.internal.DatabaseChecks;
import io.wlj.backup.spi.GateContext;
import io.wlj.backup.spi.ValidationGate;
import java.sql.Connection;
import java.time.Duration;
import java.util.Objects;

/**
 * Validation gates that look into a PostgreSQL database: reachable, row counts, reference data,
 * foreign-key integrity, migration state, and any SQL condition.
 *
 * <p>Which database: inside a restore ({@code Stage.AFTER_RESTORE_BEFORE_COMMIT} and
 * {@code AFTER_RESTORE}) a gate checks the database being restored, through the restore's own
 * connection (before commit, inside its transaction, so it sees what is about to be committed).
 * Elsewhere, or to check another database, give it one with {@link DatabaseGate#on}. A gate that
 * opens its own connection retries transient failures (connection refused or lost, the server
 * starting up, serialization failures, deadlocks) three times with exponential backoff before
 * they count.
 * <pre>{@code
 * .gates(Stage.AFTER_RESTORE_BEFORE_COMMIT, PostgresGates.rowCount("ai_coachingstyle", 7),
 *        PostgresGates.minRows("users_user", 1), PostgresGates.foreignKeys(),
 *        PostgresGates.djangoMigration("journal", "0042_entry_mood"))
 * .gates(Stage.BEFORE_BACKUP, PostgresGates.connectivity().on(db))
 * }</pre>
 */
public final class PostgresGates {
    private PostgresGates() {
    }

    /** {@code SELECT 1} answers. */
    public static DatabaseGate connectivity() {
        return new DatabaseGate("connectivity", DatabaseChecks::connectivity);
    }

    /** The table has exactly {@code rows} rows, as reference data must ({@code ai_coachingstyle} has 7). */
    public static DatabaseGate rowCount(String table, long rows) {
        Objects.requireNonNull(table, "table");
        return new DatabaseGate("row-count " + table, c -> DatabaseChecks.rowCount(c, table, rows, rows));
    }

    /** The table has at least {@code rows} rows (for example users: more than none). */
    public static DatabaseGate minRows(String table, long rows) {
        Objects.requireNonNull(table, "table");
        return new DatabaseGate("min-rows " + table, c -> DatabaseChecks.rowCount(c, table, rows, Long.MAX_VALUE));
    }

    /** No orphaned row under any foreign key of the database, NOT VALID ones included; counts per constraint. */
    public static DatabaseGate foreignKeys() {
        return new DatabaseGate("foreign-key-integrity", DatabaseChecks::foreignKeys);
    }

    /** {@code query} returns one row whose first column is true. */
    public static DatabaseGate sql(String name, String query) {
        Objects.requireNonNull(name, "name");
        if (query == null || query.isBlank()) {
            throw BackupException.badInput("The SQL gate '" + name + "' has no query.");
        }
        return new DatabaseGate(name, c -> DatabaseChecks.sqlTrue(c, query));
    }

    /** Every migration in Flyway's {@code flyway_schema_history} succeeded. */
    public static DatabaseGate flywayMigrations() {
        return flywayMigrations("flyway_schema_history");
    }

    /** Every migration in the Flyway history table {@code table} succeeded. */
    public static DatabaseGate flywayMigrations(String table) {
        Objects.requireNonNull(table, "table");
        return new DatabaseGate("flyway-migrations", c -> DatabaseChecks.flyway(c, table));
    }

    /** Django's {@code django_migrations} records migration {@code name} of {@code app} as applied. */
    public static DatabaseGate djangoMigration(String app, String name) {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(name, "name");
        return new DatabaseGate("django-migration " + app + "." + name, c -> DatabaseChecks.django(c, app, name));
    }

    /** A gate that checks a database; immutable. */
    public static final class DatabaseGate implements ValidationGate {
        private final String name;
        private final DatabaseChecks.Check check;
        private final PostgresDatabase database;
        private final Duration backoff;

        private DatabaseGate(String name, DatabaseChecks.Check check) {
            this(name, check, null, Duration.ofMillis(250));
        }

        private DatabaseGate(String name, DatabaseChecks.Check check, PostgresDatabase database, Duration backoff) {
            this.name = name;
            this.check = check;
            this.database = database;
            this.backoff = backoff;
        }

        /** Check {@code database} rather than the one being restored. */
        public DatabaseGate on(PostgresDatabase database) {
            return new DatabaseGate(name, check, Objects.requireNonNull(database, "database"), backoff);
        }

        /** The first wait before retrying a transient failure; doubled for each of three retries (default 250 ms). */
        public DatabaseGate retryBackoff(Duration backoff) {
            if (Objects.requireNonNull(backoff, "backoff").isNegative()) {
                throw BackupException.badInput("The retry backoff cannot be negative.");
            }
            return new DatabaseGate(name, check, database, backoff);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public GateResult evaluate(GateContext context) {
            Connection restoring = database == null ? context.connection().orElse(null) : null;
            if (database == null && restoring == null) {
                return new GateResult(name, context.stage(), GateResult.Status.FAIL, "no database to check at stage " + context.stage()
                        + ": give the gate one with on(database)");
            }
            DatabaseChecks.Outcome o = restoring != null ? DatabaseChecks.once(restoring, check)
                    : DatabaseChecks.withRetries(database, check, backoff);
            return new GateResult(name, context.stage(), o.status(), o.evidence());
        }

        @Override
        public String toString() {
            return "gate " + name + (database == null ? "" : " on " + database);
        }
    }
}
