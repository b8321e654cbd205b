package io.wlj.backup.postgres;

import io.wlj.backup.BackupException;
import io.wlj.backup.RestorePlan;
import io.wlj.backup.postgres.internal.DatabaseRestorePlan;
import io.wlj.backup.postgres.internal.LiveTablesPlan;
import io.wlj.backup.postgres.internal.ReplaceDatabasePlan;
import io.wlj.backup.postgres.internal.TargetSettings;
import io.wlj.backup.postgres.internal.TargetSettings.Mode;
import io.wlj.backup.spi.RestoreContext;
import io.wlj.backup.spi.RestoreTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A PostgreSQL database as a restore target, in one of five modes:
 * <ul>
 *   <li>{@link #newDatabase}: create the database named in the URL and restore the whole backup into it;</li>
 *   <li>{@link #swap}: restore beside the live database named in the URL, then give the restored copy its
 *       name, keeping the old one as {@code <name>_before_<time>} ({@link SwapRollback} puts it back);</li>
 *   <li>{@link #replace}: replace the live database's contents in place, in one transaction, after
 *       sealing a safety backup of it;</li>
 *   <li>{@link #tables}: replace or {@link #merge() merge} selected tables, or merge selected rows
 *       ({@link #where}) with their missing parents, in one transaction;</li>
 *   <li>{@link #dataOnly}: load the backup's rows into a schema the host's own migrations made.</li>
 * </ul>
 * {@code system.restore(id).to(PostgresTarget.tables(db, "journal_entry").where("journal_entry", "entry_date = '2025-12-25'")).plan()}
 * touches nothing; print {@code describe()}, then {@code execute()}. Immutable; options are
 * checked as they are set, combinations when the restore is planned.
 */
public final class PostgresTarget implements RestoreTarget {
    private final TargetSettings s;

    private PostgresTarget(TargetSettings settings) {
        this.s = settings;
    }

    private static PostgresTarget of(Mode mode, PostgresDatabase database, List<String> tables) {
        Objects.requireNonNull(database, "database");
        if (mode != Mode.TABLES && mode != Mode.DATA_ONLY && database.isDataSource()) {
            throw BackupException.badInput("This restore creates or renames databases, so the target is named by a JDBC URL, "
                    + "not a data source.");
        }
        return new PostgresTarget(new TargetSettings(mode, database, "postgres", null, 2, "256MB", Duration.ofSeconds(30),
                Duration.ofMillis(500), false, tables, Map.of(), false, false));
    }

    /** Restore into a database that this restore creates; {@code database} must be given by URL and not exist yet. */
    public static PostgresTarget newDatabase(PostgresDatabase database) {
        return of(Mode.NEW_DATABASE, database, List.of());
    }

    /**
     * Restore beside the existing database named in {@code live}'s URL, run the gates, then swap
     * names in one transaction. Sessions on the live database stop the swap unless
     * {@link #terminateSessions(boolean)} allows ending them.
     */
    public static PostgresTarget swap(PostgresDatabase live) {
        return of(Mode.SWAP, live, List.of());
    }

    /** Replace the contents of the existing database in place (destructive; a safety backup is sealed first). */
    public static PostgresTarget replace(PostgresDatabase live) {
        return of(Mode.REPLACE, live, List.of());
    }

    /**
     * Restore the tables matching {@code patterns} ({@code table}, {@code schema.table}, {@code *}
     * wildcards) into the existing database: replaced by default, or {@link #merge() merged}.
     */
    public static PostgresTarget tables(PostgresDatabase live, String... patterns) {
        List<String> list = new ArrayList<>();
        for (String p : patterns) {
            list.add(Objects.requireNonNull(p, "pattern"));
        }
        return of(Mode.TABLES, live, list);
    }

    /**
     * Load the backup's rows (all tables, or those of {@link #only}) into tables that already
     * exist, made by the host's migrations: columns matched by name, parents before children,
     * rows whose key exists already kept (and counted as skipped).
     */
    public static PostgresTarget dataOnly(PostgresDatabase live) {
        return of(Mode.DATA_ONLY, live, List.of());
    }

    private PostgresTarget with(TargetSettings n) {
        return new PostgresTarget(n);
    }

    /** For {@link #dataOnly}: only the tables matching these patterns. */
    public PostgresTarget only(String... patterns) {
        List<String> list = new ArrayList<>(s.tables());
        for (String p : patterns) {
            list.add(Objects.requireNonNull(p, "pattern"));
        }
        return with(new TargetSettings(s.mode(), s.database(), s.adminDatabase(), s.source(), s.jobs(), s.maintenanceWorkMem(),
                s.lockTimeout(), s.retryBackoff(), s.terminateSessions(), list, s.where(), s.merge(), s.withParents()));
    }

    /**
     * Restore only the rows of {@code table} for which {@code predicate} (SQL over the backup's
     * columns, for example {@code entry_date = '2025-12-25'}) is true, merged into the live table.
     */
    public PostgresTarget where(String table, String predicate) {
        Objects.requireNonNull(table, "table");
        if (predicate == null || predicate.isBlank()) {
            throw BackupException.badInput("The row predicate for " + table + " is empty.");
        }
        Map<String, String> w = new LinkedHashMap<>(s.where());
        if (w.put(table, predicate) != null) {
            throw BackupException.badInput("Table " + table + " has two row predicates; combine them with AND.");
        }
        return with(new TargetSettings(s.mode(), s.database(), s.adminDatabase(), s.source(), s.jobs(), s.maintenanceWorkMem(),
                s.lockTimeout(), s.retryBackoff(), s.terminateSessions(), s.tables(), w, s.merge(), s.withParents()));
    }

    /** Keep the live rows and add the backup's missing ones ({@code ON CONFLICT DO NOTHING}) instead of replacing tables. */
    public PostgresTarget merge() {
        return with(new TargetSettings(s.mode(), s.database(), s.adminDatabase(), s.source(), s.jobs(), s.maintenanceWorkMem(),
                s.lockTimeout(), s.retryBackoff(), s.terminateSessions(), s.tables(), s.where(), true, s.withParents()));
    }

    /** Also restore, from the backup, parent rows that selected rows refer to and the target lacks (default: name them and stop). */
    public PostgresTarget withParents(boolean on) {
        return with(new TargetSettings(s.mode(), s.database(), s.adminDatabase(), s.source(), s.jobs(), s.maintenanceWorkMem(),
                s.lockTimeout(), s.retryBackoff(), s.terminateSessions(), s.tables(), s.where(), s.merge(), on));
    }

    /** For {@link #swap}: may terminate the sessions connected to the live database (default false: they stop the swap). */
    public PostgresTarget terminateSessions(boolean allowed) {
        return with(new TargetSettings(s.mode(), s.database(), s.adminDatabase(), s.source(), s.jobs(), s.maintenanceWorkMem(),
                s.lockTimeout(), s.retryBackoff(), allowed, s.tables(), s.where(), s.merge(), s.withParents()));
    }

    /** The database used to create, rename and drop databases (default {@code postgres}). */
    public PostgresTarget adminDatabase(String name) {
        return with(new TargetSettings(s.mode(), s.database(), Objects.requireNonNull(name, "name"), s.source(), s.jobs(),
                s.maintenanceWorkMem(), s.lockTimeout(), s.retryBackoff(), s.terminateSessions(), s.tables(), s.where(), s.merge(),
                s.withParents()));
    }

    /** Which PostgreSQL source of the backup to restore, when it has several. */
    public PostgresTarget source(String name) {
        return with(new TargetSettings(s.mode(), s.database(), s.adminDatabase(), Objects.requireNonNull(name, "name"), s.jobs(),
                s.maintenanceWorkMem(), s.lockTimeout(), s.retryBackoff(), s.terminateSessions(), s.tables(), s.where(), s.merge(),
                s.withParents()));
    }

    /** Connections loading data and building indexes at once, for new databases and swaps (default 2). */
    public PostgresTarget jobs(int jobs) {
        if (jobs < 1 || jobs > 64) {
            throw BackupException.badInput("jobs must be between 1 and 64, not " + jobs + ".");
        }
        return with(new TargetSettings(s.mode(), s.database(), s.adminDatabase(), s.source(), jobs, s.maintenanceWorkMem(),
                s.lockTimeout(), s.retryBackoff(), s.terminateSessions(), s.tables(), s.where(), s.merge(), s.withParents()));
    }

    /** {@code maintenance_work_mem} for index builds, when the server's is lower (default {@code 256MB}). */
    public PostgresTarget maintenanceWorkMem(String setting) {
        if (!Objects.requireNonNull(setting, "setting").matches("\\d+\\s*(kB|MB|GB)?")) {
            throw BackupException.badInput("maintenance_work_mem must look like 256MB, not '" + setting + "'.");
        }
        return with(new TargetSettings(s.mode(), s.database(), s.adminDatabase(), s.source(), s.jobs(), setting,
                s.lockTimeout(), s.retryBackoff(), s.terminateSessions(), s.tables(), s.where(), s.merge(), s.withParents()));
    }

    /** How long to wait for locks held by the live database's other sessions before giving up (default 30 s). */
    public PostgresTarget lockTimeout(Duration timeout) {
        if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
            throw BackupException.badInput("The lock timeout must be positive.");
        }
        return with(new TargetSettings(s.mode(), s.database(), s.adminDatabase(), s.source(), s.jobs(), s.maintenanceWorkMem(),
                timeout, s.retryBackoff(), s.terminateSessions(), s.tables(), s.where(), s.merge(), s.withParents()));
    }

    /**
     * The wait before the first of three reconnection attempts after the server refuses or drops
     * a connection attempt; it doubles each time (default 500 ms).
     */
    public PostgresTarget retryBackoff(Duration backoff) {
        if (Objects.requireNonNull(backoff, "backoff").isNegative()) {
            throw BackupException.badInput("The retry backoff cannot be negative.");
        }
        return with(new TargetSettings(s.mode(), s.database(), s.adminDatabase(), s.source(), s.jobs(), s.maintenanceWorkMem(),
                s.lockTimeout(), backoff, s.terminateSessions(), s.tables(), s.where(), s.merge(), s.withParents()));
    }

    /** True when executing this restore changes or removes what is in an existing database (CLI: needs --yes). */
    public boolean destructive() {
        return s.mode() != Mode.NEW_DATABASE;
    }

    @Override
    public RestorePlan plan(RestoreContext context) {
        validate();
        return switch (s.mode()) {
            case NEW_DATABASE, SWAP -> new DatabaseRestorePlan(context, s);
            case REPLACE -> new ReplaceDatabasePlan(context, s);
            case TABLES, DATA_ONLY -> new LiveTablesPlan(context, s);
        };
    }

    private void validate() {
        boolean rows = !s.where().isEmpty();
        if (s.mode() == Mode.TABLES && rows && !s.merge() && !s.tables().isEmpty() && !s.where().keySet().containsAll(s.tables())) {
            throw BackupException.badInput("Selected rows are merged, never replaced: add merge() (--merge) to merge the whole "
                    + "tables too, or restore them separately.");
        }
        if ((s.mode() == Mode.NEW_DATABASE || s.mode() == Mode.SWAP || s.mode() == Mode.REPLACE)
                && (rows || s.merge() || s.withParents() || !s.tables().isEmpty())) {
            throw BackupException.badInput("Tables, rows, merge and parents apply to restores into tables of a live database "
                    + "(tables(...) or dataOnly(...)), not to a whole-database restore.");
        }
        if (s.terminateSessions() && s.mode() != Mode.SWAP) {
            throw BackupException.badInput("terminateSessions applies to a swap only.");
        }
    }

    @Override
    public String toString() {
        return switch (s.mode()) {
            case NEW_DATABASE -> "new database " + s.database();
            case SWAP -> "swap into " + s.database();
            case REPLACE -> "replace " + s.database();
            case TABLES -> "tables " + s.tables() + " of " + s.database();
            case DATA_ONLY -> "data only into " + s.database();
        };
    }
}
