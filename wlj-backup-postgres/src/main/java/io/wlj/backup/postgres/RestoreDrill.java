package io.wlj.backup.postgres;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupId;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.GateResult;
import io.wlj.backup.RestoreFailedException;
import io.wlj.backup.RestoreReport;
import io.wlj.backup.repository.VerificationRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A restore drill: "an integrity hash is not a recovery test". The backup is restored into a
 * scratch database on a server, with every check a real restore makes (checksums and MDC as the
 * data streams, each table's row count, foreign keys) plus the gates configured at
 * {@code AFTER_RESTORE_BEFORE_COMMIT} and {@code AFTER_RESTORE}, which see the scratch database.
 * The scratch database is dropped again whatever happens, and the outcome is kept as a
 * verification record of kind {@value VerificationRecord#RESTORE_TEST} with its steps, timings
 * and gate results. Immutable.
 */
public final class RestoreDrill {
    private final PostgresDatabase server;
    private final int jobs;

    private RestoreDrill(PostgresDatabase server, int jobs) {
        this.server = server;
        this.jobs = jobs;
    }

    /**
     * Drills on the server of {@code maintenance}, whose URL names a database to connect to for
     * creating and dropping the scratch one (usually {@code postgres}).
     */
    public static RestoreDrill on(PostgresDatabase maintenance) {
        Objects.requireNonNull(maintenance, "maintenance");
        if (maintenance.isDataSource() || maintenance.databaseName().isEmpty()) {
            throw BackupException.badInput("A restore drill needs the server by a JDBC URL naming a maintenance database, such as "
                    + "jdbc:postgresql://HOST/postgres.");
        }
        return new RestoreDrill(maintenance, 2);
    }

    /** Connections loading the scratch database (default 2). */
    public RestoreDrill jobs(int jobs) {
        if (jobs < 1 || jobs > 64) {
            throw BackupException.badInput("jobs must be between 1 and 64, not " + jobs + ".");
        }
        return new RestoreDrill(server, jobs);
    }

    /** Runs the drill of backup {@code id} of {@code system}'s repository and records its outcome there. */
    public VerificationRecord run(BackupSystem system, BackupId id) {
        Instant start = Instant.now();
        String scratch = "wlj_drill_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        List<String> problems = new ArrayList<>();
        List<GateResult> gates = new ArrayList<>();
        List<String> steps = new ArrayList<>();
        long rows = 0;
        int tables = 0;
        try {
            RestoreReport report = system.restore(id).to(PostgresTarget.newDatabase(server.withDatabase(scratch))
                    .adminDatabase(server.databaseName()).jobs(jobs)).plan().execute();
            gates.addAll(report.gates());
            report.steps().forEach(s -> steps.add(s.name() + " (" + s.duration().toMillis() + " ms): " + s.detail()));
            report.warnings().forEach(w -> problems.add("warning: " + w));
            rows = report.tables().stream().mapToLong(RestoreReport.TableResult::rows).sum();
            tables = report.tables().size();
            gates.stream().filter(GateResult::failed).forEach(g -> problems.add("gate '" + g.gate() + "' failed: " + g.evidence()));
        } catch (RestoreFailedException e) {
            gates.addAll(e.report().gates());
            e.report().steps().forEach(s -> steps.add(s.name() + " (" + s.duration().toMillis() + " ms): " + s.detail()));
            problems.add("stopped at step '" + e.stoppedAt() + "': " + e.getMessage());
        } catch (BackupException e) {
            if (e.code() == ErrorCode.BAD_INPUT || e.code() == ErrorCode.NOT_FOUND) {
                throw e; // a wrong id, key or URL is the caller's to fix, not a finding about the backup
            }
            problems.add(e.getMessage());
        } finally {
            drop(scratch);
        }
        boolean passed = problems.stream().noneMatch(p -> !p.startsWith("warning: "));
        VerificationRecord record = new VerificationRecord(id, Instant.now(), VerificationRecord.RESTORE_TEST, passed, tables, rows,
                Duration.between(start, Instant.now()), problems, gates, steps);
        system.repository().recordVerification(record);
        return record;
    }

    private void drop(String scratch) {
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE datname = '" + scratch + "'");
            s.execute("DROP DATABASE IF EXISTS \"" + scratch + "\"");
        } catch (SQLException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(RestoreDrill.class).warn("The drill's scratch database {} could not be dropped: {}", scratch,
                    e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "restore drill on " + server;
    }
}
