package io.wlj.backup.postgres.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which schemas and relations a backup covers, using only plain catalog reads (no
 * catalog functions), so that it can run before the tables are locked.
 */
final class Scoping {
    static final String USER_NAMESPACE = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' "
            + "AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

    /** Not a member of an extension and not created implicitly by another object (such as a multirange's constructors). */
    static String ownObject(String catalogOid, String objectOid) {
        return "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = " + catalogOid + " AND x.objid = " + objectOid
                + " AND x.deptype IN ('e', 'i'))";
    }

    static String notExtensionMember(String catalogOid, String objectOid) {
        return "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = " + catalogOid + " AND x.objid = " + objectOid
                + " AND x.deptype = 'e')";
    }

    final Map<Long, String> namespaces = new LinkedHashMap<>();
    final Map<Long, Relation> relations = new LinkedHashMap<>();

    Scoping(Connection c, List<NamePattern> includeSchemas, List<NamePattern> excludeSchemas,
            List<NamePattern> includeTables, List<NamePattern> excludeTables) throws SQLException {
        Sql.query(c, "SELECT n.oid, n.nspname FROM pg_catalog.pg_namespace n WHERE " + USER_NAMESPACE + " AND "
                + notExtensionMember("2615", "n.oid") + " ORDER BY n.nspname", rs -> {
                    String name = rs.getString(2);
                    boolean in = includeSchemas.isEmpty() || includeSchemas.stream().anyMatch(p -> p.matchesSchema(name));
                    if (in && excludeSchemas.stream().noneMatch(p -> p.matchesSchema(name))) {
                        namespaces.put(rs.getLong(1), name);
                    }
                });
        Map<Long, Long> partitionParent = new HashMap<>();
        Sql.query(c, "SELECT i.inhrelid, i.inhparent FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid "
                + "WHERE c.relispartition", rs -> partitionParent.put(rs.getLong(1), rs.getLong(2)));
        Map<Long, Relation> all = new LinkedHashMap<>();
        Sql.query(c, "SELECT c.oid, c.relkind, c.relnamespace, n.nspname, c.relname, c.relpages FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND "
                + USER_NAMESPACE + " AND " + notExtensionMember("1259", "c.oid") + " ORDER BY n.nspname, c.relname", rs -> {
                    if (namespaces.containsKey(rs.getLong(3))) {
                        String schema = rs.getString(4);
                        String name = rs.getString(5);
                        all.put(rs.getLong(1), new Relation(rs.getLong(1), rs.getString(2).charAt(0), schema, name,
                                Sql.ident(schema) + "." + Sql.ident(name), Math.max(0, rs.getLong(6))));
                    }
                });
        // Sequences owned by a column follow their table.
        Map<Long, Long> sequenceOwner = new HashMap<>();
        Sql.query(c, "SELECT d.objid, d.refobjid FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class s ON s.oid = d.objid "
                + "WHERE d.classid = 1259 AND d.refclassid = 1259 AND s.relkind = 'S' AND d.deptype IN ('a', 'i')",
                rs -> sequenceOwner.put(rs.getLong(1), rs.getLong(2)));
        for (Relation r : all.values()) {
            Relation decider = r;
            Long owner = sequenceOwner.get(r.oid());
            if (owner != null && all.containsKey(owner)) {
                decider = all.get(owner);
            }
            if (selected(decider, all, partitionParent, includeTables, excludeTables)) {
                relations.put(r.oid(), r);
            }
        }
    }

    private static boolean selected(Relation r, Map<Long, Relation> all, Map<Long, Long> partitionParent,
                                    List<NamePattern> include, List<NamePattern> exclude) {
        List<Relation> lineage = new ArrayList<>();
        for (Relation x = r; x != null; x = all.get(partitionParent.get(x.oid()))) {
            lineage.add(x);
            if (lineage.size() > 64) {
                break;
            }
        }
        // A partition goes with its partitioned ancestors: including or excluding a partitioned table covers its partitions.
        boolean in = include.isEmpty() || lineage.stream().anyMatch(x -> include.stream().anyMatch(p -> p.matchesTable(x.schema(), x.name())));
        boolean out = lineage.stream().anyMatch(x -> exclude.stream().anyMatch(p -> p.matchesTable(x.schema(), x.name())));
        return in && !out;
    }

    boolean filtered(List<NamePattern> includeTables, List<NamePattern> excludeTables) {
        return !includeTables.isEmpty() || !excludeTables.isEmpty();
    }

    /** An SQL array literal of the relation oids in scope, for {@code = ANY(...)}. */
    String relationOids() {
        return oidArray(relations.keySet());
    }

    String namespaceOids() {
        return oidArray(namespaces.keySet());
    }

    static String oidArray(java.util.Collection<Long> oids) {
        StringBuilder sb = new StringBuilder("'{");
        boolean first = true;
        for (Long o : oids) {
            if (!first) {
                sb.append(',');
            }
            sb.append(o);
            first = false;
        }
        return sb.append("}'::pg_catalog.oid[]").toString();
    }
}
