package io.wlj.backup.postgres.internal;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.postgres.PostgresSource;
import io.wlj.backup.postgres.Scope;
import io.wlj.backup.spi.SourceContext;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC engine: a logical backup consistent as of one snapshot, the way {@code pg_dump -j}
 * takes it. The leader opens a REPEATABLE READ, READ ONLY transaction, exports its snapshot,
 * lists the relations in scope with plain catalog reads, locks each one ACCESS SHARE (so no DDL
 * can change them until the end), and only then runs the server's deparsing functions. Workers
 * import the snapshot and stream tables with {@code COPY ... TO STDOUT}.
 */
public final class JdbcDump {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcDump.class);
    static final int MIN_SERVER = 120000;

    private final PostgresSource source;

    public JdbcDump(PostgresSource source) {
        this.source = source;
    }

    public void backup(SourceContext context) throws IOException {
        try (Connection leader = source.database().connect()) {
            run(leader, context);
        } catch (SQLException e) {
            throw new BackupException(ErrorCode.SOURCE_FAILED, "The backup of " + source.database() + " failed: "
                    + Failures.describe(e) + ".", null);
        }
    }

    private void run(Connection leader, SourceContext context) throws SQLException, IOException {
        int version = Integer.parseInt(Sql.value(leader, "SHOW server_version_num"));
        if (version < MIN_SERVER) {
            throw BackupException.badInput("The server at " + source.database() + " runs PostgreSQL " + Sql.value(leader, "SHOW server_version")
                    + "; the JDBC engine needs 12 or newer.");
        }
        for (String s : Sql.DUMP_SETTINGS) {
            Sql.execute(leader, s);
        }
        Sql.execute(leader, "SET lock_timeout = " + Math.max(1, source.lockTimeout().toMillis()));
        Sql.execute(leader, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        String snapshot = source.jobs() > 1 && source.scope() != Scope.SCHEMA_ONLY ? Sql.value(leader, "SELECT pg_catalog.pg_export_snapshot()") : null;
        Scoping scope = new Scoping(leader, source.includeSchemas(), source.excludeSchemas(), source.includeTables(), source.excludeTables());
        if (scope.filtered(source.includeTables(), source.excludeTables()) && scope.relations.isEmpty()) {
            throw BackupException.badInput("No table of " + source.database() + " matches the include/exclude patterns given; nothing to back up.");
        }
        long t0 = System.nanoTime();
        lock(leader, scope);
        long t1 = System.nanoTime();
        Sql.execute(leader, "SET lock_timeout = 0");
        context.progress().beginTask(source.name() + ": schema", -1);
        String[] db = new String[4];
        Sql.query(leader, "SELECT current_database(), pg_catalog.pg_encoding_to_char(encoding), datcollate, datctype "
                + "FROM pg_catalog.pg_database WHERE datname = current_database()", rs -> {
                    for (int i = 0; i < 4; i++) {
                        db[i] = rs.getString(i + 1);
                    }
                });
        List<Toc.Entry> entries = List.of();
        List<String> unsupported = new ArrayList<>();
        if (source.scope() != Scope.DATA_ONLY) {
            SchemaModel model = new SchemaModel(leader, version, scope);
            SchemaReader reader = new SchemaReader(model, source.ownershipAndGrants());
            entries = reader.read();
            unsupported.addAll(reader.unsupported());
            for (String c : reader.cyclesBroken()) {
                context.warn("a dependency cycle was broken at " + c + "; check the restore of this object");
            }
        }
        context.progress().endTask(source.name() + ": schema");
        long t2 = System.nanoTime();
        List<Toc.TableData> tables = List.of();
        List<Toc.SequenceValue> sequences = List.of();
        String largeObjects = null;
        long largeObjectCount = 0;
        if (source.scope() != Scope.SCHEMA_ONLY) {
            tables = new TableDataDump(source, context, leader, snapshot, scope).run();
            sequences = sequenceValues(leader, scope);
            if (!scope.filtered(source.includeTables(), source.excludeTables()) && source.includeSchemas().isEmpty()
                    && source.excludeSchemas().isEmpty()) {
                long[] count = new long[1];
                largeObjects = LargeObjects.dump(leader, context, count);
                largeObjectCount = count[0];
            }
        }
        long t3 = System.nanoTime();
        LOG.debug("Locked {} relations in {} ms, read the schema in {} ms, the data in {} ms", scope.relations.size(),
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
        Toc toc = new Toc(Toc.FORMAT_VERSION, Sql.value(leader, "SHOW server_version"), version, db[0], db[1], db[2], db[3],
                source.scope().name(), entries, tables, sequences, largeObjects, largeObjectCount, unsupported,
                scope.filtered(source.includeTables(), source.excludeTables()) || !source.includeSchemas().isEmpty()
                        || !source.excludeSchemas().isEmpty());
        if (source.scope() != Scope.DATA_ONLY) {
            try (OutputStream out = context.newArtifact(SqlScripts.PRE_DATA, "sql")) {
                SqlScripts.preData(toc, out);
            }
        }
        try (OutputStream out = context.newArtifact(SqlScripts.POST_DATA, "sql")) {
            SqlScripts.postData(toc, out);
        }
        try (OutputStream out = context.newArtifact(Toc.ARTIFACT, "json")) {
            TocJson.write(toc, out);
        }
        context.instructions(SqlScripts.instructions(toc));
        Sql.execute(leader, "COMMIT");
        record(context, toc);
    }

    /** Tables locked per LOCK statement: few round trips for thousands of tables, a short list to search on failure. */
    static final int LOCK_BATCH = 100;

    private void lock(Connection leader, Scoping scope) throws SQLException {
        List<Relation> tables = scope.relations.values().stream().filter(r -> r.kind() == 'r' || r.kind() == 'p').toList();
        for (int i = 0; i < tables.size(); i += LOCK_BATCH) {
            List<Relation> batch = tables.subList(i, Math.min(tables.size(), i + LOCK_BATCH));
            StringBuilder sql = new StringBuilder("LOCK TABLE ");
            for (int j = 0; j < batch.size(); j++) {
                sql.append(j == 0 ? "" : ", ").append("ONLY ").append(batch.get(j).qualified());
            }
            try {
                Sql.execute(leader, sql.append(" IN ACCESS SHARE MODE").toString());
            } catch (SQLException e) {
                throw lockFailure(e, scope, batch);
            }
        }
    }

    /** Names the table behind a failed batch lock, asking the server on a connection of its own. */
    private RuntimeException lockFailure(SQLException e, Scoping scope, List<Relation> batch) {
        String state = e.getSQLState();
        if ("53200".equals(state)) {
            return new BackupException(ErrorCode.SOURCE_FAILED, "The server ran out of lock slots while locking the "
                    + scope.relations.size() + " relations to back up; raise max_locks_per_transaction (pg_dump needs the "
                    + "same) or back up fewer tables at a time. Nothing was sealed.", null);
        }
        if (!"55P03".equals(state) && !"42501".equals(state)) {
            return new BackupException(ErrorCode.SOURCE_FAILED, "Locking the tables to back up failed: " + Failures.describe(e)
                    + ". Nothing was sealed.", null);
        }
        String culprit = batch.size() == 1 ? batch.get(0).qualified() : null;
        try (Connection probe = source.database().connect()) {
            String oids = Scoping.oidArray(batch.stream().map(Relation::oid).toList());
            String query = "55P03".equals(state)
                    ? "SELECT l.relation FROM pg_catalog.pg_locks l WHERE l.granted AND l.mode = 'AccessExclusiveLock' "
                            + "AND l.relation = ANY(" + oids + ") ORDER BY 1 LIMIT 1"
                    : "SELECT c.oid FROM pg_catalog.pg_class c WHERE c.oid = ANY(" + oids + ") "
                            + "AND NOT pg_catalog.has_table_privilege(c.oid, 'SELECT') ORDER BY 1 LIMIT 1";
            String oid = Sql.value(probe, query);
            if (oid != null) {
                culprit = scope.relations.get(Long.parseLong(oid)).qualified();
            }
        } catch (SQLException | RuntimeException ignored) {
            // the original failure is reported, with the table when it could be found
        }
        String which = culprit != null ? "Table " + culprit : "One of the tables " + batch.get(0).qualified() + " ... "
                + batch.get(batch.size() - 1).qualified();
        if ("55P03".equals(state)) {
            return new BackupException(ErrorCode.LOCKED, which + " could not be locked within " + source.lockTimeout().toMillis() / 1000.0
                    + " s: another session holds a conflicting lock (ALTER TABLE, VACUUM FULL, an explicit LOCK...). Nothing was sealed.",
                    null);
        }
        return BackupException.badInput("The backup user may not read " + (culprit != null ? "table " + culprit : which.toLowerCase(java.util.Locale.ROOT))
                + " (" + Failures.describe(e) + "); grant it SELECT or leave the table out with an exclude pattern.");
    }

    private List<Toc.SequenceValue> sequenceValues(Connection leader, Scoping scope) throws SQLException {
        List<Relation> seqs = scope.relations.values().stream().filter(r -> r.kind() == 'S').toList();
        List<Toc.SequenceValue> values = new ArrayList<>();
        for (int i = 0; i < seqs.size(); i += 100) {
            List<Relation> batch = seqs.subList(i, Math.min(seqs.size(), i + 100));
            StringBuilder sql = new StringBuilder();
            for (int j = 0; j < batch.size(); j++) {
                sql.append(j == 0 ? "" : " UNION ALL ").append("SELECT ").append(j).append(", last_value, is_called FROM ")
                        .append(batch.get(j).qualified());
            }
            try {
                Sql.query(leader, sql.toString(), rs -> {
                    Relation r = batch.get(rs.getInt(1));
                    values.add(new Toc.SequenceValue(r.qualified(), Sql.literal(r.qualified()), rs.getLong(2), rs.getBoolean(3)));
                });
            } catch (SQLException e) {
                if ("42501".equals(e.getSQLState())) {
                    throw BackupException.badInput("The backup user may not read a sequence of " + source.database() + " ("
                            + Failures.describe(e) + "); grant it SELECT on the sequence or exclude its table.");
                }
                throw e;
            }
        }
        return values;
    }

    private void record(SourceContext context, Toc toc) {
        Map<String, Object> rows = new LinkedHashMap<>();
        long total = 0;
        for (Toc.TableData t : toc.tables()) {
            rows.put(t.qualifiedName(), t.rows());
            total += t.rows();
        }
        context.metadata("engine", "jdbc");
        context.metadata("serverVersion", toc.serverVersion());
        context.metadata("database", toc.database());
        context.metadata("scope", toc.scope());
        context.metadata("schemaEntries", toc.entries().size());
        context.metadata("tables", toc.tables().size());
        context.metadata("rows", total);
        context.metadata("tableRows", rows);
        context.metadata("sequences", toc.sequences().size());
        context.metadata("largeObjects", toc.largeObjectCount());
        context.metadata("unsupported", toc.unsupported());
        for (String u : toc.unsupported()) {
            context.warn("not in this backup: " + u);
        }
        LOG.debug("Backed up {} tables, {} rows, {} schema entries", toc.tables().size(), total, toc.entries().size());
    }
}
