package io.wlj.backup.postgres.internal;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.GateResult;
import io.wlj.backup.postgres.PostgresDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The queries behind {@link io.wlj.backup.postgres.PostgresGates}, and their retry rule. */
public final class DatabaseChecks {
    private DatabaseChecks() {
    }

    /** What a check found. */
    public record Outcome(GateResult.Status status, String evidence) {
        static Outcome pass(String evidence) {
            return new Outcome(GateResult.Status.PASS, evidence);
        }

        static Outcome fail(String evidence) {
            return new Outcome(GateResult.Status.FAIL, evidence);
        }
    }

    @FunctionalInterface
    public interface Check {
        Outcome run(Connection c) throws SQLException;
    }

    /** On the restore's connection: once, since a failed statement has already aborted its transaction. */
    public static Outcome once(Connection c, Check check) {
        try {
            return check.run(c);
        } catch (SQLException e) {
            return Outcome.fail("the check failed: " + Failures.describe(e));
        }
    }

    /** On a connection of its own: transient failures are retried three times, waiting {@code backoff}, then twice that, and so on. */
    public static Outcome withRetries(PostgresDatabase database, Check check, Duration backoff) {
        long wait = backoff.toMillis();
        String last = null;
        for (int attempt = 1; attempt <= 4; attempt++) {
            try (Connection c = database.connect()) {
                return check.run(c);
            } catch (BackupException e) {
                if (e.code() != ErrorCode.SOURCE_FAILED) {
                    return Outcome.fail(e.getMessage());
                }
                last = e.getMessage();
            } catch (SQLException e) {
                if (!transient_(e)) {
                    return Outcome.fail("the check failed: " + Failures.describe(e));
                }
                last = Failures.describe(e);
            }
            if (attempt < 4) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return Outcome.fail("interrupted while retrying: " + last);
                }
                wait *= 2;
            }
        }
        return Outcome.fail("failed 4 times (3 retries): " + last);
    }

    /** Connection trouble, the server starting or stopping, serialization failures and deadlocks pass. */
    static boolean transient_(SQLException e) {
        String s = e.getSQLState() == null ? "" : e.getSQLState();
        return s.startsWith("08") || s.equals("57P01") || s.equals("57P02") || s.equals("57P03") || s.equals("40001") || s.equals("40P01");
    }

    /**
     * The table {@code name} names, as SQL: a qualified name as written, a bare one looked up in
     * the search path and, failing that (restore sessions run with an empty search path), in every
     * user schema, where it must be unique. Null when there is none.
     */
    static String resolve(Connection c, String name) throws SQLException {
        String found = Sql.value(c, "SELECT pg_catalog.to_regclass(" + Sql.literal(name) + ")::text");
        if (found != null || name.contains(".")) {
            return found;
        }
        List<String> matches = new ArrayList<>();
        Sql.query(c, "SELECT c.oid::pg_catalog.regclass::text FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE c.relname = " + Sql.literal(name) + " AND c.relkind IN ('r', 'p', 'v', 'm') AND "
                + Scoping.USER_NAMESPACE, rs -> matches.add(rs.getString(1)));
        return matches.size() == 1 ? matches.get(0) : null;
    }

    public static Outcome connectivity(Connection c) throws SQLException {
        String one = Sql.value(c, "SELECT 1");
        return "1".equals(one) ? Outcome.pass("SELECT 1 answered") : Outcome.fail("SELECT 1 answered " + one);
    }

    public static Outcome rowCount(Connection c, String table, long min, long max) throws SQLException {
        String exists = resolve(c, table);
        if (exists == null) {
            return Outcome.fail("there is no table " + table);
        }
        long n = Long.parseLong(Sql.value(c, "SELECT count(*) FROM " + exists));
        boolean ok = n >= min && n <= max;
        String wanted = min == max ? "exactly " + min : "at least " + min;
        return ok ? Outcome.pass(table + " has " + n + " row(s), " + wanted + " wanted")
                : Outcome.fail(table + " has " + n + " row(s) where " + wanted + " are required");
    }

    public static Outcome foreignKeys(Connection c) throws SQLException {
        TargetCatalog catalog = TargetCatalog.read(c);
        List<String> bad = new ArrayList<>();
        for (TargetCatalog.ForeignKey fk : catalog.foreignKeys) {
            long n = RestoreChecks.orphanCount(c, catalog, fk);
            if (n > 0) {
                bad.add(fk.describe() + (fk.validated() ? "" : " (NOT VALID)") + ": " + n + " orphaned row(s)");
            }
        }
        return bad.isEmpty() ? Outcome.pass(catalog.foreignKeys.size() + " foreign key(s), NOT VALID ones included: no orphaned row")
                : Outcome.fail(String.join("; ", bad));
    }

    public static Outcome sqlTrue(Connection c, String query) throws SQLException {
        String v = Sql.value(c, query);
        return "t".equals(v) || "true".equalsIgnoreCase(v) ? Outcome.pass("the query returned true")
                : Outcome.fail("the query returned " + (v == null ? "no row" : v) + ", not true");
    }

    public static Outcome flyway(Connection c, String table) throws SQLException {
        String t = resolve(c, table);
        if (t == null) {
            return Outcome.fail("there is no Flyway history table " + table);
        }
        List<String> failed = new ArrayList<>();
        long[] total = {0};
        Sql.query(c, "SELECT coalesce(version, '(repeatable)') || ' ' || description, success FROM " + t + " ORDER BY installed_rank", rs -> {
            total[0]++;
            if (!rs.getBoolean(2)) {
                failed.add(rs.getString(1));
            }
        });
        if (total[0] == 0) {
            return Outcome.fail(table + " records no migration");
        }
        return failed.isEmpty() ? Outcome.pass(total[0] + " migration(s), all successful")
                : Outcome.fail("failed migration(s): " + String.join("; ", failed));
    }

    public static Outcome django(Connection c, String app, String name) throws SQLException {
        String t = resolve(c, "django_migrations");
        if (t == null) {
            return Outcome.fail("there is no django_migrations table");
        }
        String latest = Sql.value(c, "SELECT name FROM " + t + " WHERE app = " + Sql.literal(app) + " ORDER BY id DESC LIMIT 1");
        String found = Sql.value(c, "SELECT 1 FROM " + t + " WHERE app = " + Sql.literal(app) + " AND name = " + Sql.literal(name));
        return found != null ? Outcome.pass(app + "." + name + " is applied (latest of " + app + ": " + latest + ")")
                : Outcome.fail(app + "." + name + " is not applied; the latest of " + app + " is " + (latest == null ? "none" : latest));
    }
}
