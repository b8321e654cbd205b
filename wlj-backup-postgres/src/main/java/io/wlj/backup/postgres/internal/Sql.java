package io.wlj.backup.postgres.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Small JDBC conveniences and SQL text rules shared by dump and restore. */
public final class Sql {
    private Sql() {
    }

    /** A string literal for a session with {@code standard_conforming_strings = on}. */
    public static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** An identifier, always quoted (valid whatever the keywords of the server). */
    public static String ident(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    public static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** A single value of a one-row query. */
    public static String value(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Rows of a query, handed to {@code row} one at a time. */
    public static void query(Connection c, String sql, RowHandler row) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setFetchSize(1000);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    row.handle(rs);
                }
            }
        }
    }

    @FunctionalInterface
    public interface RowHandler {
        void handle(ResultSet rs) throws SQLException;
    }

    /**
     * Raises {@code maintenance_work_mem} to {@code setting} for this session (or transaction, with
     * {@code local}) when the server's is lower; a server configured higher keeps its own.
     */
    public static void raiseMaintenanceWorkMem(Connection c, String setting, boolean local) throws SQLException {
        String size = setting.replace(" ", "").matches("\\d+") ? setting.strip() + "kB" : setting.replace(" ", ""); // a bare number is kB
        String lower = value(c, "SELECT pg_catalog.pg_size_bytes(pg_catalog.current_setting('maintenance_work_mem')) < "
                + "pg_catalog.pg_size_bytes(" + literal(size) + ")");
        if ("t".equals(lower)) {
            execute(c, "SET " + (local ? "LOCAL " : "") + "maintenance_work_mem = " + literal(setting));
        }
    }

    /** Session settings that make output independent of the server's and role's defaults, as pg_dump sets them. */
    public static final String[] DUMP_SETTINGS = {
        "SET DateStyle = ISO",
        "SET IntervalStyle = postgres",
        "SET extra_float_digits = 3",
        "SET statement_timeout = 0",
        "SET lock_timeout = 0",
        "SET idle_in_transaction_session_timeout = 0",
        "SET synchronize_seqscans = off",
        "SET row_security = off",
        "SELECT pg_catalog.set_config('search_path', '', false)",
    };

    /** Settings for a session that restores, also written at the top of an exported script. */
    public static final String[] RESTORE_SETTINGS = {
        "SET statement_timeout = 0",
        "SET lock_timeout = 0",
        "SET idle_in_transaction_session_timeout = 0",
        "SET client_encoding = 'UTF8'",
        "SET standard_conforming_strings = on",
        "SELECT pg_catalog.set_config('search_path', '', false)",
        "SET check_function_bodies = false",
        "SET xmloption = content",
        "SET client_min_messages = warning",
        "SET row_security = off",
    };
}
