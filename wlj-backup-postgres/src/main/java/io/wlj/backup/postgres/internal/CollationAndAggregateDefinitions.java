package io.wlj.backup.postgres.internal;

import static io.wlj.backup.postgres.internal.SchemaModel.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.SQLException;

/**
 * Collations and aggregates. Their catalog rows changed shape across versions (ICU locale
 * columns, finalfunc modifiers), so each row is read whole as {@code to_jsonb} and the fields
 * present on this server are used.
 */
final class CollationAndAggregateDefinitions {
    static final long PG_COLLATION = 3456;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SchemaModel m;

    CollationAndAggregateDefinitions(SchemaModel model) {
        this.m = model;
    }

    void read() throws SQLException {
        collations();
        aggregates();
    }

    private void collations() throws SQLException {
        Sql.query(m.connection, "SELECT c.oid, n.nspname, c.collname, pg_catalog.quote_ident(n.nspname) || '.' || "
                + "pg_catalog.quote_ident(c.collname), pg_catalog.to_jsonb(c) FROM pg_catalog.pg_collation c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace WHERE c.collnamespace = ANY(" + m.scope.namespaceOids()
                + ") AND " + Scoping.ownObject("3456", "c.oid") + " ORDER BY n.nspname, c.collname", rs -> {
                    JsonNode row = json(rs.getString(5));
                    String provider = text(row, "collprovider");
                    StringBuilder sb = new StringBuilder("CREATE COLLATION ").append(rs.getString(4)).append(" (provider = ");
                    if ("i".equals(provider)) {
                        String locale = text(row, "colllocale") != null ? text(row, "colllocale") : text(row, "colliculocale");
                        if (locale == null) {
                            locale = text(row, "collcollate");
                        }
                        sb.append("icu, locale = ").append(Sql.literal(locale));
                        if (text(row, "collicurules") != null) {
                            sb.append(", rules = ").append(Sql.literal(text(row, "collicurules")));
                        }
                    } else if ("c".equals(provider)) {
                        String collate = text(row, "collcollate");
                        String ctype = text(row, "collctype");
                        sb.append("libc, ").append(collate != null && collate.equals(ctype) ? "locale = " + Sql.literal(collate)
                                : "lc_collate = " + Sql.literal(collate) + ", lc_ctype = " + Sql.literal(ctype));
                    } else {
                        m.unsupported.add("collation " + rs.getString(4) + " (provider " + provider + ")");
                        return;
                    }
                    if (row.has("collisdeterministic") && !row.get("collisdeterministic").asBoolean(true)) {
                        sb.append(", deterministic = false");
                    }
                    SchemaObject o = m.add("coll:" + rs.getLong(1), Toc.Section.PRE_DATA, P_TYPE, "COLLATION", rs.getString(2), rs.getString(3));
                    o.append(sb.append(");").toString());
                    m.commentsGoTo(PG_COLLATION, rs.getLong(1), o.key);
                });
    }

    private void aggregates() throws SQLException {
        Sql.query(m.connection, "SELECT p.oid, n.nspname, p.proname, pg_catalog.quote_ident(n.nspname) || '.' || "
                + "pg_catalog.quote_ident(p.proname), pg_catalog.pg_get_function_arguments(p.oid), pg_catalog.to_jsonb(a), "
                + "a.aggtransfn::pg_catalog.regproc::text, NULLIF(a.aggfinalfn, 0)::pg_catalog.regproc::text, "
                + "NULLIF(a.aggcombinefn, 0)::pg_catalog.regproc::text, NULLIF(a.aggserialfn, 0)::pg_catalog.regproc::text, "
                + "NULLIF(a.aggdeserialfn, 0)::pg_catalog.regproc::text, pg_catalog.format_type(a.aggtranstype, NULL), "
                + "NULLIF(a.aggmtransfn, 0)::pg_catalog.regproc::text, NULLIF(a.aggminvtransfn, 0)::pg_catalog.regproc::text, "
                + "NULLIF(a.aggmfinalfn, 0)::pg_catalog.regproc::text, CASE WHEN a.aggmtranstype <> 0 THEN "
                + "pg_catalog.format_type(a.aggmtranstype, NULL) END, CASE WHEN a.aggsortop <> 0 THEN 'OPERATOR(' || "
                + "pg_catalog.quote_ident(opn.nspname) || '.' || op.oprname || ')' END, p.proparallel::text, "
                + "pg_catalog.pg_get_function_identity_arguments(p.oid) "
                + "FROM pg_catalog.pg_aggregate a JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace LEFT JOIN pg_catalog.pg_operator op ON op.oid = a.aggsortop "
                + "LEFT JOIN pg_catalog.pg_namespace opn ON opn.oid = op.oprnamespace "
                + "WHERE p.pronamespace = ANY(" + m.scope.namespaceOids() + ") AND " + Scoping.ownObject("1255", "p.oid")
                + " ORDER BY n.nspname, p.proname, p.oid", rs -> {
                    JsonNode a = json(rs.getString(6));
                    String signature = rs.getString(4) + "(" + rs.getString(19) + ")";
                    if (!"n".equals(text(a, "aggkind"))) {
                        m.unsupported.add("ordered-set aggregate " + signature);
                        return;
                    }
                    StringBuilder sb = new StringBuilder("CREATE AGGREGATE ").append(rs.getString(4)).append('(')
                            .append(rs.getString(5).isEmpty() ? "*" : rs.getString(5)).append(") (\n    SFUNC = ").append(rs.getString(7))
                            .append(",\n    STYPE = ").append(rs.getString(12));
                    option(sb, "SSPACE", a.path("aggtransspace").asInt(0) > 0 ? a.get("aggtransspace").asText() : null);
                    option(sb, "FINALFUNC", rs.getString(8));
                    if (a.path("aggfinalextra").asBoolean(false)) {
                        sb.append(",\n    FINALFUNC_EXTRA");
                    }
                    option(sb, "FINALFUNC_MODIFY", modify(text(a, "aggfinalmodify")));
                    option(sb, "COMBINEFUNC", rs.getString(9));
                    option(sb, "SERIALFUNC", rs.getString(10));
                    option(sb, "DESERIALFUNC", rs.getString(11));
                    option(sb, "INITCOND", text(a, "agginitval") == null ? null : Sql.literal(text(a, "agginitval")));
                    option(sb, "MSFUNC", rs.getString(13));
                    option(sb, "MINVFUNC", rs.getString(14));
                    option(sb, "MSTYPE", rs.getString(16));
                    option(sb, "MSSPACE", a.path("aggmtransspace").asInt(0) > 0 ? a.get("aggmtransspace").asText() : null);
                    option(sb, "MFINALFUNC", rs.getString(15));
                    if (a.path("aggmfinalextra").asBoolean(false)) {
                        sb.append(",\n    MFINALFUNC_EXTRA");
                    }
                    if (rs.getString(13) != null) {
                        option(sb, "MFINALFUNC_MODIFY", modify(text(a, "aggmfinalmodify")));
                    }
                    option(sb, "MINITCOND", text(a, "aggminitval") == null ? null : Sql.literal(text(a, "aggminitval")));
                    option(sb, "SORTOP", rs.getString(17));
                    option(sb, "PARALLEL", switch (rs.getString(18)) {
                        case "s" -> "SAFE";
                        case "r" -> "RESTRICTED";
                        default -> null;
                    });
                    SchemaObject o = m.add("proc:" + rs.getLong(1), Toc.Section.PRE_DATA, P_FUNCTION, "AGGREGATE", rs.getString(2),
                            rs.getString(3) + "(" + rs.getString(19) + ")");
                    o.append(sb.append("\n);").toString());
                    m.commentsGoTo(PG_PROC, rs.getLong(1), o.key);
                });
    }

    private static String modify(String code) {
        if (code == null || "r".equals(code)) {
            return null; // READ_ONLY is the default for normal aggregates
        }
        return "s".equals(code) ? "SHAREABLE" : "READ_WRITE";
    }

    private static void option(StringBuilder sb, String name, String value) {
        if (value != null) {
            sb.append(",\n    ").append(name).append(" = ").append(value);
        }
    }

    private static JsonNode json(String text) throws SQLException {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new SQLException("unreadable catalog row: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode row, String field) {
        JsonNode v = row.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
