package io.wlj.backup.postgres.internal;

import io.wlj.backup.postgres.PostgresDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@link io.wlj.backup.postgres.PostgresTarget} was configured with, handed to the plans.
 *
 * @param mode               which kind of restore
 * @param database           the target database (for a swap: the live one, whose name the restored copy takes)
 * @param adminDatabase      the database used to create, rename and drop databases
 * @param source             the PostgreSQL source of the backup to restore, or null for the only one
 * @param jobs               parallel connections for loading and index builds (new databases)
 * @param maintenanceWorkMem {@code maintenance_work_mem} for index builds
 * @param lockTimeout        how long to wait for a lock on the live database before giving up
 * @param retryBackoff       the first wait before reconnecting (doubled for each of three retries)
 * @param terminateSessions  a swap may end other sessions on the live database
 * @param tables             table patterns to restore (tables and data-only modes)
 * @param where              row predicates by table pattern (merged)
 * @param merge              keep existing rows (ON CONFLICT DO NOTHING) instead of replacing tables
 * @param withParents        also restore missing parent rows of selected rows from the backup
 */
public record TargetSettings(Mode mode, PostgresDatabase database, String adminDatabase, String source, int jobs,
                             String maintenanceWorkMem, Duration lockTimeout, Duration retryBackoff, boolean terminateSessions,
                             List<String> tables, Map<String, String> where, boolean merge, boolean withParents) {

    public enum Mode { NEW_DATABASE, SWAP, REPLACE, TABLES, DATA_ONLY }

    public TargetSettings {
        tables = List.copyOf(tables);
        where = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(where));
    }

    RestoreConnections connections() {
        return new RestoreConnections(database, retryBackoff);
    }

    RestoreConnections admin() {
        return new RestoreConnections(database.withDatabase(adminDatabase), retryBackoff);
    }

    String lockTimeoutSetting() {
        return "SET lock_timeout = " + Math.max(1, lockTimeout.toMillis());
    }
}
