package io.wlj.backup.postgres.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The plain SQL artifacts that make a JDBC-engine backup restorable with psql alone: pre-data,
 * data (each artifact starts with a preamble and is a script on its own), large objects, and
 * post-data (which starts with the sequence values). The library itself restores from the
 * table of contents; these are for people without it, and RESTORE.txt says how.
 */
final class SqlScripts {
    static final String PRE_DATA = "pre-data";
    static final String POST_DATA = "post-data";
    static final byte[] DATA_PREAMBLE = "SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n\n"
            .getBytes(StandardCharsets.UTF_8);

    private SqlScripts() {
    }

    static String settings() {
        StringBuilder sb = new StringBuilder();
        for (String s : Sql.RESTORE_SETTINGS) {
            sb.append(s).append(";\n");
        }
        return sb.toString();
    }

    static void preData(Toc toc, OutputStream out) throws IOException {
        write(out, settings() + "\n");
        entries(toc, Toc.Section.PRE_DATA, out);
    }

    static void postData(Toc toc, OutputStream out) throws IOException {
        write(out, settings() + "\n");
        for (Toc.SequenceValue s : toc.sequences()) {
            write(out, s.sql() + "\n");
        }
        write(out, "\n");
        entries(toc, Toc.Section.POST_DATA, out);
    }

    private static void entries(Toc toc, Toc.Section section, OutputStream out) throws IOException {
        for (Toc.Entry e : toc.entries()) {
            if (e.section() == section) {
                write(out, "-- " + e.kind() + " " + (e.schema() == null ? "" : e.schema() + ".") + e.name().replace('\n', ' ') + "\n");
                write(out, e.sql() + "\n");
            }
        }
    }

    static String instructions(Toc toc) {
        return "  A PostgreSQL logical backup of database " + toc.database() + " (PostgreSQL " + toc.serverVersion() + ", scope "
                + toc.scope() + ").\n"
                + "  With wlj-backup: `wlj-backup restore ID --target jdbc:postgresql://HOST/NEWDB --create`, or\n"
                + "  `wlj-backup export ID --format sql -o db.sql` for one psql script.\n"
                + "  Without it: decode each artifact as above into FILE.sql, then into an empty database run, in this order,\n"
                + "    psql -X -v ON_ERROR_STOP=1 -d DB -f pre-data.sql           (schema; absent in a data-only backup)\n"
                + "    psql -X -v ON_ERROR_STOP=1 -d DB -f data-NNNN.sql          (each data artifact, in any order)\n"
                + "    psql -X -v ON_ERROR_STOP=1 -d DB -f large-objects.sql      (if present)\n"
                + "    psql -X -v ON_ERROR_STOP=1 -d DB -f post-data.sql          (sequence values, indexes, constraints, triggers)\n"
                + "  toc.json lists every schema object, which artifact holds each table and its row count.\n";
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }
}
