package io.wlj.backup.postgres.internal;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Renames databases for a swap or its rollback. Both renames run in one transaction on the
 * maintenance database, so either both happen or neither does. When allowed, new connections to
 * the live database are refused and its sessions terminated first; otherwise any session stops the swap.
 */
public final class DatabaseSwap {
    private static final long TERMINATE_WAIT_MILLIS = 10_000;
    private final RestoreConnections admin;
    private final boolean terminate;
    private String blocked;

    public DatabaseSwap(RestoreConnections admin, boolean terminateSessions) {
        this.admin = admin;
        this.terminate = terminateSessions;
    }

    /** Makes sure nothing is connected to {@code live}: refuses, or ends the sessions. */
    String clearSessions(String live) throws SQLException {
        try (Connection c = admin.open()) {
            List<String> sessions = DatabaseNames.sessions(c, live);
            if (!terminate) {
                if (!sessions.isEmpty()) {
                    throw new BackupException(ErrorCode.TARGET_NOT_EMPTY, "Database " + Sql.ident(live) + " has " + sessions.size()
                            + " other session(s) (" + String.join(", ", sessions) + "), so it cannot be renamed; stop them, or allow "
                            + "terminating them (terminateSessions / --terminate-sessions).");
                }
                return "no session connected";
            }
            Sql.execute(c, "ALTER DATABASE " + Sql.ident(live) + " ALLOW_CONNECTIONS false");
            blocked = live;
            Sql.execute(c, "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE datname = "
                    + Sql.literal(live) + " AND pid <> pg_catalog.pg_backend_pid()");
            // pg_terminate_backend only signals; wait (bounded) until the backends have gone.
            long deadline = System.nanoTime() + TERMINATE_WAIT_MILLIS * 1_000_000;
            while (!DatabaseNames.sessions(c, live).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new BackupException(ErrorCode.LOCKED, "Sessions on " + Sql.ident(live) + " did not end within "
                            + TERMINATE_WAIT_MILLIS / 1000 + " s of being terminated.");
                }
                Sql.value(c, "SELECT pg_catalog.pg_sleep(0.05)");
            }
            return sessions.size() + " session(s) terminated" + (sessions.isEmpty() ? "" : ": " + String.join(", ", sessions));
        }
    }

    /** Renames {@code live} to {@code setAside} and {@code replacement} to {@code live} atomically, marking the set-aside one. */
    void swap(String live, String setAside, String replacement, String marker) throws SQLException {
        try (Connection c = admin.open()) {
            try {
                c.setAutoCommit(false);
                Sql.execute(c, "ALTER DATABASE " + Sql.ident(live) + " RENAME TO " + Sql.ident(setAside));
                Sql.execute(c, "ALTER DATABASE " + Sql.ident(replacement) + " RENAME TO " + Sql.ident(live));
                if (marker != null) {
                    Sql.execute(c, "COMMENT ON DATABASE " + Sql.ident(setAside) + " IS " + Sql.literal(marker));
                }
                Sql.execute(c, "COMMENT ON DATABASE " + Sql.ident(live) + " IS NULL");
                c.commit();
                if (blocked != null) {
                    blocked = setAside;
                }
            } catch (SQLException e) {
                c.rollback();
                if (e.getSQLState() != null && e.getSQLState().equals("55006")) {
                    throw new BackupException(ErrorCode.TARGET_NOT_EMPTY, "Database " + Sql.ident(live) + " could not be renamed because "
                            + "a session connected to it meanwhile (" + Failures.describe(e) + "); allow terminating sessions "
                            + "(terminateSessions / --terminate-sessions).", null);
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
                reopen(c);
            }
        }
    }

    /** Lets connections into the database that was closed to them, under whatever name it has now. */
    private void reopen(Connection c) {
        if (blocked == null) {
            return;
        }
        try {
            Sql.execute(c, "ALTER DATABASE " + Sql.ident(blocked) + " ALLOW_CONNECTIONS true");
            blocked = null;
        } catch (SQLException ignored) {
            // reported by the caller's failure; an operator can run ALTER DATABASE ... ALLOW_CONNECTIONS true
        }
    }

    /** After a failure between clearing sessions and the swap: let connections in again. */
    void release() {
        if (blocked == null) {
            return;
        }
        try (Connection c = admin.open()) {
            reopen(c);
        } catch (RuntimeException | SQLException ignored) {
            // nothing more to do here
        }
    }
}
