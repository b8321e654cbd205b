package io.wlj.backup.postgres.internal;

import static io.wlj.backup.postgres.internal.SchemaModel.*;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * What pg_dump calls post-data: constraints other than valid CHECKs, indexes (and their
 * attachment to partitioned indexes), triggers, rules, policies and extended statistics.
 */
final class PostDataDefinitions {
    private final SchemaModel m;

    PostDataDefinitions(SchemaModel model) {
        this.m = model;
    }

    void read() throws SQLException {
        String oids = m.scope.relationOids();
        Map<Long, String> indexKey = new HashMap<>(); // index oid -> key of the entry that creates it
        Map<Long, Character> relkind = new HashMap<>();
        m.scope.relations.values().forEach(r -> relkind.put(r.oid(), r.kind()));
        String parentColumn = "conparentid";
        Sql.query(m.connection, "SELECT c.oid, c.conrelid, c.conname, c.contype, pg_catalog.pg_get_constraintdef(c.oid), "
                + "c.conindid, c." + parentColumn + ", c.convalidated, c.confrelid FROM pg_catalog.pg_constraint c "
                + "WHERE c.conrelid = ANY(" + oids + ") AND c.contype IN ('p', 'u', 'x', 'f', 'c') ORDER BY c.conrelid, c.conname", rs -> {
                    char type = rs.getString(4).charAt(0);
                    long table = rs.getLong(2);
                    Relation r = m.scope.relations.get(table);
                    if (type == 'c' && rs.getBoolean(8)) {
                        return; // valid CHECKs are inline in CREATE TABLE
                    }
                    if (type == 'f' && rs.getLong(7) != 0) {
                        return; // cloned onto a partition from the partitioned table's foreign key
                    }
                    if (type == 'f' && !m.scope.relations.containsKey(rs.getLong(9))) {
                        m.unsupported.add("foreign key " + rs.getString(3) + " of " + r.qualified()
                                + " (it references a table outside the backup's scope)");
                        return;
                    }
                    boolean partitioned = relkind.get(table) == 'p';
                    String only = (type == 'f' || type == 'c') && partitioned ? "" : "ONLY ";
                    SchemaObject o = m.add("con:" + rs.getLong(1), Toc.Section.POST_DATA, type == 'f' ? P_FK : P_CONSTRAINT,
                            type == 'f' ? "FK CONSTRAINT" : "CONSTRAINT", r.schema(), r.name() + " " + rs.getString(3));
                    o.append("ALTER TABLE " + only + r.qualified() + " ADD CONSTRAINT " + Sql.ident(rs.getString(3)) + " "
                            + rs.getString(5) + ";");
                    o.dependsOn.add(rel(table));
                    if (type == 'f') {
                        o.dependsOn.add(rel(rs.getLong(9)));
                    }
                    o.parallel = type == 'p' || type == 'u' || type == 'x';
                    o.table = r.schema() + "." + r.name();
                    m.commentsGoTo(PG_CONSTRAINT, rs.getLong(1), o.key);
                    if (rs.getLong(6) != 0 && type != 'f') {
                        indexKey.put(rs.getLong(6), o.key);
                        m.commentsGoTo(PG_CLASS, rs.getLong(6), o.key);
                    }
                });
        // Foreign keys need the referenced unique index, wherever it comes from.
        Sql.query(m.connection, "SELECT c.oid, c.conindid FROM pg_catalog.pg_constraint c WHERE c.contype = 'f' AND c.conrelid = ANY("
                + oids + ")", rs -> {
                    SchemaObject fk = m.objects.get("con:" + rs.getLong(1));
                    if (fk != null) {
                        fk.dependsOn.add("index-of:" + rs.getLong(2));
                    }
                });
        // pg_get_indexdef only where the index stands alone: a constraint's index is created by its constraint.
        Sql.query(m.connection, "SELECT i.indexrelid, i.indrelid, CASE WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k "
                + "WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')) "
                + "THEN pg_catalog.pg_get_indexdef(i.indexrelid) END, ic.relname, "
                + "i.indisclustered, i.indisreplident FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
                + "WHERE i.indrelid = ANY(" + oids + ") ORDER BY i.indrelid, ic.relname", rs -> {
                    long index = rs.getLong(1);
                    Relation r = m.scope.relations.get(rs.getLong(2));
                    String key = indexKey.get(index);
                    if (key == null) {
                        SchemaObject o = m.add("idx:" + index, Toc.Section.POST_DATA, P_INDEX, "INDEX", r.schema(), rs.getString(4));
                        o.append(rs.getString(3) + ";");
                        o.dependsOn.add(rel(r.oid()));
                        o.parallel = true;
                        o.table = r.schema() + "." + r.name();
                        m.commentsGoTo(PG_CLASS, index, o.key);
                        key = o.key;
                        indexKey.put(index, key);
                    }
                    String qualifiedIndex = Sql.ident(r.schema()) + "." + Sql.ident(rs.getString(4));
                    if (rs.getBoolean(5)) {
                        tableOption(r, "CLUSTER ON " + Sql.ident(rs.getString(4)), key);
                    }
                    if (rs.getBoolean(6)) {
                        tableOption(r, "REPLICA IDENTITY USING INDEX " + Sql.ident(rs.getString(4)), key);
                    }
                    aliases.put("index-of:" + index, key);
                    indexNames.put(index, qualifiedIndex);
                });
        // One pass over every object's dependencies (not one per index: 5,000 tables make that quadratic).
        Map<String, java.util.List<SchemaObject>> fksByIndex = new HashMap<>();
        for (SchemaObject o : m.objects.values()) {
            java.util.List<String> placeholders = o.dependsOn.stream().filter(d -> d.startsWith("index-of:")).toList();
            for (String d : placeholders) {
                o.dependsOn.remove(d);
                String resolved = aliases.get(d);
                if (resolved != null) {
                    o.dependsOn.add(resolved);
                    if ("FK CONSTRAINT".equals(o.kind)) {
                        fksByIndex.computeIfAbsent(resolved, k -> new java.util.ArrayList<>()).add(o);
                    }
                }
            }
        }
        Sql.query(m.connection, "SELECT i.inhrelid, i.inhparent FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c "
                + "ON c.oid = i.inhrelid WHERE c.relkind IN ('i', 'I')", rs -> {
                    String child = indexNames.get(rs.getLong(1));
                    String parent = indexNames.get(rs.getLong(2));
                    if (child != null && parent != null) {
                        SchemaObject o = m.add("idxattach:" + rs.getLong(1), Toc.Section.POST_DATA, P_INDEX_ATTACH, "INDEX ATTACH",
                                null, child);
                        o.append("ALTER INDEX " + parent + " ATTACH PARTITION " + child + ";");
                        o.dependsOn.add(aliases.get("index-of:" + rs.getLong(1)));
                        o.dependsOn.add(aliases.get("index-of:" + rs.getLong(2)));
                        // Constraints using the parent index need it valid, which it is once every partition's index is attached.
                        for (SchemaObject fk : fksByIndex.getOrDefault(aliases.get("index-of:" + rs.getLong(2)), java.util.List.of())) {
                            fk.dependsOn.add(o.key);
                        }
                    }
                });
        triggers(oids);
        rules(oids);
        policies(oids);
        statistics(oids);
        eventTriggers();
    }

    /** Event triggers come last (as in pg_dump), so none fires while the restore itself runs DDL. */
    private void eventTriggers() throws SQLException {
        Sql.query(m.connection, "SELECT e.oid, e.evtname, e.evtevent, e.evtfoid::pg_catalog.regproc::text, "
                + "array_to_string(ARRAY(SELECT pg_catalog.quote_literal(t) FROM unnest(e.evttags) t), ', '), e.evtenabled, "
                + "p.pronamespace FROM pg_catalog.pg_event_trigger e JOIN pg_catalog.pg_proc p ON p.oid = e.evtfoid WHERE "
                + Scoping.notExtensionMember("3466", "e.oid") + " ORDER BY e.evtname", rs -> {
                    if (!m.scope.namespaces.containsKey(rs.getLong(7))) {
                        m.unsupported.add("event trigger " + rs.getString(2) + " (its function is outside the backup's scope)");
                        return;
                    }
                    SchemaObject o = m.add("evt:" + rs.getLong(1), Toc.Section.POST_DATA, P_EVENT_TRIGGER, "EVENT TRIGGER", null,
                            rs.getString(2));
                    StringBuilder sb = new StringBuilder("CREATE EVENT TRIGGER ").append(Sql.ident(rs.getString(2))).append(" ON ")
                            .append(rs.getString(3));
                    if (rs.getString(5) != null && !rs.getString(5).isEmpty()) {
                        sb.append("\n    WHEN TAG IN (").append(rs.getString(5)).append(')');
                    }
                    o.append(sb.append("\n    EXECUTE FUNCTION ").append(rs.getString(4)).append("();").toString());
                    String state = switch (rs.getString(6)) {
                        case "D" -> "DISABLE";
                        case "R" -> "ENABLE REPLICA";
                        case "A" -> "ENABLE ALWAYS";
                        default -> null;
                    };
                    if (state != null) {
                        o.append("ALTER EVENT TRIGGER " + Sql.ident(rs.getString(2)) + " " + state + ";");
                    }
                    m.commentsGoTo(3466, rs.getLong(1), o.key);
                });
    }

    private final Map<String, String> aliases = new HashMap<>();
    private final Map<Long, String> indexNames = new HashMap<>();

    private void tableOption(Relation r, String clause, String indexEntry) {
        SchemaObject o = m.add("tableopt:" + r.oid() + ":" + clause, Toc.Section.POST_DATA, P_INDEX_ATTACH, "TABLE OPTION", r.schema(),
                r.name());
        o.append("ALTER TABLE ONLY " + r.qualified() + " " + clause + ";");
        o.dependsOn.add(indexEntry);
    }

    private void triggers(String oids) throws SQLException {
        String notCloned = m.version >= 130000 ? " AND t.tgparentid = 0" : "";
        Sql.query(m.connection, "SELECT t.oid, t.tgrelid, t.tgname, pg_catalog.pg_get_triggerdef(t.oid, false), t.tgenabled "
                + "FROM pg_catalog.pg_trigger t WHERE NOT t.tgisinternal AND t.tgrelid = ANY(" + oids + ")" + notCloned
                + " ORDER BY t.tgrelid, t.tgname", rs -> {
                    Relation r = m.scope.relations.get(rs.getLong(2));
                    SchemaObject o = m.add("trg:" + rs.getLong(1), Toc.Section.POST_DATA, P_TRIGGER, "TRIGGER", r.schema(),
                            r.name() + " " + rs.getString(3));
                    o.append(rs.getString(4) + ";");
                    String state = rs.getString(5);
                    String alter = switch (state) {
                        case "D" -> "DISABLE TRIGGER ";
                        case "R" -> "ENABLE REPLICA TRIGGER ";
                        case "A" -> "ENABLE ALWAYS TRIGGER ";
                        default -> null;
                    };
                    if (alter != null) {
                        o.append("ALTER TABLE " + r.qualified() + " " + alter + Sql.ident(rs.getString(3)) + ";");
                    }
                    o.dependsOn.add(rel(r.oid()));
                    m.commentsGoTo(PG_TRIGGER, rs.getLong(1), o.key);
                });
    }

    private void rules(String oids) throws SQLException {
        Sql.query(m.connection, "SELECT r.oid, r.ev_class, r.rulename, pg_catalog.pg_get_ruledef(r.oid), r.ev_enabled "
                + "FROM pg_catalog.pg_rewrite r WHERE r.rulename <> '_RETURN' AND r.ev_class = ANY(" + oids + ") "
                + "ORDER BY r.ev_class, r.rulename", rs -> {
                    Relation r = m.scope.relations.get(rs.getLong(2));
                    SchemaObject o = m.add("rule:" + rs.getLong(1), Toc.Section.POST_DATA, P_RULE, "RULE", r.schema(),
                            r.name() + " " + rs.getString(3));
                    String def = rs.getString(4).strip();
                    o.append(def.endsWith(";") ? def : def + ";");
                    if ("D".equals(rs.getString(5))) {
                        o.append("ALTER TABLE " + r.qualified() + " DISABLE RULE " + Sql.ident(rs.getString(3)) + ";");
                    }
                    o.dependsOn.add(rel(r.oid()));
                    m.commentsGoTo(PG_REWRITE, rs.getLong(1), o.key);
                });
    }

    private void policies(String oids) throws SQLException {
        Sql.query(m.connection, "SELECT p.oid, p.polrelid, p.polname, p.polcmd, p.polpermissive, "
                + "CASE WHEN p.polroles = '{0}' THEN 'PUBLIC' ELSE (SELECT string_agg(pg_catalog.quote_ident(a.rolname), ', ' "
                + "ORDER BY a.rolname) FROM pg_catalog.pg_roles a WHERE a.oid = ANY(p.polroles)) END, "
                + "pg_catalog.pg_get_expr(p.polqual, p.polrelid), pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) "
                + "FROM pg_catalog.pg_policy p WHERE p.polrelid = ANY(" + oids + ") ORDER BY p.polrelid, p.polname", rs -> {
                    Relation r = m.scope.relations.get(rs.getLong(2));
                    SchemaObject o = m.add("pol:" + rs.getLong(1), Toc.Section.POST_DATA, P_POLICY, "POLICY", r.schema(),
                            r.name() + " " + rs.getString(3));
                    String cmd = switch (rs.getString(4)) {
                        case "r" -> "SELECT";
                        case "a" -> "INSERT";
                        case "w" -> "UPDATE";
                        case "d" -> "DELETE";
                        default -> "ALL";
                    };
                    StringBuilder sb = new StringBuilder("CREATE POLICY ").append(Sql.ident(rs.getString(3))).append(" ON ")
                            .append(r.qualified()).append(" AS ").append(rs.getBoolean(5) ? "PERMISSIVE" : "RESTRICTIVE")
                            .append(" FOR ").append(cmd).append(" TO ").append(rs.getString(6));
                    if (rs.getString(7) != null) {
                        sb.append(" USING (").append(rs.getString(7)).append(')');
                    }
                    if (rs.getString(8) != null) {
                        sb.append(" WITH CHECK (").append(rs.getString(8)).append(')');
                    }
                    o.append(sb.append(';').toString());
                    o.dependsOn.add(rel(r.oid()));
                    m.commentsGoTo(PG_POLICY, rs.getLong(1), o.key);
                });
    }

    private void statistics(String oids) throws SQLException {
        Sql.query(m.connection, "SELECT s.oid, s.stxrelid, s.stxname, pg_catalog.pg_get_statisticsobjdef(s.oid), "
                + "COALESCE(s.stxstattarget::int, -1), pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(s.stxname) "
                + "FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace "
                + "WHERE s.stxrelid = ANY(" + oids + ") ORDER BY s.stxrelid, s.stxname", rs -> {
                    Relation r = m.scope.relations.get(rs.getLong(2));
                    SchemaObject o = m.add("stx:" + rs.getLong(1), Toc.Section.POST_DATA, P_STATISTICS, "STATISTICS", r.schema(),
                            rs.getString(3));
                    o.append(rs.getString(4) + ";");
                    if (rs.getInt(5) >= 0) {
                        o.append("ALTER STATISTICS " + rs.getString(6) + " SET STATISTICS " + rs.getInt(5) + ";");
                    }
                    o.dependsOn.add(rel(r.oid()));
                    m.commentsGoTo(PG_STATISTIC_EXT, rs.getLong(1), o.key);
                });
    }
}
