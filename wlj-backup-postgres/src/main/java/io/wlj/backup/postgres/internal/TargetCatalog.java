package io.wlj.backup.postgres.internal;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a restore into a live database needs to know about it, read from its catalogs: tables
 * with their columns, foreign keys (with deferrability, delete actions and validity) and the
 * sequences owned by columns. Tables are keyed by their unquoted qualified name, {@code schema.name}.
 */
final class TargetCatalog {
    record Column(String name, boolean notNull, boolean hasDefault, boolean identity, boolean generated) {
        /** A column a row must be given: NOT NULL and nothing that fills it in. */
        boolean required() {
            return notNull && !hasDefault && !identity && !generated;
        }
    }

    record Table(String schema, String name, char kind, List<Column> columns, List<String> primaryKey) {
        String qualifiedName() {
            return schema + "." + name;
        }

        String sql() {
            return Sql.ident(schema) + "." + Sql.ident(name);
        }

        Optional<Column> column(String name) {
            return columns.stream().filter(c -> c.name().equals(name)).findFirst();
        }
    }

    /**
     * A foreign key from {@code child(childColumns)} to {@code parent(parentColumns)}.
     *
     * @param deleteAction pg_constraint.confdeltype: a = no action, r = restrict, c = cascade, n = set null, d = set default
     */
    record ForeignKey(String name, String child, String parent, List<String> childColumns, List<String> parentColumns,
                      boolean deferrable, boolean initiallyDeferred, char deleteAction, boolean validated) {
        String describe() {
            return child + "." + name + " (" + String.join(", ", childColumns) + ") -> " + parent;
        }

        boolean deleteCascades() {
            return deleteAction == 'c' || deleteAction == 'n' || deleteAction == 'd';
        }
    }

    record OwnedSequence(String table, String column, String sequence) {
    }

    final Map<String, Table> tables = new LinkedHashMap<>();
    final List<ForeignKey> foreignKeys = new ArrayList<>();
    final List<OwnedSequence> ownedSequences = new ArrayList<>();
    /** Each partition's root partitioned table (foreign keys are declared on the root or a parent). */
    final Map<String, String> partitionRoot = new LinkedHashMap<>();

    static TargetCatalog read(Connection c) throws SQLException {
        TargetCatalog cat = new TargetCatalog();
        Map<Long, String> names = new LinkedHashMap<>();
        Map<Long, List<Column>> columns = new LinkedHashMap<>();
        Map<Long, String[]> meta = new LinkedHashMap<>();
        Sql.query(c, "SELECT c.oid, n.nspname, c.relname, c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND " + Scoping.USER_NAMESPACE
                + " ORDER BY n.nspname, c.relname", rs -> {
                    meta.put(rs.getLong(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
                    names.put(rs.getLong(1), rs.getString(2) + "." + rs.getString(3));
                    columns.put(rs.getLong(1), new ArrayList<>());
                });
        Sql.query(c, "SELECT a.attrelid, a.attname, a.attnotnull, a.atthasdef, a.attidentity <> '', a.attgenerated <> '' "
                + "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n "
                + "ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND " + Scoping.USER_NAMESPACE
                + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum", rs -> {
                    List<Column> list = columns.get(rs.getLong(1));
                    if (list != null) {
                        list.add(new Column(rs.getString(2), rs.getBoolean(3), rs.getBoolean(4), rs.getBoolean(5), rs.getBoolean(6)));
                    }
                });
        Map<Long, List<String>> keys = new LinkedHashMap<>();
        Sql.query(c, "SELECT i.indrelid, ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY u(n, o) "
                + "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.n ORDER BY u.o) "
                + "FROM pg_catalog.pg_index i WHERE i.indisprimary", rs -> keys.put(rs.getLong(1), strings(rs.getArray(2))));
        meta.forEach((oid, m) -> cat.tables.put(names.get(oid), new Table(m[0], m[1], m[2].charAt(0), List.copyOf(columns.get(oid)),
                keys.getOrDefault(oid, List.of()))));
        Sql.query(c, "SELECT k.conname, cn.nspname || '.' || cc.relname, pn.nspname || '.' || pc.relname, "
                + "ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, o) JOIN pg_catalog.pg_attribute a "
                + "ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o), "
                + "ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(n, o) JOIN pg_catalog.pg_attribute a "
                + "ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o), "
                + "k.condeferrable, k.condeferred, k.confdeltype, k.convalidated "
                + "FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class cc ON cc.oid = k.conrelid "
                + "JOIN pg_catalog.pg_namespace cn ON cn.oid = cc.relnamespace JOIN pg_catalog.pg_class pc ON pc.oid = k.confrelid "
                + "JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace "
                + "WHERE k.contype = 'f' AND k.conparentid = 0 ORDER BY 2, 1", rs -> cat.foreignKeys.add(new ForeignKey(rs.getString(1),
                        rs.getString(2), rs.getString(3), strings(rs.getArray(4)), strings(rs.getArray(5)), rs.getBoolean(6),
                        rs.getBoolean(7), rs.getString(8).charAt(0), rs.getBoolean(9))));
        Sql.query(c, "SELECT tn.nspname || '.' || t.relname, a.attname, pg_catalog.quote_ident(sn.nspname) || '.' "
                + "|| pg_catalog.quote_ident(s.relname) FROM pg_catalog.pg_depend d "
                + "JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S' JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace "
                + "JOIN pg_catalog.pg_class t ON t.oid = d.refobjid JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace "
                + "JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
                + "WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass "
                + "AND d.deptype IN ('a', 'i') ORDER BY 1, 2",
                rs -> cat.ownedSequences.add(new OwnedSequence(rs.getString(1), rs.getString(2), rs.getString(3))));
        Sql.query(c, "SELECT n.nspname || '.' || c.relname, rn.nspname || '.' || r.relname FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace JOIN pg_catalog.pg_class r ON r.oid = pg_catalog.pg_partition_root(c.oid) "
                + "JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace WHERE c.relispartition",
                rs -> cat.partitionRoot.put(rs.getString(1), rs.getString(2)));
        return cat;
    }

    /** The table whose foreign keys govern {@code table}'s rows: its partition root, or itself. */
    String root(String table) {
        return partitionRoot.getOrDefault(table, table);
    }

    private static List<String> strings(Array a) throws SQLException {
        return List.copyOf(Arrays.asList((String[]) a.getArray()));
    }

    List<ForeignKey> foreignKeysFrom(String child) {
        return foreignKeys.stream().filter(f -> f.child().equals(child)).toList();
    }

    List<ForeignKey> foreignKeysTouching(java.util.Collection<String> tables) {
        return foreignKeys.stream().filter(f -> tables.contains(f.child()) || tables.contains(f.parent())).toList();
    }
}
