package io.wlj.backup.postgres.internal;

import java.util.List;

/**
 * The table of contents of a JDBC-engine backup, stored as the artifact {@code toc} (JSON): the
 * schema as ordered SQL entries, where each table's data is, row counts and sequence values.
 * Data artifacts are plain {@code COPY ... FROM stdin;} blocks, so the whole backup is also a
 * psql script once put in order (see {@code SqlScript}).
 *
 * @param formatVersion      {@link #FORMAT_VERSION}
 * @param serverVersion      the source server's {@code server_version}
 * @param serverVersionNum   the source server's {@code server_version_num}
 * @param database           the source database's name
 * @param encoding           the source database's encoding (data is stored as UTF-8)
 * @param collate            the source database's LC_COLLATE
 * @param ctype              the source database's LC_CTYPE
 * @param scope              FULL, SCHEMA_ONLY or DATA_ONLY
 * @param entries            schema entries in restore order (pre-data, then post-data)
 * @param tables             table data, grouped by artifact in writing order
 * @param sequences          sequence values to set after the data
 * @param largeObjects       artifact holding large objects (one SQL statement per line), or null
 * @param largeObjectCount   how many large objects it holds
 * @param unsupported        objects that exist in the source but are not in this backup, by name
 * @param partial            true when schema or table patterns left part of the database out
 *                           (absent, so false, in backups made before it was recorded)
 */
public record Toc(int formatVersion, String serverVersion, int serverVersionNum, String database, String encoding,
                  String collate, String ctype, String scope, List<Entry> entries, List<TableData> tables,
                  List<SequenceValue> sequences, String largeObjects, long largeObjectCount, List<String> unsupported,
                  boolean partial) {
    public static final int FORMAT_VERSION = 1;
    public static final String ARTIFACT = "toc";

    public Toc {
        entries = List.copyOf(entries);
        tables = List.copyOf(tables);
        sequences = List.copyOf(sequences);
        unsupported = List.copyOf(unsupported);
    }

    public enum Section { PRE_DATA, POST_DATA }

    /**
     * One schema object's SQL (one or more statements, each ending in {@code ;}).
     *
     * @param parallel true for index and constraint builds that may run beside each other
     * @param table    for those builds, the table ({@code schema.name}) they build on, so a restore
     *                 can start them as soon as that table's rows are in; null otherwise (and in
     *                 backups made before it was recorded)
     */
    public record Entry(Section section, String kind, String schema, String name, String sql, boolean parallel, String table) {
    }

    /**
     * Where one table's rows are.
     *
     * @param copy     the {@code COPY ... FROM stdin;} line that opens its block
     * @param artifact the data artifact holding the block
     */
    public record TableData(String schema, String name, String copy, String artifact, long rows, long bytes) {
        public String qualifiedName() {
            return schema + "." + name;
        }

        /** The columns its rows hold, in order, from the COPY line (which quotes every identifier). */
        public List<String> columns() {
            String prefix = "COPY " + Sql.ident(schema) + "." + Sql.ident(name);
            String suffix = " FROM stdin;";
            if (!copy.startsWith(prefix) || !copy.endsWith(suffix)) {
                throw new IllegalStateException("unexpected COPY line for " + qualifiedName());
            }
            String list = copy.substring(prefix.length(), copy.length() - suffix.length()).strip();
            List<String> names = new java.util.ArrayList<>();
            if (list.isEmpty()) {
                return names;
            }
            int i = 1; // after '('
            while (i < list.length() - 1) {
                if (list.charAt(i) != '"') {
                    i++;
                    continue;
                }
                StringBuilder n = new StringBuilder();
                i++;
                while (true) {
                    char ch = list.charAt(i);
                    if (ch == '"' && i + 1 < list.length() && list.charAt(i + 1) == '"') {
                        n.append('"');
                        i += 2;
                    } else if (ch == '"') {
                        i++;
                        break;
                    } else {
                        n.append(ch);
                        i++;
                    }
                }
                names.add(n.toString());
            }
            return names;
        }
    }

    /** A sequence's state: {@code setval(name, lastValue, isCalled)}. */
    public record SequenceValue(String qualifiedName, String literalName, long lastValue, boolean isCalled) {
        public String sql() {
            return "SELECT pg_catalog.setval(" + literalName + ", " + lastValue + ", " + isCalled + ");";
        }
    }
}
