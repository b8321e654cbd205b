package io.wlj.backup.postgres.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Database names and markers for swaps: {@code <name>_before_<time>} for a database set aside,
 * within PostgreSQL's 63-byte limit, and the comment that marks it, which is how a rollback finds
 * it again without any record outside the server.
 */
public final class DatabaseNames {
    static final String MARKER = "wlj-backup swapped-out ";
    private static final int MAX_BYTES = 63;
    private static final ObjectMapper JSON = new ObjectMapper();

    private DatabaseNames() {
    }

    /**
     * The source name of a restore's safety backup of {@code database}: one per target, so that
     * retention groups each target's safety backups on their own.
     */
    static String safetySourceName(String database) {
        String safe = database.replaceAll("[^A-Za-z0-9_.-]", "_");
        return "pre-restore-" + (safe.length() > 40 ? safe.substring(0, 40) : safe);
    }

    static String stamp(Instant t) {
        return DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC).format(t);
    }

    /** {@code base + suffix}, shortening {@code base} (never the suffix) to fit 63 bytes of UTF-8. */
    static String fit(String base, String suffix) {
        String b = base;
        while ((b + suffix).getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            b = b.substring(0, b.offsetByCodePoints(b.length(), -1));
        }
        return b + suffix;
    }

    static boolean exists(Connection c, String name) throws SQLException {
        return Sql.value(c, "SELECT 1 FROM pg_catalog.pg_database WHERE datname = " + Sql.literal(name)) != null;
    }

    /** Other sessions on {@code database}, as "pid N (application)". */
    static List<String> sessions(Connection c, String database) throws SQLException {
        List<String> out = new ArrayList<>();
        Sql.query(c, "SELECT pid, coalesce(nullif(application_name, ''), 'no application name') FROM pg_catalog.pg_stat_activity "
                + "WHERE datname = " + Sql.literal(database) + " AND pid <> pg_catalog.pg_backend_pid() ORDER BY pid",
                rs -> out.add("pid " + rs.getInt(1) + " (" + rs.getString(2) + ")"));
        return out;
    }

    /** The comment on a set-aside database: which live database it was, when, and which backup replaced it. */
    static String marker(String live, Instant at, String backupId) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("of", live);
        m.put("at", at.toString());
        m.put("backup", backupId);
        try {
            return MARKER + JSON.writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A set-aside database of {@code live}, newest first. */
    public record SetAside(String database, String of, Instant at, String backup) {
    }

    static List<SetAside> setAside(Connection c, String live) throws SQLException {
        List<SetAside> out = new ArrayList<>();
        Sql.query(c, "SELECT d.datname, pg_catalog.shobj_description(d.oid, 'pg_database') FROM pg_catalog.pg_database d "
                + "WHERE pg_catalog.shobj_description(d.oid, 'pg_database') LIKE " + Sql.literal(MARKER + "%"), rs -> {
                    try {
                        JsonNode n = JSON.readTree(rs.getString(2).substring(MARKER.length()));
                        if (live.equals(n.path("of").asText()) && !live.equals(rs.getString(1))) {
                            out.add(new SetAside(rs.getString(1), live, Instant.parse(n.path("at").asText()), n.path("backup").asText()));
                        }
                    } catch (com.fasterxml.jackson.core.JsonProcessingException | java.time.format.DateTimeParseException e) {
                        // not one of ours after all
                    }
                });
        out.sort((a, b) -> b.at().compareTo(a.at()));
        return out;
    }
}
