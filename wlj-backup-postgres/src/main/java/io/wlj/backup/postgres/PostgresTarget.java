package io.wlj.backup.postgres;

import io.wlj.backup.BackupException;
import io.wlj.backup.RestorePlan;
import io.wlj.backup.postgres.internal.DatabaseRestorePlan;
import io.wlj.backup.spi.RestoreContext;
import io.wlj.backup.spi.RestoreTarget;
import java.util.Objects;

/**
 * A new PostgreSQL database as a restore target:
 * {@code system.restore(id).to(PostgresTarget.newDatabase(PostgresDatabase.url(...))).plan()}.
 * The database named in the URL is created (through the {@code postgres} maintenance database of
 * the same server, with the same credentials) and must not exist yet. Immutable.
 */
public final class PostgresTarget implements RestoreTarget {
    private final PostgresDatabase database;
    private final String adminDatabase;
    private final String source;
    private final int jobs;
    private final String maintenanceWorkMem;

    private PostgresTarget(PostgresDatabase database, String adminDatabase, String source, int jobs, String maintenanceWorkMem) {
        this.database = database;
        this.adminDatabase = adminDatabase;
        this.source = source;
        this.jobs = jobs;
        this.maintenanceWorkMem = maintenanceWorkMem;
    }

    /** Restore into a database that this restore creates; {@code database} must be given by URL. */
    public static PostgresTarget newDatabase(PostgresDatabase database) {
        Objects.requireNonNull(database, "database");
        if (database.isDataSource()) {
            throw BackupException.badInput("A new database is named by a JDBC URL; a data source cannot create its own database.");
        }
        return new PostgresTarget(database, "postgres", null, 2, "256MB");
    }

    /** The database used to create the new one (default {@code postgres}). */
    public PostgresTarget adminDatabase(String name) {
        return new PostgresTarget(database, Objects.requireNonNull(name, "name"), source, jobs, maintenanceWorkMem);
    }

    /** Which PostgreSQL source of the backup to restore, when it has several. */
    public PostgresTarget source(String name) {
        return new PostgresTarget(database, adminDatabase, Objects.requireNonNull(name, "name"), jobs, maintenanceWorkMem);
    }

    /** Connections loading data and building indexes at once (default 2). */
    public PostgresTarget jobs(int jobs) {
        if (jobs < 1 || jobs > 64) {
            throw BackupException.badInput("jobs must be between 1 and 64, not " + jobs + ".");
        }
        return new PostgresTarget(database, adminDatabase, source, jobs, maintenanceWorkMem);
    }

    /** {@code maintenance_work_mem} for index builds (default {@code 256MB}). */
    public PostgresTarget maintenanceWorkMem(String setting) {
        if (!Objects.requireNonNull(setting, "setting").matches("\\d+\\s*(kB|MB|GB)?")) {
            throw BackupException.badInput("maintenance_work_mem must look like 256MB, not '" + setting + "'.");
        }
        return new PostgresTarget(database, adminDatabase, source, jobs, setting);
    }

    @Override
    public RestorePlan plan(RestoreContext context) {
        return new DatabaseRestorePlan(context, source, database, adminDatabase, jobs, maintenanceWorkMem);
    }

    @Override
    public String toString() {
        return "new database " + database;
    }
}
