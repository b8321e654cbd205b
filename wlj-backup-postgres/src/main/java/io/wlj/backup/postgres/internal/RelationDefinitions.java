package io.wlj.backup.postgres.internal;

import static io.wlj.backup.postgres.internal.SchemaModel.*;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tables (with columns, inline CHECKs, partitioning and inheritance), sequences, views and
 * materialized views, from the catalogs and the server's own deparsing functions.
 */
final class RelationDefinitions {
    private final SchemaModel m;

    private record Column(int num, String name, String type, boolean notNull, String def, String identity, String generated,
                          boolean local, String storage, String compression, String collation, int statistics, String options) {
    }

    private record Check(String name, String def, boolean local, boolean validated) {
    }

    RelationDefinitions(SchemaModel model) {
        this.m = model;
    }

    void read() throws SQLException {
        String oids = m.scope.relationOids();
        // 0 persistence, 1 reloptions, 2 toast options, 3 partition key, 4 partition bound, 5 access method, 6 is partition,
        // 7 typed table, 8 view definition, 9 populated, 10 row security, 11 forced row security, 12 tablespace,
        // 13 replica identity
        Map<Long, String[]> info = new HashMap<>();
        Sql.query(m.connection, "SELECT c.oid, c.relpersistence, array_to_string(c.reloptions, ', '), "
                + "array_to_string(tc.reloptions, ', '), CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END, "
                + "CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END, am.amname, c.relispartition, "
                + "c.reloftype <> 0, CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END, c.relispopulated, "
                + "c.relrowsecurity, c.relforcerowsecurity, ts.spcname, c.relreplident::text "
                + "FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_class tc ON tc.oid = c.reltoastrelid "
                + "LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam LEFT JOIN pg_catalog.pg_tablespace ts ON ts.oid = c.reltablespace "
                + "WHERE c.oid = ANY(" + oids + ")", rs -> info.put(rs.getLong(1), new String[] {
                    rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                    rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13),
                    rs.getString(14), rs.getString(15)}));
        Map<Long, List<Column>> columns = readColumns(oids);
        Map<Long, List<Check>> checks = new HashMap<>();
        Sql.query(m.connection, "SELECT conrelid, conname, pg_catalog.pg_get_constraintdef(oid), conislocal, convalidated, oid "
                + "FROM pg_catalog.pg_constraint WHERE contype = 'c' AND conrelid = ANY(" + oids + ") ORDER BY conrelid, conname", rs -> {
                    checks.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new Check(rs.getString(2), rs.getString(3),
                            rs.getBoolean(4), rs.getBoolean(5)));
                    if (rs.getBoolean(5)) {
                        m.commentsGoTo(PG_CONSTRAINT, rs.getLong(6), rel(rs.getLong(1)));
                    }
                });
        Map<Long, List<Long>> parents = new LinkedHashMap<>();
        Sql.query(m.connection, "SELECT inhrelid, inhparent FROM pg_catalog.pg_inherits WHERE inhrelid = ANY(" + oids + ") "
                + "ORDER BY inhrelid, inhseqno", rs -> parents.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getLong(2)));
        Map<Long, String> sequenceDefs = readSequences(oids);
        Map<String, String> identityOptions = new HashMap<>(); // "table:attnum" -> options
        Map<Long, Boolean> identitySequence = new HashMap<>();
        Sql.query(m.connection, "SELECT d.refobjid, d.refobjsubid, d.objid, d.deptype FROM pg_catalog.pg_depend d "
                + "JOIN pg_catalog.pg_class s ON s.oid = d.objid WHERE d.classid = 1259 AND d.refclassid = 1259 AND s.relkind = 'S' "
                + "AND d.deptype IN ('a', 'i') AND d.objid = ANY(" + oids + ")", rs -> {
                    long seq = rs.getLong(3);
                    if ("i".equals(rs.getString(4))) {
                        identitySequence.put(seq, true);
                        Relation s = m.scope.relations.get(seq);
                        identityOptions.put(rs.getLong(1) + ":" + rs.getInt(2), "SEQUENCE NAME " + s.qualified() + " "
                                + sequenceDefs.get(seq));
                    } else {
                        Relation s = m.scope.relations.get(seq);
                        Relation t = m.scope.relations.get(rs.getLong(1));
                        if (s != null && t != null) {
                            SchemaObject o = m.add("owned:" + seq, org(), P_OWNED_BY, "SEQUENCE OWNED BY", s.schema(), s.name());
                            o.append("ALTER SEQUENCE " + s.qualified() + " OWNED BY " + t.qualified() + "."
                                    + columnName(columns, t.oid(), rs.getInt(2)) + ";");
                            o.dependsOn.add(rel(seq));
                            o.dependsOn.add(rel(t.oid()));
                        }
                    }
                });
        for (Relation r : m.scope.relations.values()) {
            String[] i = info.get(r.oid());
            if (i == null) {
                continue; // dropped since the scope was read; the lock prevents it, but never fail on it
            }
            if (i[12] != null) {
                m.unsupported.add("tablespace " + i[12] + " of " + r.qualified() + " (restored into the default tablespace)");
            }
            switch (r.kind()) {
                case 'S' -> {
                    if (!identitySequence.containsKey(r.oid())) {
                        SchemaObject o = m.add(rel(r.oid()), org(), P_SEQUENCE, "SEQUENCE", r.schema(), r.name());
                        o.append("CREATE " + ("u".equals(i[0]) ? "UNLOGGED " : "") + "SEQUENCE " + r.qualified() + " AS "
                                + sequenceTypes.get(r.oid()) + " " + sequenceDefs.get(r.oid()) + ";");
                        m.commentsGoTo(PG_CLASS, r.oid(), o.key);
                    } else {
                        m.commentsGoTo(PG_CLASS, r.oid(), "identity-comments:" + r.oid());
                    }
                }
                case 'r', 'p' -> {
                    if ("t".equals(i[7])) {
                        m.unsupported.add("typed table " + r.qualified() + " (CREATE TABLE ... OF type)");
                        continue;
                    }
                    table(r, i, columns.getOrDefault(r.oid(), List.of()), checks.getOrDefault(r.oid(), List.of()),
                            parents.getOrDefault(r.oid(), List.of()), identityOptions, columns);
                }
                case 'v', 'm' -> view(r, i, columns.getOrDefault(r.oid(), List.of()));
                default -> { }
            }
        }
    }

    private static Toc.Section org() {
        return Toc.Section.PRE_DATA;
    }

    private static String columnName(Map<Long, List<Column>> columns, long table, int attnum) {
        return columns.getOrDefault(table, List.of()).stream().filter(c -> c.num == attnum).map(Column::name).findFirst()
                .orElseThrow(() -> new IllegalStateException("column " + attnum + " of " + table + " not found"));
    }

    private Map<Long, List<Column>> readColumns(String oids) throws SQLException {
        Map<Long, List<Column>> columns = new HashMap<>();
        String compression = m.version >= 140000 ? "a.attcompression::text" : "''";
        Sql.query(m.connection, "SELECT a.attrelid, a.attnum, pg_catalog.quote_ident(a.attname), "
                + "pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid), "
                + "a.attidentity, a.attgenerated, a.attislocal, CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage::text END, "
                + compression + ", CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN "
                + "pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END, "
                + "COALESCE(a.attstattarget::int, -1), array_to_string(a.attoptions, ', ') "
                + "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
                + "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                + "LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation "
                + "LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
                + "WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attrelid = ANY(" + oids + ") ORDER BY a.attrelid, a.attnum", rs -> {
                    String comp = rs.getString(11);
                    columns.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new Column(rs.getInt(2), rs.getString(3),
                            rs.getString(4), rs.getBoolean(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getBoolean(9),
                            rs.getString(10), comp == null || comp.isEmpty() || comp.charAt(0) == 0 ? null : comp, rs.getString(12),
                            rs.getInt(13), rs.getString(14)));
                });
        return columns;
    }

    private final Map<Long, String> sequenceTypes = new HashMap<>();

    private Map<Long, String> readSequences(String oids) throws SQLException {
        // Without AS type: an identity column's sequence takes the column's type, and repeating it is an error.
        Map<Long, String> defs = new HashMap<>();
        Sql.query(m.connection, "SELECT s.seqrelid, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, "
                + "s.seqmin, s.seqmax, s.seqcache, s.seqcycle FROM pg_catalog.pg_sequence s WHERE s.seqrelid = ANY(" + oids + ")",
                rs -> defs.put(rs.getLong(1), "START WITH " + rs.getString(3) + " INCREMENT BY "
                        + rs.getString(4) + " MINVALUE " + rs.getString(5) + " MAXVALUE " + rs.getString(6) + " CACHE "
                        + rs.getString(7) + (rs.getBoolean(8) ? " CYCLE" : " NO CYCLE")));
        Sql.query(m.connection, "SELECT s.seqrelid, pg_catalog.format_type(s.seqtypid, NULL) FROM pg_catalog.pg_sequence s "
                + "WHERE s.seqrelid = ANY(" + oids + ")", rs -> sequenceTypes.put(rs.getLong(1), rs.getString(2)));
        return defs;
    }

    private void table(Relation r, String[] i, List<Column> cols, List<Check> checks, List<Long> parents,
                       Map<String, String> identityOptions, Map<Long, List<Column>> allColumns) {
        boolean partition = "t".equals(i[6]);
        boolean inherits = !partition && !parents.isEmpty();
        SchemaObject o = m.add(rel(r.oid()), org(), P_TABLE, "TABLE", r.schema(), r.name());
        m.commentsGoTo(PG_CLASS, r.oid(), o.key);
        StringBuilder sb = new StringBuilder("CREATE ");
        if ("u".equals(i[0])) {
            sb.append("UNLOGGED ");
        }
        sb.append("TABLE ").append(r.qualified()).append(" (");
        List<String> parts = new ArrayList<>();
        List<String> after = new ArrayList<>();
        for (Column c : cols) {
            boolean emit = !inherits || c.local;
            if (emit) {
                StringBuilder col = new StringBuilder("\n    ").append(c.name).append(' ').append(c.type);
                if (c.collation != null) {
                    col.append(" COLLATE ").append(c.collation);
                }
                if ("s".equals(c.generated)) {
                    col.append(" GENERATED ALWAYS AS (").append(c.def).append(") STORED");
                } else if (c.def != null) {
                    col.append(" DEFAULT ").append(c.def);
                }
                if (c.notNull) {
                    col.append(" NOT NULL");
                }
                if (c.identity != null && !c.identity.isEmpty() && identityOptions.containsKey(r.oid() + ":" + c.num)) {
                    col.append(" GENERATED ").append("a".equals(c.identity) ? "ALWAYS" : "BY DEFAULT").append(" AS IDENTITY (")
                            .append(identityOptions.get(r.oid() + ":" + c.num)).append(')');
                }
                parts.add(col.toString());
            } else {
                if (c.def != null && !"s".equals(c.generated)) {
                    after.add("ALTER TABLE ONLY " + r.qualified() + " ALTER COLUMN " + c.name + " SET DEFAULT " + c.def + ";");
                }
                if (c.notNull && !parentNotNull(parents, allColumns, c.name)) {
                    after.add("ALTER TABLE ONLY " + r.qualified() + " ALTER COLUMN " + c.name + " SET NOT NULL;");
                }
            }
            if (c.storage != null) {
                after.add("ALTER TABLE ONLY " + r.qualified() + " ALTER COLUMN " + c.name + " SET STORAGE " + storage(c.storage) + ";");
            }
            if (c.compression != null) {
                after.add("ALTER TABLE ONLY " + r.qualified() + " ALTER COLUMN " + c.name + " SET COMPRESSION "
                        + ("l".equals(c.compression) ? "lz4" : "pglz") + ";");
            }
            if (c.statistics >= 0) {
                after.add("ALTER TABLE ONLY " + r.qualified() + " ALTER COLUMN " + c.name + " SET STATISTICS " + c.statistics + ";");
            }
            if (c.options != null && !c.options.isEmpty()) {
                after.add("ALTER TABLE ONLY " + r.qualified() + " ALTER COLUMN " + c.name + " SET (" + c.options + ");");
            }
        }
        for (Check ch : checks) {
            if (ch.validated && (partition || ch.local || !inherits)) {
                parts.add("\n    CONSTRAINT " + quote(ch.name) + " " + ch.def);
            }
        }
        sb.append(String.join(",", parts)).append(parts.isEmpty() ? ")" : "\n)");
        if (inherits) {
            List<String> names = new ArrayList<>();
            for (Long p : parents) {
                Relation pr = m.scope.relations.get(p);
                if (pr == null) {
                    m.unsupported.add("inheritance of " + r.qualified() + " from a parent outside the backup's scope");
                    continue;
                }
                names.add(pr.qualified());
                o.dependsOn.add(rel(p));
            }
            if (!names.isEmpty()) {
                sb.append("\nINHERITS (").append(String.join(", ", names)).append(')');
            }
        }
        if (i[3] != null) {
            sb.append("\nPARTITION BY ").append(i[3]);
        }
        if (i[5] != null && !"heap".equals(i[5]) && r.kind() == 'r') {
            sb.append("\nUSING ").append(quote(i[5]));
        }
        List<String> options = new ArrayList<>();
        if (i[1] != null && !i[1].isEmpty()) {
            options.add(i[1]);
        }
        if (i[2] != null && !i[2].isEmpty()) {
            for (String t : i[2].split(", ")) {
                options.add("toast." + t);
            }
        }
        if (!options.isEmpty()) {
            sb.append("\nWITH (").append(String.join(", ", options)).append(')');
        }
        sb.append(';');
        o.append(sb.toString());
        after.forEach(o::append);
        if ("f".equals(i[13]) || "n".equals(i[13])) {
            o.append("ALTER TABLE ONLY " + r.qualified() + " REPLICA IDENTITY " + ("f".equals(i[13]) ? "FULL" : "NOTHING") + ";");
        }
        if ("t".equals(i[10])) {
            rls(r, "ENABLE");
        }
        if ("t".equals(i[11])) {
            rls(r, "FORCE");
        }
        if (partition && !parents.isEmpty()) {
            Relation parent = m.scope.relations.get(parents.get(0));
            if (parent == null) {
                m.unsupported.add("partition " + r.qualified() + " of a table outside the backup's scope (restored as a plain table)");
            } else {
                SchemaObject a = m.add("attach:" + r.oid(), org(), P_ATTACH, "ATTACH PARTITION", r.schema(), r.name());
                a.append("ALTER TABLE ONLY " + parent.qualified() + " ATTACH PARTITION " + r.qualified() + " " + i[4] + ";");
                a.dependsOn.add(rel(parent.oid()));
                a.dependsOn.add(rel(r.oid()));
            }
        }
    }

    private void rls(Relation r, String what) {
        SchemaObject o = m.objects.get("rls:" + r.oid());
        if (o == null) {
            o = m.add("rls:" + r.oid(), Toc.Section.POST_DATA, P_RLS, "ROW SECURITY", r.schema(), r.name());
            o.dependsOn.add(rel(r.oid()));
        }
        o.append("ALTER TABLE " + r.qualified() + " " + what + " ROW LEVEL SECURITY;");
    }

    private static boolean parentNotNull(List<Long> parents, Map<Long, List<Column>> all, String column) {
        for (Long p : parents) {
            for (Column c : all.getOrDefault(p, List.of())) {
                if (c.name.equals(column) && c.notNull) {
                    return true;
                }
            }
        }
        return false;
    }

    private void view(Relation r, String[] i, List<Column> cols) {
        boolean mat = r.kind() == 'm';
        SchemaObject o = m.add(rel(r.oid()), org(), mat ? P_MATVIEW : P_VIEW, mat ? "MATERIALIZED VIEW" : "VIEW", r.schema(), r.name());
        m.commentsGoTo(PG_CLASS, r.oid(), o.key);
        String def = i[8] == null ? "" : i[8].strip();
        if (def.endsWith(";")) {
            def = def.substring(0, def.length() - 1);
        }
        List<String> options = new ArrayList<>();
        String check = null;
        if (i[1] != null && !i[1].isEmpty()) {
            for (String opt : i[1].split(", ")) {
                if (opt.startsWith("check_option=")) {
                    check = opt.substring("check_option=".length()).toUpperCase(java.util.Locale.ROOT);
                } else {
                    options.add(opt);
                }
            }
        }
        StringBuilder sb = new StringBuilder("CREATE ").append(mat ? "MATERIALIZED VIEW " : "VIEW ").append(r.qualified());
        if (mat && i[5] != null && !"heap".equals(i[5])) {
            sb.append(" USING ").append(quote(i[5]));
        }
        if (!options.isEmpty()) {
            sb.append(" WITH (").append(String.join(", ", options)).append(')');
        }
        sb.append(" AS\n").append(def);
        if (mat) {
            sb.append("\n  WITH NO DATA");
        } else if (check != null) {
            sb.append("\n  WITH ").append(check).append(" CHECK OPTION");
        }
        o.append(sb.append(';').toString());
        for (Column c : cols) {
            if (c.def != null) {
                o.append("ALTER VIEW " + r.qualified() + " ALTER COLUMN " + c.name + " SET DEFAULT " + c.def + ";");
            }
        }
        if (mat && "t".equals(i[9])) {
            SchemaObject refresh = m.add("refresh:" + r.oid(), Toc.Section.POST_DATA, P_REFRESH, "MATERIALIZED VIEW DATA",
                    r.schema(), r.name());
            refresh.append("REFRESH MATERIALIZED VIEW " + r.qualified() + ";");
            refresh.dependsOn.add(rel(r.oid()));
        }
    }

    private static String storage(String code) {
        switch (code) {
            case "p": return "PLAIN";
            case "e": return "EXTERNAL";
            case "m": return "MAIN";
            default: return "EXTENDED";
        }
    }

    static String quote(String identifier) {
        return Sql.ident(identifier);
    }
}
