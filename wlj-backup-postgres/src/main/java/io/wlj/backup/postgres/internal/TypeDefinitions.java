package io.wlj.backup.postgres.internal;

import static io.wlj.backup.postgres.internal.SchemaModel.*;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** Enum, composite, range and domain types. */
final class TypeDefinitions {
    private final SchemaModel m;

    TypeDefinitions(SchemaModel model) {
        this.m = model;
    }

    void read() throws SQLException {
        String ns = m.scope.namespaceOids();
        Map<Long, String> enumLabels = new HashMap<>();
        Sql.query(m.connection, "SELECT enumtypid, string_agg(pg_catalog.quote_literal(enumlabel), ', ' ORDER BY enumsortorder) "
                + "FROM pg_catalog.pg_enum GROUP BY enumtypid", rs -> enumLabels.put(rs.getLong(1), rs.getString(2)));
        Map<Long, String> attributes = new HashMap<>();
        Sql.query(m.connection, "SELECT a.attrelid, string_agg(pg_catalog.quote_ident(a.attname) || ' ' || "
                + "pg_catalog.format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation "
                + "THEN ' COLLATE ' || pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) ELSE '' END, "
                + "', ' ORDER BY a.attnum) FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
                + "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid AND c.relkind = 'c' "
                + "LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation "
                + "LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
                + "WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relnamespace = ANY(" + ns + ") GROUP BY a.attrelid",
                rs -> attributes.put(rs.getLong(1), rs.getString(2)));
        Map<Long, String> domainChecks = new HashMap<>();
        Sql.query(m.connection, "SELECT c.contypid, c.oid, c.conname, pg_catalog.pg_get_constraintdef(c.oid), c.convalidated "
                + "FROM pg_catalog.pg_constraint c WHERE c.contypid <> 0 AND c.contype = 'c' AND c.connamespace = ANY(" + ns + ") "
                + "ORDER BY c.contypid, c.conname", rs -> {
                    if (rs.getBoolean(5)) {
                        domainChecks.merge(rs.getLong(1), " CONSTRAINT " + Sql.ident(rs.getString(3)) + " " + rs.getString(4), String::concat);
                        m.commentsGoTo(PG_CONSTRAINT, rs.getLong(2), "type:" + rs.getLong(1));
                    } else {
                        SchemaObject o = m.add("domcon:" + rs.getLong(2), Toc.Section.POST_DATA, P_CONSTRAINT, "DOMAIN CONSTRAINT",
                                null, rs.getString(3));
                        o.append("ALTER DOMAIN " + "%DOMAIN:" + rs.getLong(1) + "% ADD CONSTRAINT " + Sql.ident(rs.getString(3)) + " "
                                + rs.getString(4) + ";");
                        o.dependsOn.add("type:" + rs.getLong(1));
                        m.commentsGoTo(PG_CONSTRAINT, rs.getLong(2), o.key);
                    }
                });
        Map<Long, String> typeNames = new HashMap<>();
        Sql.query(m.connection, "SELECT t.oid, t.typtype, n.nspname, t.typname, pg_catalog.format_type(t.oid, NULL), t.typrelid, "
                + "pg_catalog.format_type(t.typbasetype, t.typtypmod), t.typnotnull, pg_catalog.pg_get_expr(t.typdefaultbin, 0), "
                + "CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation THEN pg_catalog.quote_ident(cn.nspname) || '.' "
                + "|| pg_catalog.quote_ident(co.collname) END "
                + "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
                + "LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype "
                + "LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation "
                + "LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
                + "LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid "
                + "WHERE t.typnamespace = ANY(" + ns + ") AND t.typtype IN ('e', 'c', 'r', 'd') AND (t.typtype <> 'c' OR c.relkind = 'c') "
                + "AND " + Scoping.notExtensionMember("1247", "t.oid") + " ORDER BY n.nspname, t.typname", rs -> {
                    long oid = rs.getLong(1);
                    String q = rs.getString(5);
                    typeNames.put(oid, q);
                    SchemaObject o = m.add("type:" + oid, Toc.Section.PRE_DATA, P_TYPE, "TYPE", rs.getString(3), rs.getString(4));
                    m.commentsGoTo(PG_TYPE, oid, o.key);
                    switch (rs.getString(2)) {
                        case "e" -> o.append("CREATE TYPE " + q + " AS ENUM (" + enumLabels.getOrDefault(oid, "") + ");");
                        case "c" -> {
                            o.append("CREATE TYPE " + q + " AS (" + attributes.getOrDefault(rs.getLong(6), "") + ");");
                            m.commentsGoTo(PG_CLASS, rs.getLong(6), o.key);
                        }
                        case "d" -> {
                            StringBuilder sb = new StringBuilder("CREATE DOMAIN ").append(q).append(" AS ").append(rs.getString(7));
                            if (rs.getString(10) != null) {
                                sb.append(" COLLATE ").append(rs.getString(10));
                            }
                            if (rs.getString(9) != null) {
                                sb.append(" DEFAULT ").append(rs.getString(9));
                            }
                            if (rs.getBoolean(8)) {
                                sb.append(" NOT NULL");
                            }
                            sb.append(domainChecks.getOrDefault(oid, ""));
                            o.append(sb.append(';').toString());
                        }
                        default -> { } // ranges below
                    }
                });
        String multirange = m.version >= 140000 ? "pg_catalog.format_type(r.rngmultitypid, NULL)" : "NULL";
        Sql.query(m.connection, "SELECT r.rngtypid, pg_catalog.format_type(r.rngsubtype, NULL), "
                + "CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation THEN pg_catalog.quote_ident(cn.nspname) || '.' "
                + "|| pg_catalog.quote_ident(co.collname) END, "
                + "CASE WHEN NOT oc.opcdefault THEN pg_catalog.quote_ident(ocn.nspname) || '.' || pg_catalog.quote_ident(oc.opcname) END, "
                + "r.rngcanonical <> 0, CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::pg_catalog.regproc::text END, " + multirange + " "
                + "FROM pg_catalog.pg_range r JOIN pg_catalog.pg_type t ON t.oid = r.rngtypid "
                + "JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype "
                + "LEFT JOIN pg_catalog.pg_collation co ON co.oid = r.rngcollation LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
                + "LEFT JOIN pg_catalog.pg_opclass oc ON oc.oid = r.rngsubopc LEFT JOIN pg_catalog.pg_namespace ocn ON ocn.oid = oc.opcnamespace "
                + "WHERE t.typnamespace = ANY(" + ns + ")", rs -> {
                    SchemaObject o = m.objects.get("type:" + rs.getLong(1));
                    if (o == null) {
                        return;
                    }
                    if (rs.getBoolean(5)) {
                        m.objects.remove(o.key);
                        m.unsupported.add("range type " + typeNames.get(rs.getLong(1)) + " (it has a canonical function)");
                        return;
                    }
                    StringBuilder sb = new StringBuilder("CREATE TYPE ").append(typeNames.get(rs.getLong(1))).append(" AS RANGE (subtype = ")
                            .append(rs.getString(2));
                    if (rs.getString(4) != null) {
                        sb.append(", subtype_opclass = ").append(rs.getString(4));
                    }
                    if (rs.getString(3) != null) {
                        sb.append(", collation = ").append(rs.getString(3));
                    }
                    if (rs.getString(6) != null) {
                        sb.append(", subtype_diff = ").append(rs.getString(6));
                    }
                    if (rs.getString(7) != null) {
                        sb.append(", multirange_type_name = ").append(rs.getString(7));
                    }
                    o.append(sb.append(");").toString());
                });
        for (SchemaObject o : m.objects.values()) {
            if ("DOMAIN CONSTRAINT".equals(o.kind)) {
                String sql = o.sql.toString();
                int a = sql.indexOf("%DOMAIN:");
                int b = sql.indexOf('%', a + 1);
                long domain = Long.parseLong(sql.substring(a + 8, b));
                o.sql.setLength(0);
                o.sql.append(sql, 0, a).append(typeNames.get(domain)).append(sql.substring(b + 1));
            }
        }
    }
}
