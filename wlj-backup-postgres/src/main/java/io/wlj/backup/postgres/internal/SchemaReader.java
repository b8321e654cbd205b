package io.wlj.backup.postgres.internal;

import static io.wlj.backup.postgres.internal.SchemaModel.*;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the schema of the objects in scope into ordered SQL entries, in the leader's snapshot
 * after the tables are locked. Objects it cannot reproduce are named in {@link #unsupported()}.
 */
final class SchemaReader {
    private final SchemaModel m;
    private final List<String> cyclesBroken = new ArrayList<>();
    private List<Toc.Entry> entries;

    private final boolean privileges;

    SchemaReader(SchemaModel model, boolean privileges) {
        this.m = model;
        this.privileges = privileges;
    }

    List<Toc.Entry> read() throws SQLException {
        namespaces();
        extensions();
        new TypeDefinitions(m).read();
        new CollationAndAggregateDefinitions(m).read();
        routines();
        new RelationDefinitions(m).read();
        new PostDataDefinitions(m).read();
        comments();
        if (privileges) {
            new Privileges(m).read();
        }
        dependencies();
        unsupportedObjects();
        List<SchemaObject> pre = new ArrayList<>();
        List<SchemaObject> post = new ArrayList<>();
        for (SchemaObject o : m.objects.values()) {
            if (o.sql.length() > 0) {
                (o.section == Toc.Section.PRE_DATA ? pre : post).add(o);
            }
        }
        entries = new ArrayList<>();
        DependencyOrder.sort(pre, cyclesBroken).forEach(o -> entries.add(o.toEntry()));
        DependencyOrder.sort(post, cyclesBroken).forEach(o -> entries.add(o.toEntry()));
        return entries;
    }

    List<String> unsupported() {
        return m.unsupported;
    }

    List<String> cyclesBroken() {
        return cyclesBroken;
    }

    private void namespaces() {
        for (Map.Entry<Long, String> n : m.scope.namespaces.entrySet()) {
            SchemaObject o = m.add("ns:" + n.getKey(), Toc.Section.PRE_DATA, P_SCHEMA, "SCHEMA", null, n.getValue());
            if (!"public".equals(n.getValue())) {
                o.append("CREATE SCHEMA " + Sql.ident(n.getValue()) + ";");
            }
            m.commentsGoTo(PG_NAMESPACE, n.getKey(), o.key);
        }
    }

    private void extensions() throws SQLException {
        Sql.query(m.connection, "SELECT e.oid, e.extname, e.extnamespace, n.nspname FROM pg_catalog.pg_extension e "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY e.extname", rs -> {
                    long ns = rs.getLong(3);
                    if (!m.scope.namespaces.containsKey(ns) && !"pg_catalog".equals(rs.getString(4))) {
                        return;
                    }
                    SchemaObject o = m.add("ext:" + rs.getLong(1), Toc.Section.PRE_DATA, P_EXTENSION, "EXTENSION", null, rs.getString(2));
                    o.append("CREATE EXTENSION IF NOT EXISTS " + Sql.ident(rs.getString(2)) + " WITH SCHEMA " + Sql.ident(rs.getString(4)) + ";");
                    o.dependsOn.add("ns:" + ns);
                    m.commentsGoTo(PG_EXTENSION, rs.getLong(1), o.key);
                });
    }

    private void routines() throws SQLException {
        Sql.query(m.connection, "SELECT p.oid, p.pronamespace, n.nspname, p.proname, p.prokind, "
                + "pg_catalog.pg_get_function_identity_arguments(p.oid), "
                + "CASE WHEN p.prokind <> 'a' THEN pg_catalog.pg_get_functiondef(p.oid) END "
                + "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
                + "WHERE p.pronamespace = ANY(" + m.scope.namespaceOids() + ") AND " + Scoping.ownObject("1255", "p.oid")
                + " ORDER BY n.nspname, p.proname, p.oid", rs -> {
                    if ("a".equals(rs.getString(5))) {
                        return; // aggregates: CollationAndAggregateDefinitions
                    }
                    boolean procedure = "p".equals(rs.getString(5));
                    SchemaObject o = m.add("proc:" + rs.getLong(1), Toc.Section.PRE_DATA, P_FUNCTION, procedure ? "PROCEDURE" : "FUNCTION",
                            rs.getString(3), rs.getString(4) + "(" + rs.getString(6) + ")");
                    String def = rs.getString(7).strip();
                    o.append(def.endsWith(";") ? def : def + ";");
                    m.commentsGoTo(PG_PROC, rs.getLong(1), o.key);
                });
    }

    private void comments() throws SQLException {
        Sql.query(m.connection, "SELECT d.classoid, d.objoid, (pg_catalog.pg_identify_object(d.classoid, d.objoid, d.objsubid)).type, "
                + "(pg_catalog.pg_identify_object(d.classoid, d.objoid, d.objsubid)).identity, d.description "
                + "FROM pg_catalog.pg_description d WHERE d.objoid >= 16384 OR d.classoid = 2615 "
                + "ORDER BY d.classoid, d.objoid, d.objsubid", rs -> {
                    String target = m.commentTargets.get(rs.getLong(1) + ":" + rs.getLong(2));
                    if (target == null || target.startsWith("identity-comments:")) {
                        return;
                    }
                    SchemaObject o = m.objects.get(target);
                    String type = rs.getString(3);
                    String identity = rs.getString(4);
                    String text = rs.getString(5);
                    if ("schema".equals(type) && "public".equals(identity) && "standard public schema".equals(text)) {
                        return;
                    }
                    String what = commentKeyword(type, identity);
                    if (o != null && what != null) {
                        o.append("COMMENT ON " + what + " IS " + Sql.literal(text) + ";");
                    }
                });
    }

    private static String commentKeyword(String type, String identity) {
        switch (type) {
            case "table column": case "view column": case "materialized view column": case "composite type column":
                return "COLUMN " + identity;
            case "composite type": case "type": case "enum type": case "range type":
                return "TYPE " + identity;
            case "domain constraint": {
                int on = identity.lastIndexOf(" on ");
                return "CONSTRAINT " + identity.substring(0, on) + " ON DOMAIN " + identity.substring(on + 4);
            }
            case "table constraint":
                return "CONSTRAINT " + identity;
            case "statistics object":
                return "STATISTICS " + identity;
            case "table": case "view": case "materialized view": case "sequence": case "index": case "domain": case "function":
            case "procedure": case "schema": case "extension": case "trigger": case "policy": case "rule": case "aggregate":
            case "collation": case "event trigger":
                return type.toUpperCase(java.util.Locale.ROOT) + " " + identity;
            default:
                return null;
        }
    }

    /** Turns pg_depend rows into "comes after" edges between the objects being written. */
    private void dependencies() throws SQLException {
        Map<Long, String> rewriteToView = new HashMap<>();
        Map<Long, String> attrdefToTable = new HashMap<>();
        Map<Long, String> constraintOwner = new HashMap<>();
        Map<Long, String> typeKey = new HashMap<>();
        Sql.query(m.connection, "SELECT oid, ev_class FROM pg_catalog.pg_rewrite WHERE ev_class = ANY(" + m.scope.relationOids() + ")",
                rs -> rewriteToView.put(rs.getLong(1), rel(rs.getLong(2))));
        Sql.query(m.connection, "SELECT oid, adrelid FROM pg_catalog.pg_attrdef WHERE adrelid = ANY(" + m.scope.relationOids() + ")",
                rs -> attrdefToTable.put(rs.getLong(1), rel(rs.getLong(2))));
        Sql.query(m.connection, "SELECT oid, conrelid, contypid FROM pg_catalog.pg_constraint WHERE connamespace = ANY("
                + m.scope.namespaceOids() + ")", rs -> {
                    String own = m.objects.containsKey("con:" + rs.getLong(1)) ? "con:" + rs.getLong(1)
                            : rs.getLong(3) != 0 ? "type:" + rs.getLong(3) : rel(rs.getLong(2));
                    constraintOwner.put(rs.getLong(1), own);
                });
        // Row types stand for their table; array types for their element; multiranges for their range.
        Sql.query(m.connection, "SELECT t.oid, t.typrelid, e.oid, r.rngtypid FROM pg_catalog.pg_type t "
                + "LEFT JOIN pg_catalog.pg_type e ON e.typarray = t.oid "
                + "LEFT JOIN pg_catalog.pg_range r ON r.rngmultitypid = t.oid "
                + "WHERE t.typnamespace = ANY(" + m.scope.namespaceOids() + ")", rs -> {
                    long t = rs.getLong(1);
                    if (m.objects.containsKey("type:" + t)) {
                        typeKey.put(t, "type:" + t);
                    } else if (rs.getLong(3) != 0) {
                        typeKey.put(t, "elem:" + rs.getLong(3));
                    } else if (rs.getLong(4) != 0) {
                        typeKey.put(t, "type:" + rs.getLong(4));
                    } else if (rs.getLong(2) != 0) {
                        typeKey.put(t, rel(rs.getLong(2)));
                    }
                });
        for (Map.Entry<Long, String> e : typeKey.entrySet()) {
            String v = e.getValue();
            if (v.startsWith("elem:")) {
                String elem = typeKey.get(Long.parseLong(v.substring(5)));
                e.setValue(elem == null ? "none" : elem);
            }
        }
        Map<Long, String> compositeClass = new HashMap<>();
        Sql.query(m.connection, "SELECT typrelid, oid FROM pg_catalog.pg_type WHERE typtype = 'c' AND typnamespace = ANY("
                + m.scope.namespaceOids() + ")", rs -> {
                    if (m.objects.containsKey("type:" + rs.getLong(2))) {
                        compositeClass.put(rs.getLong(1), "type:" + rs.getLong(2));
                    }
                });
        Sql.query(m.connection, "SELECT classid, objid, refclassid, refobjid, deptype FROM pg_catalog.pg_depend "
                + "WHERE deptype IN ('n', 'a') AND classid IN (1259, 1247, 1255, 2618, 2604, 2606, 3079) "
                + "AND refclassid IN (1259, 1247, 1255, 2615, 2606, 3079, 3456) AND objid >= 16384", rs -> {
                    String from = key(rs.getLong(1), rs.getLong(2), rewriteToView, attrdefToTable, constraintOwner, typeKey, compositeClass);
                    String to = key(rs.getLong(3), rs.getLong(4), rewriteToView, attrdefToTable, constraintOwner, typeKey, compositeClass);
                    if (from == null || to == null || from.equals(to)) {
                        return;
                    }
                    // OWNED BY runs after both; the sequence itself never waits for its table.
                    if ("a".equals(rs.getString(5)) && rs.getLong(1) == PG_CLASS && rs.getLong(3) == PG_CLASS) {
                        SchemaObject s = m.objects.get(from);
                        if (s != null && "SEQUENCE".equals(s.kind)) {
                            return;
                        }
                    }
                    SchemaObject o = m.objects.get(from);
                    if (o != null && m.objects.containsKey(to)) {
                        o.dependsOn.add(to);
                        if (o.key.startsWith("rel:") && to.startsWith("rel:") && m.objects.containsKey("refresh:" + o.key.substring(4))
                                && m.objects.containsKey("refresh:" + to.substring(4))) {
                            m.objects.get("refresh:" + o.key.substring(4)).dependsOn.add("refresh:" + to.substring(4));
                        }
                    }
                });
    }

    private static String key(long classId, long oid, Map<Long, String> rewrite, Map<Long, String> attrdef, Map<Long, String> constraint,
                              Map<Long, String> types, Map<Long, String> compositeClass) {
        if (classId == PG_CLASS) {
            return compositeClass.getOrDefault(oid, rel(oid));
        } else if (classId == PG_TYPE) {
            return types.get(oid);
        } else if (classId == PG_PROC) {
            return "proc:" + oid;
        } else if (classId == PG_REWRITE) {
            return rewrite.get(oid);
        } else if (classId == PG_ATTRDEF) {
            return attrdef.get(oid);
        } else if (classId == PG_CONSTRAINT) {
            return constraint.get(oid);
        } else if (classId == PG_NAMESPACE) {
            return "ns:" + oid;
        } else if (classId == PG_EXTENSION) {
            return "ext:" + oid;
        } else if (classId == CollationAndAggregateDefinitions.PG_COLLATION) {
            return "coll:" + oid;
        }
        return null;
    }

    /** Objects of kinds this engine does not write, so that the backup result names them instead of dropping them silently. */
    private void unsupportedObjects() throws SQLException {
        String ns = m.scope.namespaceOids();
        String[][] kinds = {
            {"operator", "SELECT o.oid::pg_catalog.regoperator::text FROM pg_catalog.pg_operator o WHERE o.oprnamespace = ANY(" + ns
                    + ") AND " + Scoping.notExtensionMember("2617", "o.oid")},
            {"operator class", "SELECT c.opcname FROM pg_catalog.pg_opclass c WHERE c.opcnamespace = ANY(" + ns + ") AND "
                    + Scoping.notExtensionMember("2616", "c.oid")},
            {"operator family", "SELECT f.opfname FROM pg_catalog.pg_opfamily f WHERE f.opfnamespace = ANY(" + ns + ") AND "
                    + Scoping.notExtensionMember("2753", "f.oid")},
            {"conversion", "SELECT c.conname FROM pg_catalog.pg_conversion c WHERE c.connamespace = ANY(" + ns + ")"},
            {"text search configuration", "SELECT c.cfgname FROM pg_catalog.pg_ts_config c WHERE c.cfgnamespace = ANY(" + ns + ") AND "
                    + Scoping.notExtensionMember("3602", "c.oid")},
            {"text search dictionary", "SELECT d.dictname FROM pg_catalog.pg_ts_dict d WHERE d.dictnamespace = ANY(" + ns + ") AND "
                    + Scoping.notExtensionMember("3600", "d.oid")},
            {"cast", "SELECT c.castsource::pg_catalog.regtype || ' AS ' || c.casttarget::pg_catalog.regtype FROM pg_catalog.pg_cast c "
                    + "WHERE c.oid >= 16384 AND " + Scoping.ownObject("2605", "c.oid")},
            {"foreign table", "SELECT c.relname FROM pg_catalog.pg_class c WHERE c.relkind = 'f' AND c.relnamespace = ANY(" + ns + ") AND "
                    + Scoping.notExtensionMember("1259", "c.oid")},
            {"foreign server", "SELECT s.srvname FROM pg_catalog.pg_foreign_server s WHERE " + Scoping.notExtensionMember("1417", "s.oid")},
            {"foreign-data wrapper", "SELECT w.fdwname FROM pg_catalog.pg_foreign_data_wrapper w WHERE "
                    + Scoping.notExtensionMember("2328", "w.oid")},
            {"publication", "SELECT p.pubname FROM pg_catalog.pg_publication p"},
            {"procedural language", "SELECT l.lanname FROM pg_catalog.pg_language l WHERE l.oid >= 16384 AND "
                    + Scoping.notExtensionMember("2612", "l.oid")},
            {"base or shell type", "SELECT t.oid::pg_catalog.regtype::text FROM pg_catalog.pg_type t WHERE t.typtype IN ('b', 'p') "
                    + "AND t.typnamespace = ANY(" + ns + ") AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.typarray = t.oid) "
                    + "AND " + Scoping.notExtensionMember("1247", "t.oid")},
        };
        for (String[] k : kinds) {
            Sql.query(m.connection, k[1] + " ORDER BY 1", rs -> m.unsupported.add(k[0] + " " + rs.getString(1)));
        }
    }
}
