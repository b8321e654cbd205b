package io.wlj.backup.postgres.internal;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.postgres.PostgresSource;
import io.wlj.backup.spi.SourceContext;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Streams every table's rows with {@code COPY ... TO STDOUT} on {@code jobs} connections that
 * share the leader's snapshot, biggest tables first. Large tables get an artifact each (so a
 * restore can load them in parallel); small ones share a batch artifact per connection, so that
 * thousands of tiny tables do not make thousands of files.
 */
final class TableDataDump {
    /** Tables bigger than this (by the planner's page count) are stored in an artifact of their own. */
    static final long OWN_ARTIFACT_BYTES = 16L << 20;
    /** A batch artifact is closed once it holds this much. */
    static final long BATCH_BYTES = 64L << 20;
    /** A worker gives back the table locks it took after this many tables. */
    static final int RELEASE_EVERY = 256;

    private final PostgresSource source;
    private final SourceContext context;
    private final Connection leader;
    private final String snapshot;
    private final Scoping scope;
    private final AtomicInteger artifacts = new AtomicInteger();
    private final AtomicBoolean failed = new AtomicBoolean();
    private final List<Placed> placed = java.util.Collections.synchronizedList(new ArrayList<>());

    private record Placed(int artifact, int position, Toc.TableData data) {
    }

    TableDataDump(PostgresSource source, SourceContext context, Connection leader, String snapshot, Scoping scope) {
        this.source = source;
        this.context = context;
        this.leader = leader;
        this.snapshot = snapshot;
        this.scope = scope;
    }

    List<Toc.TableData> run() throws SQLException, IOException {
        List<Relation> tables = new ArrayList<>(scope.relations.values().stream().filter(Relation::hasData).toList());
        tables.sort(Comparator.comparingLong(Relation::pages).reversed().thenComparing(Relation::qualified));
        Map<Long, String> columns = columnLists();
        ConcurrentLinkedQueue<Relation> queue = new ConcurrentLinkedQueue<>(tables);
        int workers = Math.max(1, Math.min(source.jobs(), tables.size()));
        List<Connection> connections = new ArrayList<>();
        connections.add(leader);
        try {
            for (int i = 1; i < workers; i++) {
                connections.add(worker());
            }
            if (workers == 1) {
                new Worker(leader, queue, columns).run();
            } else {
                runAll(connections, queue, columns);
            }
        } finally {
            for (int i = 1; i < connections.size(); i++) {
                try {
                    connections.get(i).close();
                } catch (SQLException ignored) {
                    // a worker's read-only transaction ends with its connection
                }
            }
        }
        List<Placed> sorted = new ArrayList<>(placed);
        sorted.sort(Comparator.comparingInt(Placed::artifact).thenComparingInt(Placed::position));
        return sorted.stream().map(Placed::data).toList();
    }

    private void runAll(List<Connection> connections, ConcurrentLinkedQueue<Relation> queue, Map<Long, String> columns)
            throws SQLException, IOException {
        Parallel.run(connections.size(), "wlj-postgres-copy", worker -> {
            Connection c = connections.get(worker);
            try {
                new Worker(c, queue, columns).run();
            } catch (SQLException | IOException | RuntimeException | Error e) {
                if (!failed.getAndSet(true)) {
                    for (Connection other : connections) {
                        if (other != c) {
                            cancel(other); // stop a long COPY on the other connections at once
                        }
                    }
                }
                throw e;
            }
        });
    }

    private static void cancel(Connection c) {
        try {
            c.unwrap(org.postgresql.core.BaseConnection.class).cancelQuery();
        } catch (SQLException ignored) {
            // best effort: the connection is closed right after anyway
        }
    }

    private Connection worker() throws SQLException {
        Connection c = source.database().connect();
        try {
            for (String s : Sql.DUMP_SETTINGS) {
                Sql.execute(c, s);
            }
            Sql.execute(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            Sql.execute(c, "SET TRANSACTION SNAPSHOT " + Sql.literal(snapshot));
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Each table's column list for COPY: stored columns only (generated ones are computed again on restore). */
    private Map<Long, String> columnLists() throws SQLException {
        Map<Long, List<String>> cols = new HashMap<>();
        Sql.query(leader, "SELECT a.attrelid, a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = ANY(" + scope.relationOids()
                + ") AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attrelid, a.attnum",
                rs -> cols.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(Sql.ident(rs.getString(2))));
        Map<Long, String> lists = new HashMap<>();
        cols.forEach((k, v) -> lists.put(k, String.join(", ", v)));
        return lists;
    }

    private final class Worker {
        private final Connection connection;
        private final ConcurrentLinkedQueue<Relation> queue;
        private final Map<Long, String> columns;
        private OutputStream batch;
        private int batchNumber;
        private long batchBytes;
        private int batchPosition;

        Worker(Connection connection, ConcurrentLinkedQueue<Relation> queue, Map<Long, String> columns) {
            this.connection = connection;
            this.queue = queue;
            this.columns = columns;
        }

        private int sinceSavepoint = -1;
        private final RowBatch rows = new RowBatch();

        /**
         * The leader keeps every table locked until the end; a worker's own locks are taken inside a
         * savepoint and given back every {@link #RELEASE_EVERY} tables (rolling back to it keeps the
         * snapshot), so thousands of tables do not need twice the server's lock slots.
         */
        private void releaseLocksNow() throws SQLException {
            if (connection == leader) {
                return;
            }
            if (sinceSavepoint < 0) {
                Sql.execute(connection, "SAVEPOINT wlj_tables");
                sinceSavepoint = 0;
            } else if (++sinceSavepoint >= RELEASE_EVERY) {
                Sql.execute(connection, "ROLLBACK TO SAVEPOINT wlj_tables");
                sinceSavepoint = 0;
            }
        }

        void run() throws SQLException, IOException {
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            try {
                Relation r;
                while (!failed.get() && (r = queue.poll()) != null) {
                    if (context.progress().isCancelled()) {
                        throw new BackupException(ErrorCode.CANCELLED, "The backup was cancelled.");
                    }
                    dump(copy, r);
                }
                closeBatch();
            } finally {
                if (batch != null) {
                    batch = null; // an unclosed artifact is discarded by the engine when the source fails
                }
            }
        }

        private void dump(CopyManager copy, Relation r) throws SQLException, IOException {
            String list = columns.get(r.oid());
            String target = r.qualified() + (list == null ? "" : " (" + list + ")");
            boolean own = r.pages() * 8192L > OWN_ARTIFACT_BYTES;
            OutputStream out;
            int number;
            int position;
            if (own) {
                number = artifacts.incrementAndGet();
                out = context.newArtifact(name(number), "sql");
                out.write(SqlScripts.DATA_PREAMBLE);
                position = 0;
            } else {
                if (batch == null) {
                    batchNumber = artifacts.incrementAndGet();
                    batch = context.newArtifact(name(batchNumber), "sql");
                    batch.write(SqlScripts.DATA_PREAMBLE);
                    batchBytes = 0;
                    batchPosition = 0;
                }
                out = batch;
                number = batchNumber;
                position = batchPosition++;
            }
            String header = "COPY " + target + " FROM stdin;";
            // COPY hands over one row per write; batching them spares the digest/compression chain a call per row.
            RowBatch buffered = rows.into(out);
            Counting counting = new Counting(buffered);
            counting.write((header + "\n").getBytes(StandardCharsets.UTF_8));
            long before = counting.count;
            long rows;
            context.progress().beginTask("copy " + r.qualified(), r.pages() * 8192L);
            try {
                releaseLocksNow();
                rows = copy.copyOut("COPY " + target + " TO STDOUT", counting);
            } catch (SQLException e) {
                if ("42501".equals(e.getSQLState())) {
                    throw BackupException.badInput("The backup user may not read table " + r.qualified() + " (" + Failures.describe(e)
                            + "); grant it SELECT or leave the table out with an exclude pattern.");
                }
                throw new SQLException("reading table " + r.qualified() + ": " + Failures.describe(e), e.getSQLState(), e);
            } finally {
                context.progress().endTask("copy " + r.qualified());
            }
            long bytes = counting.count - before;
            counting.write("\\.\n\n".getBytes(StandardCharsets.UTF_8));
            buffered.flush();
            placed.add(new Placed(number, position, new Toc.TableData(r.schema(), r.name(), header, name(number), rows, bytes)));
            if (own) {
                out.close();
            } else {
                batchBytes += counting.count;
                if (batchBytes >= BATCH_BYTES) {
                    closeBatch();
                }
            }
        }

        private void closeBatch() throws IOException {
            if (batch != null) {
                batch.close();
                batch = null;
            }
        }
    }

    static String name(int number) {
        return String.format("data-%04d", number);
    }

    /** One 64 KiB buffer per worker, pointed at each table's artifact in turn (thousands of tables, one buffer). */
    private static final class RowBatch extends OutputStream {
        private final byte[] buf = new byte[1 << 16];
        private int n;
        private OutputStream target;

        RowBatch into(OutputStream artifact) {
            this.target = artifact;
            this.n = 0;
            return this;
        }

        @Override
        public void write(int b) throws IOException {
            if (n == buf.length) {
                flush();
            }
            buf[n++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len >= buf.length) {
                flush();
                target.write(b, off, len);
                return;
            }
            if (len > buf.length - n) {
                flush();
            }
            System.arraycopy(b, off, buf, n, len);
            n += len;
        }

        @Override
        public void flush() throws IOException {
            if (n > 0) {
                target.write(buf, 0, n);
                n = 0;
            }
        }

        @Override
        public void close() throws IOException {
            flush(); // the artifact itself stays open for the next table
        }
    }

    /** Counts bytes and never closes the artifact underneath (COPY output goes through it). */
    private final class Counting extends FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
            context.progress().update(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
            context.progress().update(len);
        }

        @Override
        public void close() {
            // the artifact is closed by its owner
        }
    }
}
