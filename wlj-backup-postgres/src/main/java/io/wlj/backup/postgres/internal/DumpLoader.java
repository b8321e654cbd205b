package io.wlj.backup.postgres.internal;

import io.wlj.backup.IntegrityException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/** The pieces of loading a whole JDBC-engine backup that a new database and an in-place replace share. */
final class DumpLoader {
    private DumpLoader() {
    }

    /** Runs one schema entry; a failure names the object. */
    static void run(Connection c, Toc.Entry e) throws SQLException {
        try {
            Sql.execute(c, e.sql());
        } catch (SQLException ex) {
            throw new SQLException("creating " + e.kind().toLowerCase(Locale.ROOT) + " "
                    + (e.schema() == null ? "" : e.schema() + ".") + e.name() + ": " + Failures.describe(ex), ex.getSQLState(), ex);
        }
    }

    static int preData(Connection c, Toc toc) throws SQLException {
        int n = 0;
        for (Toc.Entry e : toc.entries()) {
            if (e.section() == Toc.Section.PRE_DATA) {
                run(c, e);
                n++;
            }
        }
        return n;
    }

    /**
     * Loads one data artifact's tables with COPY, checking each table's row count against the
     * table of contents, and reads the artifact to its end so its checksums are proven.
     */
    /**
     * How a load may freeze its rows ({@code COPY ... WITH (FREEZE)}): the rows are written frozen
     * and all-visible, so nothing rewrites every page later to set hint bits (index builds, foreign
     * key checks and the first queries read them as they are). PostgreSQL allows it only for a
     * table created or truncated in the same transaction.
     */
    /** Tables with less COPY data than this are loaded without FREEZE when that needs a TRUNCATE. */
    static final long FREEZE_MIN_BYTES = 1L << 20;

    enum Freeze {
        /** Plain COPY. */
        NO,
        /** The tables were created in the caller's open transaction. */
        CREATED_IN_TRANSACTION,
        /** Each table is empty and new: load it in its own transaction, truncated first (instantly, it is empty). */
        TRUNCATE_FIRST
    }

    static long loadArtifact(CopyManager copy, Connection c, StoredDump dump, String artifact, List<Toc.TableData> tables, Freeze freeze)
            throws SQLException, IOException {
        long rows = 0;
        try (InputStream in = dump.open(artifact)) {
            CopyBlockReader reader = new CopyBlockReader(in);
            for (Toc.TableData t : tables) {
                String header = reader.expectBlock(t, artifact);
                // A small table gains nothing from freezing, and its own TRUNCATE (new files) would cost
                // more than it saves when there are thousands of them.
                Freeze f = freeze == Freeze.TRUNCATE_FIRST && t.bytes() < FREEZE_MIN_BYTES ? Freeze.NO : freeze;
                String sql = header.substring(0, header.length() - " FROM stdin;".length()) + " FROM STDIN"
                        + (f == Freeze.NO ? "" : " WITH (FREEZE)");
                if (f == Freeze.TRUNCATE_FIRST) {
                    Sql.execute(c, "BEGIN");
                    Sql.execute(c, "TRUNCATE ONLY " + Sql.ident(t.schema()) + "." + Sql.ident(t.name()));
                }
                long loaded = copyBlock(copy, sql, reader, t, "loading");
                if (f == Freeze.TRUNCATE_FIRST) {
                    Sql.execute(c, "COMMIT");
                }
                if (loaded != t.rows()) {
                    throw new IntegrityException(artifact, "Table " + t.qualifiedName() + " got " + loaded
                            + " rows where the backup recorded " + t.rows() + ".");
                }
                rows += loaded;
            }
            if (reader.nextHeader() != null) {
                throw new IntegrityException(artifact, "The data artifact " + artifact + " holds more than its table of contents lists.");
            }
            in.transferTo(OutputStream.nullOutputStream());
        }
        return rows;
    }

    /**
     * Streams one block's rows through {@code COPY sql FROM STDIN} and returns the server's row
     * count; on failure the COPY is cancelled and the error names the table and what was being
     * done ({@code loading}, {@code staging}).
     */
    static long copyBlock(CopyManager copy, String sql, CopyBlockReader reader, Toc.TableData t, String doing)
            throws SQLException, IOException {
        CopyIn copyIn = copy.copyIn(sql);
        try {
            reader.copyRows(t, copyIn::writeToCopy);
            return copyIn.endCopy();
        } catch (SQLException | IOException | RuntimeException e) {
            if (copyIn.isActive()) {
                try {
                    copyIn.cancelCopy();
                } catch (SQLException ignored) {
                    // the connection's work is rolled back or dropped with it
                }
            }
            if (e instanceof SQLException se) {
                throw new SQLException(doing + " table " + t.qualifiedName() + ": " + Failures.describe(se), se.getSQLState(), se);
            }
            throw e;
        }
    }

    static void sequences(Connection c, Toc toc) throws SQLException {
        for (Toc.SequenceValue s : toc.sequences()) {
            Sql.execute(c, s.sql());
        }
    }

    static void largeObjects(Connection c, StoredDump dump) throws SQLException, IOException {
        if (dump.toc().largeObjects() == null) {
            return;
        }
        try (InputStream in = dump.open(dump.toc().largeObjects());
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (!line.isEmpty()) {
                    Sql.execute(c, line);
                }
            }
        }
    }

    static List<Toc.Entry> postData(Toc toc) {
        return toc.entries().stream().filter(e -> e.section() == Toc.Section.POST_DATA).toList();
    }

    /** What a section holds, by kind, for a plan's description: "5 table, 4 sequence, 1 schema". */
    static String kinds(Toc toc, Toc.Section section) {
        java.util.Map<String, Long> by = new java.util.TreeMap<>();
        toc.entries().stream().filter(e -> e.section() == section)
                .forEach(e -> by.merge(e.kind().toLowerCase(Locale.ROOT), 1L, Long::sum));
        java.util.List<String> parts = new java.util.ArrayList<>();
        by.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> parts.add(e.getValue() + " " + e.getKey()));
        return String.join(", ", parts);
    }
}
