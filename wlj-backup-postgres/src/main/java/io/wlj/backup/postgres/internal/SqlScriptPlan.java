package io.wlj.backup.postgres.internal;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupId;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.RestorePlan;
import io.wlj.backup.RestoreReport;
import io.wlj.backup.spi.RepositoryLock;
import io.wlj.backup.spi.RestoreContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a JDBC-engine backup as one plain SQL script that {@code psql -v ON_ERROR_STOP=1 -f}
 * restores into an empty database: settings, pre-data, every COPY block as stored, sequence
 * values, large objects, post-data. Each artifact's checksums are proven as it streams by; a
 * damaged artifact stops the script with an error (callers writing a file write it aside and
 * rename it only on success).
 */
public final class SqlScriptPlan implements RestorePlan {
    private final RestoreContext context;
    private final StoredDump dump;
    private final OutputStream out;

    public SqlScriptPlan(RestoreContext context, String sourceName, OutputStream out) {
        this.context = context;
        this.dump = StoredDump.open(context, sourceName);
        this.out = out;
    }

    @Override
    public BackupId backupId() {
        return context.manifest().id();
    }

    @Override
    public List<String> steps() {
        Toc toc = dump.toc();
        List<String> steps = new ArrayList<>();
        steps.add("Write session settings and " + toc.entries().stream().filter(e -> e.section() == Toc.Section.PRE_DATA).count()
                + " schema object(s)");
        steps.add("Write " + toc.tables().size() + " COPY block(s) from " + dump.dataByArtifact().size() + " data artifact(s)");
        steps.add("Write " + toc.sequences().size() + " sequence value(s) and " + toc.largeObjectCount() + " large object(s)");
        steps.add("Write " + toc.entries().stream().filter(e -> e.section() == Toc.Section.POST_DATA).count() + " post-data object(s)");
        return steps;
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("Export of backup ").append(backupId()).append(" (source '").append(dump.source())
                .append("') as a SQL script\n");
        List<String> steps = steps();
        for (int i = 0; i < steps.size(); i++) {
            sb.append(String.format("  %d. %s%n", i + 1, steps.get(i)));
        }
        return sb.toString();
    }

    @Override
    public RestoreReport execute() {
        Instant start = Instant.now();
        Toc toc = dump.toc();
        try (RepositoryLock lock = context.lockRepository("export " + backupId())) {
            line("-- wlj-backup export of backup " + backupId() + ", source '" + dump.source() + "'");
            line("-- Taken from database " + toc.database() + " on PostgreSQL " + toc.serverVersion() + " (encoding " + toc.encoding()
                    + "). Restore into an empty database with: psql -X -v ON_ERROR_STOP=1 -d DATABASE -f THIS_FILE");
            for (String u : toc.unsupported()) {
                line("-- NOT IN THIS BACKUP: " + u);
            }
            line("");
            SqlScripts.preData(toc, out);
            for (Map.Entry<String, List<Toc.TableData>> e : dump.dataByArtifact().entrySet()) {
                line("-- Data from artifact " + e.getKey() + ": " + e.getValue().size() + " table(s)");
                try (InputStream in = dump.open(e.getKey())) {
                    in.transferTo(out);
                }
            }
            if (toc.largeObjects() != null) {
                try (InputStream in = dump.open(toc.largeObjects())) {
                    in.transferTo(out);
                }
            }
            line("");
            SqlScripts.postData(toc, out);
            line("-- End of export");
            out.flush();
            context.audit("export", start, "SUCCESS", steps(), List.of(), Map.of("backupId", backupId().value(), "format", "sql"));
            return new RestoreReport(backupId(), List.of(new RestoreReport.Step("export", "SQL script written",
                    Duration.between(start, Instant.now()))), List.of(), Duration.between(start, Instant.now()));
        } catch (IOException | RuntimeException e) {
            BackupException failure = e instanceof BackupException be ? be
                    : new BackupException(ErrorCode.IO, "The export of backup " + backupId() + " failed: " + e.getMessage() + ".", e);
            context.audit("export", start, "FAILED", List.of(), List.of(), Map.of("backupId", backupId().value(), "format", "sql",
                    "error", failure.code().name(), "message", failure.getMessage()));
            throw failure;
        }
    }

    private void line(String s) throws IOException {
        out.write((s + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
