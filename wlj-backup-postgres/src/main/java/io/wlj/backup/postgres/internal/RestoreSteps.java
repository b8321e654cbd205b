package io.wlj.backup.postgres.internal;

import io.wlj.backup.BackupEvent;
import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.GateFailedException;
import io.wlj.backup.GateResult;
import io.wlj.backup.IntegrityException;
import io.wlj.backup.RestoreFailedException;
import io.wlj.backup.RestoreReport;
import io.wlj.backup.spi.RestoreContext;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The steps of one restore plan: what {@code describe()} prints, and, while executing, which ran,
 * how long each took, the tables and gate results so far, and where a failure stopped it. Each
 * step announces itself with a {@link BackupEvent.Type#RESTORE_STEP} event whose subject is the
 * step's key, before it starts.
 */
final class RestoreSteps {
    /** A planned step: a short key for reports and events, and the sentence {@code describe()} prints. */
    record Planned(String key, String description) {
    }

    @FunctionalInterface
    interface Work {
        String run() throws SQLException, java.io.IOException;
    }

    private final RestoreContext context;
    private final List<Planned> planned = new ArrayList<>();
    private final List<RestoreReport.Step> done = Collections.synchronizedList(new ArrayList<>());
    private final List<RestoreReport.TableResult> tables = Collections.synchronizedList(new ArrayList<>());
    private final List<GateResult> gates = Collections.synchronizedList(new ArrayList<>());
    final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    private Optional<io.wlj.backup.BackupId> safetyBackup = Optional.empty();
    private String current;
    /** Set once the restore has taken effect (committed or swapped): from then on it is not cancelled. */
    private volatile boolean committed;
    private final Instant start = Instant.now();

    RestoreSteps(RestoreContext context) {
        this.context = context;
    }

    void plan(String key, String description) {
        planned.add(new Planned(key, description));
    }

    List<String> descriptions() {
        return planned.stream().map(Planned::description).toList();
    }

    /** Runs a planned step (or an unplanned one, such as a rollback), recording its timing and detail. */
    void run(String key, Work work) throws SQLException, java.io.IOException {
        current = key;
        context.emit(BackupEvent.Type.RESTORE_STEP, key, "Restore step '" + key + "' started");
        if (!committed && context.progress().isCancelled()) {
            throw new BackupException(ErrorCode.CANCELLED, "The restore was cancelled before step '" + key + "'.");
        }
        Instant t = Instant.now();
        String detail = work.run();
        done.add(new RestoreReport.Step(key, detail, Duration.between(t, Instant.now())));
        current = null;
    }

    /** The restore has taken effect; what follows (after-restore gates) only reports. */
    void committed() {
        committed = true;
    }

    boolean isCommitted() {
        return committed;
    }

    void table(RestoreReport.TableResult result) {
        tables.add(result);
    }

    void gates(List<GateResult> results) {
        gates.addAll(results);
        results.stream().filter(r -> r.status() == GateResult.Status.WARN)
                .forEach(r -> warnings.add("Gate '" + r.gate() + "' warns: " + r.evidence()));
    }

    void safetyBackup(io.wlj.backup.BackupId id) {
        safetyBackup = Optional.of(id);
    }

    Optional<io.wlj.backup.BackupId> safetyBackup() {
        return safetyBackup;
    }

    RestoreReport report(String rollback) {
        return new RestoreReport(context.manifest().id(), done, tables, gates, warnings, safetyBackup, rollback,
                Duration.between(start, Instant.now()));
    }

    /** The steps and then every gate result, one line each, for the audit journal. */
    List<String> auditSteps() {
        List<String> lines = new ArrayList<>(done.stream().map(s -> s.name() + ": " + s.detail()).toList());
        synchronized (gates) {
            gates.forEach(g -> lines.add("gate " + g.gate() + ": " + g.status() + " - " + g.evidence()));
        }
        return lines;
    }

    /**
     * The exception a failed execution throws: the cause as one sentence (plus {@code after}, what
     * was done to put the target back), the steps that ran, the one that stopped it and those that
     * never ran.
     */
    RestoreFailedException failure(Exception e, String what, String after) {
        if (e instanceof RestoreFailedException rf) {
            return rf;
        }
        BackupException cause;
        if (e instanceof GateFailedException gf) {
            gates.addAll(gf.results().stream().filter(r -> !gates.contains(r)).toList());
            cause = new BackupException(gf.code(), gf.getMessage() + " " + after, gf);
        } else if (e instanceof IntegrityException ie) {
            cause = new IntegrityException(ie.artifact(), ie.getMessage() + " " + after);
        } else if (e instanceof BackupException be) {
            cause = new BackupException(be.code(), be.getMessage() + " " + after, be);
        } else {
            String text = e instanceof SQLException se ? Failures.describe(se) : String.valueOf(e.getMessage());
            ErrorCode code = e instanceof SQLException se && se.getSQLState() != null && se.getSQLState().startsWith("08")
                    ? ErrorCode.SOURCE_FAILED : ErrorCode.IO;
            cause = new BackupException(code, what + " failed" + (current == null ? "" : " at step '" + current + "'") + ": "
                    + text + ". " + after, e);
        }
        String stopped = current == null ? "" : current;
        List<String> notRun = new ArrayList<>();
        boolean after2 = false;
        for (Planned p : planned) {
            if (after2) {
                notRun.add(p.key());
            }
            if (p.key().equals(stopped)) {
                after2 = true;
            }
        }
        if (stopped.isEmpty()) {
            List<String> ran = done.stream().map(RestoreReport.Step::name).toList();
            planned.stream().map(Planned::key).filter(k -> !ran.contains(k)).forEach(notRun::add);
        }
        return new RestoreFailedException(cause, report(""), stopped, notRun);
    }

    /** Plans the before-restore gates, if any are configured. */
    void planGatesBefore() {
        List<String> names = context.gateNames(io.wlj.backup.Stage.BEFORE_RESTORE);
        if (!names.isEmpty()) {
            plan("gates-before", "Run gates before touching the target: " + String.join(", ", names));
        }
    }

    /** Plans the after-restore gates, if any are configured; {@code stays} names what stays when one fails. */
    void planGatesAfter(String stays) {
        List<String> names = context.gateNames(io.wlj.backup.Stage.AFTER_RESTORE);
        if (!names.isEmpty()) {
            plan("gates-after", "Run gates after the restore (a failure is reported; " + stays + " stays): " + String.join(", ", names));
        }
    }

    /** Runs the before-restore gates as a step; a FAIL stops the restore before anything is touched. */
    void runGatesBefore() throws SQLException, java.io.IOException {
        if (!context.gateNames(io.wlj.backup.Stage.BEFORE_RESTORE).isEmpty()) {
            run("gates-before", () -> {
                gates(context.runGates(io.wlj.backup.Stage.BEFORE_RESTORE));
                return "passed";
            });
        }
    }

    /**
     * Runs the after-restore gates as a step, with a connection to the restored database for them
     * to look through. The restore has taken effect, so a FAIL (or a gate that cannot run) becomes
     * a warning; it never throws.
     */
    void runGatesAfter(String stays, RestoreConnections target) throws SQLException, java.io.IOException {
        if (!context.gateNames(io.wlj.backup.Stage.AFTER_RESTORE).isEmpty()) {
            run("gates-after", () -> {
                try (java.sql.Connection c = target.open()) {
                    gates(context.runGates(io.wlj.backup.Stage.AFTER_RESTORE, c));
                    return "passed";
                } catch (GateFailedException e) {
                    gates(e.results());
                    warnings.add("After-restore gate failed; " + stays + " stays: " + e.getMessage());
                    return "failed (reported; " + stays + " stays)";
                } catch (RuntimeException e) {
                    warnings.add("After-restore gates could not run; " + stays + " stays: " + e.getMessage());
                    return "not run (reported; " + stays + " stays)";
                }
            });
        }
    }

    /** A plan's description: the heading, every step numbered, notes, the rollback path. */
    String describe(String heading, String rollback) {
        StringBuilder sb = new StringBuilder(heading).append('\n');
        List<String> d = descriptions();
        for (int i = 0; i < d.size(); i++) {
            sb.append(String.format("  %d. %s%n", i + 1, d.get(i)));
        }
        for (String w : warnings) {
            sb.append("Note: ").append(w).append('\n');
        }
        sb.append("Rollback: ").append(rollback).append('\n');
        sb.append("Nothing has been touched yet.\n");
        return sb.toString();
    }

    /** The heading's common part: which backup, which source, which server version. */
    static String heading(io.wlj.backup.BackupId id, StoredDump dump) {
        return "Restore plan for backup " + id + " (source '" + dump.source() + "', PostgreSQL " + dump.toc().serverVersion() + ")";
    }

    /** Tables with their row counts, one per line, at most 50 (then how many more). */
    static String tableList(List<Toc.TableData> tables) {
        StringBuilder sb = new StringBuilder();
        tables.stream().limit(50).forEach(t -> sb.append("\n       ").append(t.qualifiedName()).append(": ").append(t.rows()).append(" row(s)"));
        if (tables.size() > 50) {
            sb.append("\n       ... and ").append(tables.size() - 50).append(" more table(s)");
        }
        return sb.toString();
    }
}
