package io.wlj.backup.postgres.internal;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.postgres.PostgresDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the restore's connections to a target. An outage (refused, reset, "starting up") is
 * retried three times with exponential backoff, as the playbooks' halting rules ask; a wrong
 * password or a missing database is not retried. Connections carry the application name
 * {@value #APPLICATION_NAME}, so operators (and tests) can find them in {@code pg_stat_activity}.
 */
public final class RestoreConnections {
    public static final String APPLICATION_NAME = "wlj-backup-restore";
    static final int RETRIES = 3;
    private static final Logger LOG = LoggerFactory.getLogger(RestoreConnections.class);

    private final PostgresDatabase database;
    private final Duration backoff;

    RestoreConnections(PostgresDatabase database, Duration backoff) {
        this.database = database.isDataSource() ? database : database.option("ApplicationName", APPLICATION_NAME);
        this.backoff = backoff;
    }

    PostgresDatabase database() {
        return database;
    }

    /** A connection in the driver's default (extended) protocol: one statement per call. */
    Connection open() {
        return open(false);
    }

    /**
     * A connection for running a backup's schema entries: the simple query protocol, where the
     * server itself splits an entry into statements (the driver's own splitting gets bodies such
     * as {@code BEGIN ATOMIC ... END} wrong), with the restore session settings.
     */
    Connection openForSchema() throws SQLException {
        Connection c = open(true);
        for (String s : Sql.RESTORE_SETTINGS) {
            Sql.execute(c, s);
        }
        return c;
    }

    private Connection open(boolean simple) {
        PostgresDatabase db = simple && !database.isDataSource() ? database.option("preferQueryMode", "simple") : database;
        long wait = backoff.toMillis();
        for (int attempt = 0; ; attempt++) {
            try {
                return db.connect();
            } catch (BackupException e) {
                if (e.code() != ErrorCode.SOURCE_FAILED || attempt == RETRIES) {
                    throw attempt == 0 ? e : new BackupException(e.code(), e.getMessage().replaceAll("\\.$", "")
                            + " (tried " + (attempt + 1) + " times).", null);
                }
                LOG.warn("Connecting to {} failed ({}); trying again in {} ms", database, e.getMessage(), wait);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new BackupException(ErrorCode.CANCELLED, "Interrupted while waiting to reconnect to " + database + ".");
                }
                wait *= 2;
            }
        }
    }
}
