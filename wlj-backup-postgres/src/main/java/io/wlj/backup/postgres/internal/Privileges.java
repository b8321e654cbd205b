package io.wlj.backup.postgres.internal;

import static io.wlj.backup.postgres.internal.SchemaModel.*;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Owners and grants, written only when asked for (off by default, like
 * {@code pg_dump --no-owner --no-acl}, because the roles often differ where a backup is restored).
 * An object with a non-default ACL gets everything revoked from PUBLIC and its owner first, then
 * each grant of the source again, so the restored ACL equals the source's (grantors aside: the
 * restoring role grants).
 */
final class Privileges {
    private final SchemaModel m;

    private record Grant(String grantee, String privilege, boolean grantable) {
    }

    Privileges(SchemaModel model) {
        this.m = model;
    }

    void read() throws SQLException {
        String rels = m.scope.relationOids();
        String ns = m.scope.namespaceOids();
        objects("SELECT c.oid, (pg_catalog.pg_identify_object(1259, c.oid, 0)).identity, c.relowner, c.relacl, c.relkind::text "
                + "FROM pg_catalog.pg_class c WHERE c.oid = ANY(" + rels + ")", "rel:", PG_CLASS);
        objects("SELECT n.oid, pg_catalog.quote_ident(n.nspname), n.nspowner, n.nspacl, 'schema' FROM pg_catalog.pg_namespace n "
                + "WHERE n.oid = ANY(" + ns + ")", "ns:", PG_NAMESPACE);
        objects("SELECT p.oid, (pg_catalog.pg_identify_object(1255, p.oid, 0)).identity, p.proowner, p.proacl, "
                + "CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END FROM pg_catalog.pg_proc p WHERE p.pronamespace = ANY("
                + ns + ")", "proc:", PG_PROC);
        objects("SELECT t.oid, (pg_catalog.pg_identify_object(1247, t.oid, 0)).identity, t.typowner, t.typacl, "
                + "CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END FROM pg_catalog.pg_type t WHERE t.typnamespace = ANY(" + ns + ")",
                "type:", PG_TYPE);
        columns(rels);
    }

    private void objects(String sql, String prefix, long catalog) throws SQLException {
        Map<Long, String[]> found = new LinkedHashMap<>();
        Sql.query(m.connection, sql, rs -> found.put(rs.getLong(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5)}));
        Map<Long, String> roles = roles();
        for (Map.Entry<Long, String[]> e : found.entrySet()) {
            SchemaObject o = m.objects.get(prefix + e.getKey());
            if (o == null) {
                continue;
            }
            String[] v = e.getValue();
            String keyword = keyword(v[3]);
            String owner = roles.get(Long.parseLong(v[1]));
            o.append("ALTER " + keyword + " " + v[0] + " OWNER TO " + owner + ";");
            if (v[2] != null) {
                SchemaObject acl = m.add("acl:" + prefix + e.getKey(), Toc.Section.POST_DATA, P_ACL, "ACL", o.schema, o.name);
                acl.dependsOn.add(o.key);
                String on = (keyword.endsWith("VIEW") ? "TABLE" : keyword) + " " + v[0]; // GRANT treats views as tables
                acl.append("REVOKE ALL ON " + on + " FROM PUBLIC;");
                acl.append("REVOKE ALL ON " + on + " FROM " + owner + ";");
                for (Grant g : grants(v[2], roles)) {
                    acl.append("GRANT " + g.privilege + " ON " + on + " TO " + g.grantee + (g.grantable ? " WITH GRANT OPTION" : "") + ";");
                }
            }
        }
    }

    private void columns(String rels) throws SQLException {
        Map<Long, String> roles = roles();
        Sql.query(m.connection, "SELECT a.attrelid, pg_catalog.quote_ident(a.attname), a.attacl, "
                + "(pg_catalog.pg_identify_object(1259, a.attrelid, 0)).identity FROM pg_catalog.pg_attribute a "
                + "WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped AND a.attrelid = ANY(" + rels + ")", rs -> {
                    SchemaObject table = m.objects.get(rel(rs.getLong(1)));
                    if (table == null) {
                        return;
                    }
                    String key = "acl:col:" + rs.getLong(1);
                    SchemaObject acl = m.objects.get(key);
                    if (acl == null) {
                        acl = m.add(key, Toc.Section.POST_DATA, P_ACL + 1, "COLUMN ACL", table.schema, table.name);
                        acl.dependsOn.add(table.key);
                    }
                    for (Grant g : grants(rs.getString(3), roles)) {
                        acl.append("GRANT " + g.privilege + " (" + rs.getString(2) + ") ON TABLE " + rs.getString(4) + " TO " + g.grantee
                                + (g.grantable ? " WITH GRANT OPTION" : "") + ";");
                    }
                });
    }

    private Map<Long, String> cachedRoles;

    private Map<Long, String> roles() throws SQLException {
        if (cachedRoles == null) {
            cachedRoles = new LinkedHashMap<>();
            cachedRoles.put(0L, "PUBLIC");
            Sql.query(m.connection, "SELECT oid, pg_catalog.quote_ident(rolname) FROM pg_catalog.pg_roles",
                    rs -> cachedRoles.put(rs.getLong(1), rs.getString(2)));
        }
        return cachedRoles;
    }

    /** The grants of an ACL in its own order (so the restored ACL reads the same), by the server's aclexplode. */
    private List<Grant> grants(String acl, Map<Long, String> roles) throws SQLException {
        List<Grant> out = new ArrayList<>();
        Sql.query(m.connection, "SELECT grantee, privilege_type, is_grantable FROM pg_catalog.aclexplode(" + Sql.literal(acl)
                + "::pg_catalog.aclitem[])", rs -> out.add(new Grant(roles.get(rs.getLong(1)),
                rs.getString(2), rs.getBoolean(3))));
        return out;
    }

    private static String keyword(String kind) {
        switch (kind) {
            case "r": case "p": return "TABLE";
            case "v": return "VIEW";
            case "m": return "MATERIALIZED VIEW";
            case "S": return "SEQUENCE";
            case "schema": return "SCHEMA";
            case "procedure": return "PROCEDURE";
            case "function": return "FUNCTION";
            case "domain": return "DOMAIN";
            default: return "TYPE";
        }
    }
}
