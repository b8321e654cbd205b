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
        if (db.serverMajorVersion() > pgDumpMajor()) {
            return "";
        }
        ProcessBuilder pb = new ProcessBuilder("pg_dump", "--schema-only", "--no-owner", "--no-acl", "-h", db.host(), "-p",
                String.valueOf(db.port()), "-U", db.user(), "-d", db.name());
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

    static int pgDumpMajor() throws Exception {
        Process p = new ProcessBuilder("pg_dump", "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)").matcher(out);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
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

    static void psql(TestDatabase db, Path script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", db.host(), "-p", String.valueOf(db.port()),
                "-U", db.user(), "-d", db.name(), "-f", script.toString());
        pb.environment().put("PGPASSWORD", db.password());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
