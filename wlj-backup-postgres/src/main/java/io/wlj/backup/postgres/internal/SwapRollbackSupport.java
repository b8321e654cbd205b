package io.wlj.backup.postgres.internal;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.postgres.PostgresDatabase;
import io.wlj.backup.postgres.SwapRollback;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The work behind {@link SwapRollback}. */
public final class SwapRollbackSupport {
    private final String live;
    private final RestoreConnections admin;
    private final boolean terminate;

    public SwapRollbackSupport(PostgresDatabase live, String adminDatabase, boolean terminate, Duration backoff) {
        this.live = live.databaseName();
        this.admin = new RestoreConnections(live.withDatabase(adminDatabase), backoff);
        this.terminate = terminate;
    }

    public List<DatabaseNames.SetAside> candidates() {
        try (Connection c = admin.open()) {
            return DatabaseNames.setAside(c, live);
        } catch (SQLException e) {
            throw new BackupException(ErrorCode.SOURCE_FAILED, "Cannot inspect " + admin.database() + ": " + Failures.describe(e) + ".", null);
        }
    }

    private DatabaseNames.SetAside latest() {
        List<DatabaseNames.SetAside> all = candidates();
        if (all.isEmpty()) {
            throw new BackupException(ErrorCode.NOT_FOUND, "No database set aside by a swap of " + Sql.ident(live) + " exists on "
                    + admin.database() + ", so there is nothing to roll back.");
        }
        return all.get(0);
    }

    private String rolledBackName() {
        return DatabaseNames.fit(live, "_rolled_back_" + DatabaseNames.stamp(Instant.now()));
    }

    public String describe() {
        DatabaseNames.SetAside s = latest();
        return "Rollback of the swap of backup " + s.backup() + " into " + Sql.ident(live) + " at " + s.at() + ":\n"
                + "  1. " + (terminate ? "Stop new connections to " + Sql.ident(live) + " and terminate its sessions"
                : "Require that no session is connected to " + Sql.ident(live)) + "\n"
                + "  2. In one transaction, rename " + Sql.ident(live) + " to " + Sql.ident(rolledBackName()) + " and "
                + Sql.ident(s.database()) + " to " + Sql.ident(live) + " (nothing is dropped)\n"
                + "Nothing has been touched yet.\n";
    }

    public SwapRollback.Result execute() {
        DatabaseNames.SetAside s = latest();
        String aside = rolledBackName();
        DatabaseSwap swap = new DatabaseSwap(admin, terminate);
        try {
            swap.clearSessions(live);
            swap.swap(live, aside, s.database(), "wlj-backup rolled-back {\"of\":\"" + live.replace("\"", "") + "\",\"backup\":\""
                    + s.backup() + "\"}");
            return new SwapRollback.Result(live, s.database(), aside, s.backup());
        } catch (SQLException e) {
            throw new BackupException(ErrorCode.IO, "The rollback of " + Sql.ident(live) + " failed: " + Failures.describe(e)
                    + "; the databases keep their names.", null);
        } finally {
            swap.release();
        }
    }
}
