package io.wlj.backup.postgres.internal;

import io.wlj.backup.IntegrityException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Copies tables' rows from a backup into temporary tables of the restore's transaction, so that
 * every artifact has been read to its end, and its checksums proven, before any row reaches a
 * live table. Each staging table has exactly the backup's columns with the target's types, no
 * defaults and no constraints, and is dropped at the end of the transaction.
 */
final class TableStaging {
    private TableStaging() {
    }

    /** One staged table: where its rows are now and how many there are. */
    record Staged(Toc.TableData data, TargetCatalog.Table target, String stage, long rows) {
        String columnList() {
            return data.columns().stream().map(Sql::ident).collect(Collectors.joining(", "));
        }
    }

    /**
     * Stages {@code tables}; artifacts holding none of them are not opened, blocks of other
     * tables in the same artifact are read past. A row count that differs from the backup's is
     * an integrity failure.
     */
    static Map<String, Staged> stage(Connection c, StoredDump dump, Collection<Toc.TableData> tables, TargetCatalog catalog)
            throws SQLException, IOException {
        Set<String> wanted = tables.stream().map(Toc.TableData::qualifiedName).collect(Collectors.toSet());
        Map<String, Staged> staged = new LinkedHashMap<>();
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        for (Map.Entry<String, List<Toc.TableData>> a : dump.dataByArtifact().entrySet()) {
            if (a.getValue().stream().noneMatch(t -> wanted.contains(t.qualifiedName()))) {
                continue;
            }
            String artifact = a.getKey();
            try (InputStream in = dump.open(artifact)) {
                CopyBlockReader reader = new CopyBlockReader(in);
                for (Toc.TableData t : a.getValue()) {
                    reader.expectBlock(t, artifact);
                    if (!wanted.contains(t.qualifiedName())) {
                        reader.copyRows(t, (b, off, len) -> { });
                        continue;
                    }
                    TargetCatalog.Table target = catalog.tables.get(t.qualifiedName());
                    String name = "wlj_stage_" + (staged.size() + 1);
                    String columns = t.columns().stream().map(Sql::ident).collect(Collectors.joining(", "));
                    Sql.execute(c, "CREATE TEMPORARY TABLE " + name + " ON COMMIT DROP AS SELECT " + columns + " FROM "
                            + target.sql() + " WITH NO DATA");
                    long rows = DumpLoader.copyBlock(copy, "COPY pg_temp." + name + " (" + columns + ") FROM STDIN", reader, t, "staging");
                    if (rows != t.rows()) {
                        throw new IntegrityException(artifact, "Table " + t.qualifiedName() + " has " + rows
                                + " rows in the backup's data where its table of contents records " + t.rows() + ".");
                    }
                    staged.put(t.qualifiedName(), new Staged(t, target, name, rows));
                }
                if (reader.nextHeader() != null) {
                    throw new IntegrityException(artifact, "The data artifact " + artifact + " holds more than its table of contents lists.");
                }
                in.transferTo(OutputStream.nullOutputStream()); // to the end, where the checksums are proven
            }
        }
        return staged;
    }
}
