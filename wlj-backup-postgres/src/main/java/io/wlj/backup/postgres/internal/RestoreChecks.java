package io.wlj.backup.postgres.internal;

import io.wlj.backup.GateResult;
import io.wlj.backup.Stage;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The built-in gates every restore into a database runs before it commits or swaps: row counts
 * equal to the backup's, and no orphaned row for any foreign key.
 */
final class RestoreChecks {
    static final String ROW_COUNTS = "row-counts";
    static final String FOREIGN_KEYS = "foreign-keys";

    private RestoreChecks() {
    }

    /** Counts each table in {@code expected} on {@code c} and compares. */
    static GateResult rowCounts(Connection c, Map<String, Long> expected, Map<String, String> sqlNames) throws SQLException {
        List<String> wrong = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            long n = Long.parseLong(Sql.value(c, "SELECT count(*) FROM " + sqlNames.get(e.getKey())));
            total += n;
            if (n != e.getValue()) {
                wrong.add(e.getKey() + " has " + n + " row(s) where the backup has " + e.getValue());
            }
        }
        return wrong.isEmpty()
                ? pass(ROW_COUNTS, expected.size() + " table(s), " + total + " row(s): each equals the backup's count")
                : fail(ROW_COUNTS, String.join("; ", wrong));
    }

    /** A row-count result already established while loading (each COPY's row count was checked). */
    static GateResult rowCountsLoaded(int tables, long rows) {
        return pass(ROW_COUNTS, tables + " table(s), " + rows + " row(s): each table's load returned exactly the backup's count");
    }

    /** For merges: every table's rows were read from the backup in full (staging checks each count). */
    static GateResult rowCountsMerged(int tables, long rows) {
        return pass(ROW_COUNTS, tables + " table(s), " + rows + " row(s) read from the backup: each equals the backup's count "
                + "(merged rows add to the target's own, so its totals are not compared)");
    }

    /**
     * Counts orphans of each foreign key in {@code checked} (MATCH SIMPLE: a key with a NULL column
     * refers to nothing). {@code provenElsewhere} names keys the server validated itself.
     */
    static GateResult orphans(Connection c, TargetCatalog catalog, List<TargetCatalog.ForeignKey> checked, int provenElsewhere) throws SQLException {
        List<String> bad = new ArrayList<>();
        List<String> legacy = new ArrayList<>();
        for (TargetCatalog.ForeignKey fk : checked) {
            long n = orphanCount(c, catalog, fk);
            if (n > 0) {
                (fk.validated() ? bad : legacy).add(fk.describe() + (fk.validated() ? "" : " (NOT VALID)") + ": " + n + " orphaned row(s)");
            }
        }
        String proven = provenElsewhere > 0 ? "; " + provenElsewhere + " more validated by the server as they were created" : "";
        if (!bad.isEmpty()) {
            bad.addAll(legacy);
            return fail(FOREIGN_KEYS, String.join("; ", bad));
        }
        // A NOT VALID key is its owner's statement that old rows may not match: reported, not fatal.
        return legacy.isEmpty()
                ? pass(FOREIGN_KEYS, checked.size() + " foreign key(s) checked, no orphaned row" + proven)
                : new GateResult(FOREIGN_KEYS, Stage.AFTER_RESTORE_BEFORE_COMMIT, GateResult.Status.WARN, checked.size()
                + " foreign key(s) checked; orphaned rows only under keys declared NOT VALID: " + String.join("; ", legacy) + proven);
    }

    /** Rows of the child whose key (all columns non-null: MATCH SIMPLE) matches no row of the parent. */
    static long orphanCount(Connection c, TargetCatalog catalog, TargetCatalog.ForeignKey fk) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT count(*) FROM ").append(sqlName(catalog, fk.child())).append(" c WHERE ");
        for (String col : fk.childColumns()) {
            sql.append("c.").append(Sql.ident(col)).append(" IS NOT NULL AND ");
        }
        sql.append("NOT EXISTS (SELECT 1 FROM ").append(sqlName(catalog, fk.parent())).append(" p WHERE ");
        for (int i = 0; i < fk.childColumns().size(); i++) {
            sql.append(i == 0 ? "" : " AND ").append("p.").append(Sql.ident(fk.parentColumns().get(i))).append(" = c.")
                    .append(Sql.ident(fk.childColumns().get(i)));
        }
        sql.append(')');
        return Long.parseLong(Sql.value(c, sql.toString()));
    }

    static String sqlName(TargetCatalog catalog, String name) {
        TargetCatalog.Table t = catalog.tables.get(name);
        if (t == null) {
            int dot = name.indexOf('.');
            return Sql.ident(name.substring(0, dot)) + "." + Sql.ident(name.substring(dot + 1));
        }
        return t.sql();
    }

    static void require(List<GateResult> results) {
        List<GateResult> failed = results.stream().filter(GateResult::failed).collect(Collectors.toList());
        if (!failed.isEmpty()) {
            throw new io.wlj.backup.GateFailedException(results, failed);
        }
    }

    private static GateResult pass(String gate, String evidence) {
        return new GateResult(gate, Stage.AFTER_RESTORE_BEFORE_COMMIT, GateResult.Status.PASS, evidence);
    }

    private static GateResult fail(String gate, String evidence) {
        return new GateResult(gate, Stage.AFTER_RESTORE_BEFORE_COMMIT, GateResult.Status.FAIL, evidence);
    }
}
