package io.wlj.backup.postgres.internal;

import io.wlj.backup.spi.SourceContext;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Large objects, as one SQL statement per line: {@code lo_from_bytea} for the first chunk (which
 * creates the object with its original OID) and {@code lo_put} for the rest, so the artifact is
 * both streamable by this library and runnable by psql.
 */
final class LargeObjects {
    static final String ARTIFACT = "large-objects";
    private static final int CHUNK = 1 << 20;

    private LargeObjects() {
    }

    /** Writes the large objects, if any; returns the artifact name or null. */
    static String dump(Connection c, SourceContext context, long[] count) throws SQLException, IOException {
        List<Long> oids = new ArrayList<>();
        Sql.query(c, "SELECT oid FROM pg_catalog.pg_largeobject_metadata ORDER BY oid", rs -> oids.add(rs.getLong(1)));
        if (oids.isEmpty()) {
            return null;
        }
        HexFormat hex = HexFormat.of();
        try (OutputStream out = context.newArtifact(ARTIFACT, "sql");
             PreparedStatement read = c.prepareStatement("SELECT pg_catalog.lo_get(?::pg_catalog.oid, ?, ?)")) {
            for (long oid : oids) {
                long offset = 0;
                while (true) {
                    read.setLong(1, oid);
                    read.setLong(2, offset);
                    read.setInt(3, CHUNK);
                    byte[] chunk;
                    try (ResultSet rs = read.executeQuery()) {
                        rs.next();
                        chunk = rs.getBytes(1);
                    }
                    if (offset > 0 && chunk.length == 0) {
                        break;
                    }
                    String call = offset == 0 ? "SELECT pg_catalog.lo_from_bytea(" + oid + ", '\\x"
                            : "SELECT pg_catalog.lo_put(" + oid + ", " + offset + ", '\\x";
                    out.write(call.getBytes(StandardCharsets.US_ASCII));
                    out.write(hex.formatHex(chunk).getBytes(StandardCharsets.US_ASCII));
                    out.write("');\n".getBytes(StandardCharsets.US_ASCII));
                    offset += chunk.length;
                    if (chunk.length < CHUNK) {
                        break;
                    }
                }
                count[0]++;
            }
            // Comments go last, one escaped line each, so the artifact stays one statement per line.
            Sql.query(c, "SELECT objoid, description FROM pg_catalog.pg_description WHERE classoid = 2613 ORDER BY objoid", rs -> {
                String text = rs.getString(2).replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r");
                try {
                    out.write(("COMMENT ON LARGE OBJECT " + rs.getLong(1) + " IS E'" + text + "';\n").getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new SQLException("writing a large object comment: " + e.getMessage(), e);
                }
            });
        }
        return ARTIFACT;
    }
}
