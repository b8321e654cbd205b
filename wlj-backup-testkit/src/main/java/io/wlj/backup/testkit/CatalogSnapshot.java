package io.wlj.backup.testkit;

import io.wlj.backup.testkit.internal.SnapshotSession;
import io.wlj.backup.testkit.internal.SnapshotText;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Every user object of a database described as text: the oracle for "the restored schema is
 * the original one" when pg_dump cannot read the server (a pg_dump older than the server), and
 * a check on pg_dump where it can.
 *
 * <p>The text covers schemas, extensions, types (enum, composite, range, domain, base),
 * collations, sequences, tables, views and materialized views with their columns, constraints,
 * indexes, functions, procedures and aggregates, triggers, rules, row-level security and
 * policies, comments, extended statistics, operators, casts, event triggers, and by name other
 * kinds (operator classes, text search objects, foreign servers, publications...). It leaves
 * out what lives in {@code pg_catalog}, {@code information_schema} and {@code pg_toast},
 * objects that belong to an extension (the extension stands for them), owners and privileges
 * (restores commonly run as another role), large objects' contents (see {@link DataSnapshot})
 * and physical details that a dump and restore legitimately change: OIDs, column numbers,
 * dropped columns, relfilenodes, statistics.
 *
 * <p>Objects are named by schema-qualified, quoted names and definitions come from the
 * server's own deparsers ({@code pg_get_indexdef}, {@code pg_get_constraintdef},
 * {@code pg_get_functiondef}...), so equal databases give equal text on the same server
 * version, and the text reads like the DDL. Entries are sorted by name in Java, so the text
 * does not depend on catalog order or collation. Compare two snapshots with
 * {@code assertThat(restored.diff(original)).isEmpty()}, which shows only what differs.
 *
 * <p>Reads run in one read-only repeatable-read transaction, or, if the connection is inside a
 * transaction, in a savepoint of it (so uncommitted changes are seen). Works on PostgreSQL 14
 * to 17.
 */
public final class CatalogSnapshot {
    private static final String USER_SCHEMA = "%1$s.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
            + " AND %1$s.nspname NOT LIKE 'pg\\_temp\\_%%' AND %1$s.nspname NOT LIKE 'pg\\_toast\\_temp\\_%%'";
    private static final String NOT_EXTENSION_MEMBER = "NOT EXISTS (SELECT 1 FROM pg_depend wlj_e"
            + " WHERE wlj_e.classid = '%s'::regclass AND wlj_e.objid = %s AND wlj_e.deptype = 'e')";
    /** Objects a type makes for itself (a range's constructors and casts) come and go with it. */
    private static final String NOT_INTERNAL = "NOT EXISTS (SELECT 1 FROM pg_depend wlj_i"
            + " WHERE wlj_i.classid = '%s'::regclass AND wlj_i.objid = %s AND wlj_i.deptype = 'i')";
    /** User objects get OIDs from here on; objects made by initdb have smaller ones. */
    private static final int FIRST_NORMAL_OID = 16384;

    private static final List<String> SECTIONS = List.of(
            "schemas", "extensions", "types", "collations", "sequences", "relations", "constraints", "indexes",
            "functions", "triggers", "rules", "policies", "statistics", "operators", "casts", "event triggers",
            "other objects", "comments");

    private final SnapshotText text;

    private CatalogSnapshot(SnapshotText text) {
        this.text = text;
    }

    /** Reads the catalog of the database {@code connection} is connected to; leaves the connection as it was. */
    public static CatalogSnapshot of(Connection connection) throws SQLException {
        return SnapshotSession.run(connection, CatalogSnapshot::read);
    }

    /** Reads the catalog of {@code database} through a connection of its own. */
    public static CatalogSnapshot of(TestDatabase database) throws SQLException {
        try (Connection connection = database.connect()) {
            return of(connection);
        }
    }

    /** The whole description, sections in a fixed order, one object per entry. */
    public String text() {
        return text.text();
    }

    /** {@link #text()} split into lines. */
    public List<String> lines() {
        return List.of(text.text().split("\n"));
    }

    /**
     * What differs from {@code other}, object by object: a header naming the object, then lines
     * only here ({@code -}) and only there ({@code +}). Empty when the snapshots are equal.
     */
    public String diff(CatalogSnapshot other) {
        return text.diff(other.text);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CatalogSnapshot that && text.equals(that.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text.text();
    }

    private static CatalogSnapshot read(Connection connection) throws SQLException {
        int versionNum = SnapshotSession.versionNum(connection);
        if (versionNum < 140000) {
            throw new IllegalStateException("CatalogSnapshot reads PostgreSQL 14 and later, not " + versionNum + ".");
        }
        List<SnapshotText.Entry> entries = new ArrayList<>();
        query(connection, "schemas", schemas(), entries);
        query(connection, "extensions", extensions(), entries);
        query(connection, "types", enums(), entries);
        query(connection, "types", composites(), entries);
        query(connection, "types", ranges(), entries);
        query(connection, "types", domains(), entries);
        query(connection, "types", baseTypes(), entries);
        query(connection, "collations", collations(), entries);
        query(connection, "sequences", sequences(), entries);
        query(connection, "relations", relations(), entries);
        query(connection, "constraints", constraints(), entries);
        query(connection, "indexes", indexes(), entries);
        query(connection, "functions", functions(), entries);
        query(connection, "triggers", triggers(), entries);
        query(connection, "rules", rules(), entries);
        query(connection, "policies", policies(), entries);
        query(connection, "statistics", statistics(), entries);
        query(connection, "operators", operators(), entries);
        query(connection, "casts", casts(), entries);
        query(connection, "event triggers", eventTriggers(), entries);
        query(connection, "other objects", otherObjects(), entries);
        query(connection, "comments", comments(), entries);
        return new CatalogSnapshot(new SnapshotText(SECTIONS, entries));
    }

    /** Runs {@code sql}, whose rows are (key, body), adding one entry per row. */
    private static void query(Connection connection, String section, String sql, List<SnapshotText.Entry> entries) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                entries.add(new SnapshotText.Entry(section, result.getString(1), result.getString(2)));
            }
        } catch (SQLException e) {
            throw new SQLException("CatalogSnapshot could not read " + section + ": " + e.getMessage(), e.getSQLState(), e);
        }
    }

    private static String userSchema(String alias) {
        return String.format(USER_SCHEMA, alias);
    }

    private static String notMember(String catalog, String oid) {
        return String.format(NOT_EXTENSION_MEMBER, catalog, oid);
    }

    private static String notInternal(String catalog, String oid) {
        return String.format(NOT_INTERNAL, catalog, oid);
    }

    /** The qualified name of the collation with OID {@code oid}. */
    private static String collationName(String oid) {
        return "(SELECT quote_ident(wlj_cn.nspname) || '.' || quote_ident(wlj_co.collname) FROM pg_collation wlj_co"
                + " JOIN pg_namespace wlj_cn ON wlj_cn.oid = wlj_co.collnamespace WHERE wlj_co.oid = " + oid + ")";
    }

    /** {@code expr} on one line: backslashes, newlines, carriage returns and tabs escaped. */
    private static String oneLine(String expr) {
        return "replace(replace(replace(replace(" + expr + ", '\\', '\\\\'), E'\\n', '\\n'), E'\\r', '\\r'), E'\\t', '\\t')";
    }

    /** Multi-line {@code expr} as detail lines indented by four spaces. */
    private static String indented(String expr) {
        return "E'\\n    ' || replace(rtrim(" + expr + ", E' \\n'), E'\\n', E'\\n    ')";
    }

    /** Sorted, comma-separated elements of the text array {@code array}, or NULL. */
    private static String sortedList(String array) {
        return "(SELECT string_agg(wlj_o, ', ' ORDER BY wlj_o) FROM unnest(" + array + ") wlj_o)";
    }

    private static String schemas() {
        return "SELECT quote_ident(n.nspname), 'schema ' || quote_ident(n.nspname) FROM pg_namespace n"
                + " WHERE " + userSchema("n") + " AND " + notMember("pg_namespace", "n.oid");
    }

    private static String extensions() {
        return "SELECT quote_ident(x.extname), 'extension ' || quote_ident(x.extname) || ' version ' || x.extversion"
                + " || ' schema ' || quote_ident(n.nspname)"
                + " FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace";
    }

    private static String typeFilter(String kinds) {
        return " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype IN (" + kinds + ") AND "
                + userSchema("n") + " AND " + notMember("pg_type", "t.oid");
    }

    private static String enums() {
        return "SELECT format_type(t.oid, NULL), 'enum type ' || format_type(t.oid, NULL) || E'\\n  labels '"
                + " || coalesce((SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)"
                + " FROM pg_enum e WHERE e.enumtypid = t.oid), '')"
                + typeFilter("'e'");
    }

    private static String composites() {
        return "SELECT format_type(t.oid, NULL), 'composite type ' || format_type(t.oid, NULL)"
                + " || coalesce((SELECT string_agg(E'\\n  attribute ' || quote_ident(a.attname) || ' '"
                + " || format_type(a.atttypid, a.atttypmod)"
                + " || CASE WHEN a.attcollation <> ty.typcollation THEN ' collate ' || " + collationName("a.attcollation") + " ELSE '' END,"
                + " '' ORDER BY a.attnum)"
                + " FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid"
                + " WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '')"
                + typeFilter("'c'") + " AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'";
    }

    private static String ranges() {
        return "SELECT format_type(t.oid, NULL), concat_ws(E'\\n  ', 'range type ' || format_type(t.oid, NULL),"
                + " 'subtype ' || format_type(r.rngsubtype, NULL),"
                + " 'collation ' || " + collationName("NULLIF(r.rngcollation, 0)") + ","
                + " 'operator class ' || (SELECT quote_ident(opn.nspname) || '.' || quote_ident(opc.opcname) FROM pg_opclass opc"
                + " JOIN pg_namespace opn ON opn.oid = opc.opcnamespace WHERE opc.oid = r.rngsubopc),"
                + " 'canonical ' || NULLIF(r.rngcanonical::oid, 0)::regprocedure::text,"
                + " 'subtype diff ' || NULLIF(r.rngsubdiff::oid, 0)::regprocedure::text,"
                + " 'multirange ' || format_type(r.rngmultitypid, NULL))"
                + " FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid JOIN pg_namespace n ON n.oid = t.typnamespace"
                + " WHERE " + userSchema("n") + " AND " + notMember("pg_type", "t.oid");
    }

    private static String domains() {
        return "SELECT format_type(t.oid, NULL), concat_ws(E'\\n  ', 'domain ' || format_type(t.oid, NULL),"
                + " 'base type ' || format_type(t.typbasetype, t.typtypmod),"
                + " CASE WHEN t.typcollation <> (SELECT b.typcollation FROM pg_type b WHERE b.oid = t.typbasetype)"
                + " THEN 'collation ' || " + collationName("t.typcollation") + " END,"
                + " 'default ' || pg_get_expr(t.typdefaultbin, 0),"
                + " CASE WHEN t.typnotnull THEN 'not null' END,"
                + " (SELECT string_agg('constraint ' || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid)"
                + " || CASE WHEN c.convalidated THEN '' ELSE ' (not validated)' END, E'\\n  ' ORDER BY c.conname, pg_get_constraintdef(c.oid))"
                + " FROM pg_constraint c WHERE c.contypid = t.oid))"
                + typeFilter("'d'");
    }

    private static String baseTypes() {
        return "SELECT format_type(t.oid, NULL), concat_ws(E'\\n  ', 'base type ' || format_type(t.oid, NULL),"
                + " 'input ' || t.typinput::oid::regprocedure::text, 'output ' || t.typoutput::oid::regprocedure::text,"
                + " 'length ' || t.typlen, 'alignment ' || t.typalign::text, 'storage ' || t.typstorage::text)"
                + typeFilter("'b', 'p'")
                + " AND NOT EXISTS (SELECT 1 FROM pg_type el WHERE el.typarray = t.oid)";
    }

    private static String collations() {
        // to_jsonb covers the columns of every version (provider, locales, determinism...). Left
        // out: the version string (the C library's), and the encoding: CREATE COLLATION ... FROM
        // a libc collation copies "any encoding" (-1), while pg_dump recreates it from its locale
        // for the database's encoding, which is the only one it can be used with anyway.
        return "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.collname),"
                + " 'collation ' || quote_ident(n.nspname) || '.' || quote_ident(c.collname) || E'\\n  '"
                + " || (to_jsonb(c) - 'oid' - 'collname' - 'collnamespace' - 'collowner' - 'collversion' - 'collencoding')::text"
                + " FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace"
                + " WHERE " + userSchema("n") + " AND " + notMember("pg_collation", "c.oid");
    }

    private static String sequences() {
        return "SELECT c.oid::regclass::text, concat_ws(E'\\n  ', 'sequence ' || c.oid::regclass::text,"
                + " 'type ' || format_type(s.seqtypid, NULL) || ' start ' || s.seqstart || ' increment ' || s.seqincrement"
                + " || ' min ' || s.seqmin || ' max ' || s.seqmax || ' cache ' || s.seqcache"
                + " || CASE WHEN s.seqcycle THEN ' cycle' ELSE ' no cycle' END,"
                + " CASE c.relpersistence WHEN 'u' THEN 'unlogged' WHEN 't' THEN 'temporary' END,"
                + " (SELECT 'owned by ' || d.refobjid::regclass::text || '.' || quote_ident(a.attname)"
                + " || CASE d.deptype WHEN 'i' THEN ' (identity)' ELSE '' END"
                + " FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                + " WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass"
                + " AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0))"
                + " FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind = 'S' AND " + userSchema("n") + " AND " + notMember("pg_class", "c.oid");
    }

    private static String column() {
        return "'column ' || quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)"
                + " || CASE WHEN a.attcollation <> ty.typcollation THEN ' collate ' || " + collationName("a.attcollation") + " ELSE '' END"
                + " || CASE WHEN a.attgenerated = 's' THEN ' generated always as (' || pg_get_expr(d.adbin, d.adrelid) || ') stored'"
                + " WHEN d.adbin IS NOT NULL THEN ' default ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END"
                + " || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END"
                + " || CASE a.attidentity WHEN 'a' THEN ' generated always as identity' WHEN 'd' THEN ' generated by default as identity' ELSE '' END"
                + " || ' storage ' || CASE a.attstorage WHEN 'p' THEN 'plain' WHEN 'e' THEN 'external' WHEN 'm' THEN 'main' WHEN 'x' THEN 'extended' END"
                + " || CASE a.attcompression WHEN 'p' THEN ' compression pglz' WHEN 'l' THEN ' compression lz4' ELSE '' END"
                + " || CASE WHEN a.attstattarget >= 0 THEN ' statistics ' || a.attstattarget ELSE '' END"
                + " || coalesce(' options ' || " + sortedList("a.attoptions") + ", '')"
                + " || CASE WHEN a.attinhcount > 0 OR NOT a.attislocal"
                + " THEN ' inherited ' || a.attinhcount || CASE WHEN a.attislocal THEN ' and local' ELSE '' END ELSE '' END";
    }

    private static String relations() {
        return "SELECT c.oid::regclass::text, concat_ws(E'\\n  ',"
                + " CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'f' THEN 'foreign table'"
                + " WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' END || ' ' || c.oid::regclass::text,"
                + " CASE c.relpersistence WHEN 'u' THEN 'unlogged' WHEN 't' THEN 'temporary' END,"
                + " 'access method ' || (SELECT quote_ident(am.amname) FROM pg_am am WHERE am.oid = c.relam),"
                + " 'options ' || " + sortedList("c.reloptions") + ","
                + " 'toast options ' || (SELECT string_agg(o, ', ' ORDER BY o) FROM pg_class tc, unnest(tc.reloptions) o"
                + " WHERE tc.oid = c.reltoastrelid),"
                + " CASE WHEN c.relkind = 'p' THEN 'partition key ' || pg_get_partkeydef(c.oid) END,"
                + " CASE WHEN c.relispartition THEN 'partition of ' || (SELECT h.inhparent::regclass::text FROM pg_inherits h"
                + " WHERE h.inhrelid = c.oid) || ' ' || pg_get_expr(c.relpartbound, c.oid) END,"
                + " CASE WHEN NOT c.relispartition THEN 'inherits ' || (SELECT string_agg(h.inhparent::regclass::text, ', '"
                + " ORDER BY h.inhseqno) FROM pg_inherits h WHERE h.inhrelid = c.oid) END,"
                + " CASE WHEN c.relrowsecurity THEN 'row level security enabled' END,"
                + " CASE WHEN c.relforcerowsecurity THEN 'row level security forced' END,"
                + " CASE WHEN c.relkind IN ('r', 'p', 'm') THEN 'replica identity ' || CASE c.relreplident WHEN 'd' THEN 'default'"
                + " WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full' WHEN 'i' THEN 'index' END END,"
                + " 'tablespace ' || (SELECT quote_ident(ts.spcname) FROM pg_tablespace ts WHERE ts.oid = NULLIF(c.reltablespace, 0)),"
                + " CASE WHEN c.relkind = 'm' THEN CASE WHEN c.relispopulated THEN 'populated' ELSE 'not populated' END END,"
                + " CASE WHEN c.relkind IN ('v', 'm') THEN 'definition' || " + indented("pg_get_viewdef(c.oid, true)") + " END,"
                + " (SELECT string_agg(" + column() + ", E'\\n  ' ORDER BY a.attnum)"
                + " FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid"
                + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + " WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped))"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm') AND " + userSchema("n") + " AND " + notMember("pg_class", "c.oid");
    }

    private static String constraints() {
        return "SELECT co.conrelid::regclass::text || ' ' || quote_ident(co.conname), concat_ws(E'\\n  ',"
                + " 'constraint ' || quote_ident(co.conname) || ' on ' || co.conrelid::regclass::text,"
                + " pg_get_constraintdef(co.oid),"
                + " concat_ws(', ', CASE WHEN co.conislocal THEN 'local' ELSE 'not local' END, 'inherited ' || co.coninhcount,"
                + " CASE WHEN co.convalidated THEN 'validated' ELSE 'not validated' END,"
                + " CASE WHEN co.condeferrable THEN 'deferrable' ELSE 'not deferrable' END,"
                + " CASE WHEN co.condeferred THEN 'initially deferred' ELSE 'initially immediate' END,"
                // NO INHERIT means something for CHECK constraints only; for keys it merely records
                // whether the key was made on the partition or cloned from its parent, which a
                // dump (ADD CONSTRAINT, then ATTACH) does not reproduce.
                + " CASE WHEN co.connoinherit AND co.contype = 'c' THEN 'no inherit' END),"
                + " 'clone of ' || (SELECT p.conrelid::regclass::text || ' ' || quote_ident(p.conname) FROM pg_constraint p"
                + " WHERE p.oid = NULLIF(co.conparentid, 0)))"
                + " FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE co.conrelid <> 0 AND " + userSchema("n") + " AND " + notMember("pg_constraint", "co.oid")
                + " AND " + notMember("pg_class", "c.oid");
    }

    private static String indexes() {
        return "SELECT ic.oid::regclass::text, concat_ws(E'\\n  ',"
                + " 'index ' || ic.oid::regclass::text || ' on ' || i.indrelid::regclass::text,"
                + " pg_get_indexdef(i.indexrelid),"
                + " 'backs constraint ' || (SELECT quote_ident(co.conname) FROM pg_constraint co WHERE co.conindid = i.indexrelid"
                + " AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x')),"
                + " 'attached to ' || (SELECT h.inhparent::regclass::text FROM pg_inherits h WHERE h.inhrelid = i.indexrelid),"
                + " CASE WHEN i.indisclustered THEN 'clustered' END,"
                + " CASE WHEN NOT i.indisvalid THEN 'not valid' END,"
                + " CASE WHEN i.indisreplident THEN 'replica identity' END,"
                + " (SELECT string_agg('column ' || a.attnum || ' statistics ' || a.attstattarget, E'\\n  ' ORDER BY a.attnum)"
                + " FROM pg_attribute a WHERE a.attrelid = i.indexrelid AND a.attstattarget >= 0))"
                + " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace"
                + " WHERE " + userSchema("n") + " AND " + notMember("pg_class", "ic.oid")
                + " AND " + notMember("pg_class", "i.indrelid");
    }

    private static String functions() {
        return "SELECT p.oid::regprocedure::text, CASE WHEN p.prokind = 'a' THEN concat_ws(E'\\n  ',"
                + " 'aggregate ' || p.oid::regprocedure::text,"
                + " 'kind ' || ag.aggkind::text || ' direct arguments ' || ag.aggnumdirectargs,"
                + " 'state function ' || ag.aggtransfn::oid::regprocedure::text || ' state type ' || format_type(ag.aggtranstype, NULL),"
                + " 'final function ' || NULLIF(ag.aggfinalfn::oid, 0)::regprocedure::text,"
                + " 'combine function ' || NULLIF(ag.aggcombinefn::oid, 0)::regprocedure::text,"
                + " 'moving state function ' || NULLIF(ag.aggmtransfn::oid, 0)::regprocedure::text,"
                + " 'initial condition ' || quote_literal(ag.agginitval),"
                + " 'sort operator ' || NULLIF(ag.aggsortop, 0)::regoperator::text)"
                + " ELSE CASE p.prokind WHEN 'p' THEN 'procedure ' WHEN 'w' THEN 'window function ' ELSE 'function ' END"
                + " || p.oid::regprocedure::text || " + indented("pg_get_functiondef(p.oid)") + " END"
                + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace LEFT JOIN pg_aggregate ag ON ag.aggfnoid = p.oid"
                + " WHERE " + userSchema("n") + " AND " + notMember("pg_proc", "p.oid") + " AND " + notInternal("pg_proc", "p.oid");
    }

    private static String triggers() {
        return "SELECT t.tgrelid::regclass::text || ' ' || quote_ident(t.tgname), concat_ws(E'\\n  ',"
                + " 'trigger ' || quote_ident(t.tgname) || ' on ' || t.tgrelid::regclass::text,"
                + " pg_get_triggerdef(t.oid, true),"
                + " 'enabled ' || CASE t.tgenabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'"
                + " WHEN 'A' THEN 'always' END,"
                + " CASE WHEN t.tgparentid <> 0 THEN 'clone of ' || (SELECT p.tgrelid::regclass::text || ' ' || quote_ident(p.tgname)"
                + " FROM pg_trigger p WHERE p.oid = t.tgparentid) END)"
                + " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE NOT t.tgisinternal AND " + userSchema("n") + " AND " + notMember("pg_class", "c.oid");
    }

    private static String rules() {
        return "SELECT r.ev_class::regclass::text || ' ' || quote_ident(r.rulename), concat_ws(E'\\n  ',"
                + " 'rule ' || quote_ident(r.rulename) || ' on ' || r.ev_class::regclass::text,"
                + " pg_get_ruledef(r.oid, true),"
                + " 'enabled ' || CASE r.ev_enabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'"
                + " WHEN 'A' THEN 'always' END)"
                + " FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE r.rulename <> '_RETURN' AND " + userSchema("n") + " AND " + notMember("pg_class", "c.oid");
    }

    private static String policies() {
        return "SELECT p.polrelid::regclass::text || ' ' || quote_ident(p.polname), concat_ws(E'\\n  ',"
                + " 'policy ' || quote_ident(p.polname) || ' on ' || p.polrelid::regclass::text,"
                + " CASE WHEN p.polpermissive THEN 'permissive' ELSE 'restrictive' END || ' for '"
                + " || CASE p.polcmd WHEN '*' THEN 'all' WHEN 'r' THEN 'select' WHEN 'a' THEN 'insert' WHEN 'w' THEN 'update'"
                + " WHEN 'd' THEN 'delete' END,"
                + " 'to ' || (SELECT string_agg(name, ', ' ORDER BY name) FROM (SELECT CASE WHEN r = 0 THEN 'public'"
                + " ELSE quote_ident(pg_get_userbyid(r)) END AS name FROM unnest(p.polroles) r) roles),"
                + " 'using ' || pg_get_expr(p.polqual, p.polrelid),"
                + " 'with check ' || pg_get_expr(p.polwithcheck, p.polrelid))"
                + " FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE " + userSchema("n") + " AND " + notMember("pg_class", "c.oid");
    }

    private static String statistics() {
        return "SELECT quote_ident(n.nspname) || '.' || quote_ident(s.stxname), concat_ws(E'\\n  ',"
                + " 'statistics ' || quote_ident(n.nspname) || '.' || quote_ident(s.stxname),"
                + " pg_get_statisticsobjdef(s.oid),"
                + " CASE WHEN s.stxstattarget >= 0 THEN 'statistics target ' || s.stxstattarget END)"
                + " FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace"
                + " WHERE " + userSchema("n") + " AND " + notMember("pg_statistic_ext", "s.oid");
    }

    private static String operators() {
        return "SELECT o.oid::regoperator::text, concat_ws(E'\\n  ', 'operator ' || o.oid::regoperator::text,"
                + " 'function ' || o.oprcode::oid::regprocedure::text,"
                + " 'commutator ' || NULLIF(o.oprcom, 0)::regoperator::text,"
                + " 'negator ' || NULLIF(o.oprnegate, 0)::regoperator::text,"
                + " 'restrict ' || NULLIF(o.oprrest::oid, 0)::regprocedure::text,"
                + " 'join ' || NULLIF(o.oprjoin::oid, 0)::regprocedure::text,"
                + " CASE WHEN o.oprcanmerge THEN 'merges' END, CASE WHEN o.oprcanhash THEN 'hashes' END)"
                + " FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace"
                + " WHERE " + userSchema("n") + " AND " + notMember("pg_operator", "o.oid");
    }

    private static String casts() {
        return "SELECT format_type(c.castsource, NULL) || ' as ' || format_type(c.casttarget, NULL),"
                + " 'cast (' || format_type(c.castsource, NULL) || ' as ' || format_type(c.casttarget, NULL) || ') '"
                + " || CASE c.castmethod WHEN 'f' THEN 'with function ' || c.castfunc::regprocedure::text"
                + " WHEN 'i' THEN 'with inout' ELSE 'without function' END"
                + " || CASE c.castcontext WHEN 'e' THEN '' WHEN 'a' THEN ' as assignment' ELSE ' as implicit' END"
                + " FROM pg_cast c WHERE c.oid >= " + FIRST_NORMAL_OID + " AND " + notMember("pg_cast", "c.oid")
                + " AND " + notInternal("pg_cast", "c.oid");
    }

    private static String eventTriggers() {
        return "SELECT quote_ident(e.evtname), concat_ws(E'\\n  ', 'event trigger ' || quote_ident(e.evtname) || ' on ' || e.evtevent,"
                + " 'function ' || e.evtfoid::regprocedure::text,"
                + " 'tags ' || " + sortedList("e.evttags") + ","
                + " 'enabled ' || CASE e.evtenabled WHEN 'O' THEN 'origin' WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'replica'"
                + " WHEN 'A' THEN 'always' END)"
                + " FROM pg_event_trigger e WHERE " + notMember("pg_event_trigger", "e.oid");
    }

    /** Kinds described by name only: rare in application schemas, but their absence must show. */
    private static String otherObjects() {
        String[] catalogs = {"pg_opclass", "pg_opfamily", "pg_conversion", "pg_ts_config", "pg_ts_dict", "pg_ts_parser",
            "pg_ts_template", "pg_foreign_data_wrapper", "pg_foreign_server", "pg_language", "pg_transform",
            "pg_publication", "pg_am"};
        StringBuilder union = new StringBuilder();
        for (String catalog : catalogs) {
            union.append(union.length() == 0 ? "" : " UNION ALL ")
                    .append("SELECT '").append(catalog).append("'::regclass AS classid, oid FROM ").append(catalog);
        }
        return "SELECT i.type || ' ' || i.identity, i.type || ' ' || i.identity"
                + " FROM (" + union + ") o CROSS JOIN LATERAL pg_identify_object(o.classid, o.oid, 0) i"
                + " WHERE o.oid >= " + FIRST_NORMAL_OID + " AND NOT EXISTS (SELECT 1 FROM pg_depend wlj_e"
                + " WHERE wlj_e.classid = o.classid AND wlj_e.objid = o.oid AND wlj_e.deptype = 'e')";
    }

    private static String comments() {
        return "SELECT i.type || ' ' || i.identity, 'comment on ' || i.type || ' ' || i.identity || ': ' || "
                + oneLine("d.description")
                + " FROM pg_description d CROSS JOIN LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) i"
                + " LEFT JOIN pg_namespace sn ON d.classoid = 'pg_namespace'::regclass AND sn.oid = d.objoid"
                + " WHERE NOT EXISTS (SELECT 1 FROM pg_depend wlj_e WHERE wlj_e.classid = d.classoid AND wlj_e.objid = d.objoid"
                + " AND wlj_e.deptype = 'e')"
                + " AND CASE WHEN sn.oid IS NOT NULL THEN " + userSchema("sn")
                + " WHEN i.schema IS NOT NULL THEN i.schema NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
                + " AND i.schema NOT LIKE 'pg\\_temp\\_%' AND i.schema NOT LIKE 'pg\\_toast\\_temp\\_%'"
                + " ELSE d.objoid >= " + FIRST_NORMAL_OID + " END";
    }
}
