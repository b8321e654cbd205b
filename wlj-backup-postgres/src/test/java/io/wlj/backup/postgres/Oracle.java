package io.wlj.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.wlj.backup.testkit.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** Comparisons of two databases: pg_dump's schema where it can dump the server, and every table's rows. */
final class Oracle {
    private Oracle() {
    }

    /** pg_dump's schema-only output; empty when the local pg_dump is older than the server (catalog oracle: see CatalogSnapshot). */
    static String schema(TestDatabase db) throws Exception {
        return schema(db, false);
    }

    static String schema(TestDatabase db, boolean withPrivileges) throws Exception {
        if (!io.wlj.backup.testkit.PgTools.canDump(db.serverMajorVersion())) {
            return "";
        }
        if (!withPrivileges) {
            return io.wlj.backup.testkit.PgTools.dumpSchema(db);
        }
        List<String> command = new ArrayList<>(List.of("pg_dump", "--schema-only", "-h", db.host(), "-p",
                String.valueOf(db.port()), "-U", db.user(), "-d", db.name()));
        if (!withPrivileges) {
            command.addAll(List.of("--no-owner", "--no-acl"));
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("PGPASSWORD", db.password());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        StringBuilder sb = new StringBuilder();
        for (String line : out.split("\n")) {
            if (!line.startsWith("-- Dumped ") && !line.startsWith("\\restrict") && !line.startsWith("\\unrestrict")) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    /** Owners and ACLs of every user object, from the catalogs (works whatever the pg_dump version). */
    static String catalogPrivileges(TestDatabase db) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT 'rel ' || c.oid::regclass || ' ' || pg_get_userbyid(c.relowner) || ' ' || coalesce(c.relacl::text, '-') FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
                + "AND n.nspname NOT LIKE 'pg_toast%' AND c.relkind IN ('r', 'v', 'm', 'S', 'p') "
                + "UNION ALL SELECT 'col ' || a.attrelid::regclass || '.' || a.attname || ' ' || a.attacl::text FROM pg_attribute a "
                + "WHERE a.attacl IS NOT NULL AND a.attrelid >= 16384 "
                + "UNION ALL SELECT 'ns ' || nspname || ' ' || pg_get_userbyid(nspowner) || ' ' || coalesce(nspacl::text, '-') FROM pg_namespace "
                + "WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg_toast%' AND nspname NOT LIKE 'pg_temp%' "
                + "UNION ALL SELECT 'fn ' || p.oid::regprocedure || ' ' || pg_get_userbyid(p.proowner) || ' ' || coalesce(p.proacl::text, '-') "
                + "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
                + "UNION ALL SELECT 'type ' || t.oid::regtype || ' ' || pg_get_userbyid(t.typowner) || ' ' || coalesce(t.typacl::text, '-') "
                + "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
                + "AND n.nspname NOT LIKE 'pg_toast%' AND t.typtype IN ('e', 'd') ORDER BY 1")) {
            while (rs.next()) {
                sb.append(rs.getString(1)).append('\n');
            }
        }
        // The restoring role differs from the source's in name only when the test says so; grantors are the restoring role.
        return sb.toString().replaceAll("/[a-z_0-9]+", "/GRANTOR");
    }


    static Map<String, String> data(TestDatabase db) throws Exception {
        Map<String, String> result = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relkind FROM pg_class c "
                    + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'S', 'm') "
                    + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'")) {
                while (rs.next()) {
                    tables.add(rs.getString(2) + rs.getString(1));
                }
            }
            for (String t : tables) {
                String name = t.substring(1);
                String sql = t.charAt(0) == 'S' ? "SELECT last_value || '/' || is_called FROM " + name
                        : "SELECT count(*) || ':' || coalesce(md5(string_agg(md5(x::text), '' ORDER BY md5(x::text))), '') FROM ONLY " + name + " x";
                try (ResultSet rs = s.executeQuery(sql)) {
                    rs.next();
                    result.put(name, rs.getString(1));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT string_agg(oid::text || ':' || md5(lo_get(oid)), ',' ORDER BY oid) FROM pg_largeobject_metadata")) {
                rs.next();
                result.put("<large objects>", String.valueOf(rs.getString(1)));
            }
        }
        return result;
    }

}
