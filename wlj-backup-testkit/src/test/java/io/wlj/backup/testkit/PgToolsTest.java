package io.wlj.backup.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class PgToolsTest {
    @TempDir
    Path temp;

    @Test
    void readsTheMajorVersion() {
        assertThat(PgTools.parseMajorVersion("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n")).isEqualTo(15);
        assertThat(PgTools.parseMajorVersion("psql (PostgreSQL) 17.2")).isEqualTo(17);
        assertThat(PgTools.parseMajorVersion("pg_dump (PostgreSQL) 18beta1")).isEqualTo(18);
        assertThatThrownBy(() -> PgTools.parseMajorVersion("bash: pg_dump: command not found"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void removesOnlyTheLinesThatDifferBetweenDumps() {
        String dump = String.join("\n",
                "--",
                "-- PostgreSQL database dump",
                "--",
                "\\restrict abc123",
                "-- Dumped from database version 15.15",
                "-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)",
                "CREATE TABLE public.t (",
                "    note text DEFAULT '-- Dumped from database version'",
                ");",
                "\\unrestrict abc123",
                "");

        assertThat(PgTools.withoutVolatileLines(dump)).isEqualTo(String.join("\n",
                "--",
                "-- PostgreSQL database dump",
                "--",
                "CREATE TABLE public.t (",
                "    note text DEFAULT '-- Dumped from database version'",
                ");",
                ""));
    }

    @Test
    void looksOnlyInWljPgBinWhenItIsSet() {
        Path pgDump = PgTools.require("pg_dump");
        Map<String, String> path = Map.of("PATH", pgDump.getParent().toString());

        assertThat(PgTools.find("pg_dump", path)).contains(pgDump);
        assertThat(PgTools.find("pg_dump", Map.of("PATH", temp.toString(), PgTools.BIN_DIRECTORY_ENV, pgDump.getParent().toString())))
                .contains(pgDump);
        assertThat(PgTools.find("pg_dump", Map.of("PATH", pgDump.getParent().toString(), PgTools.BIN_DIRECTORY_ENV, temp.toString())))
                .isEmpty();
    }

    @Test
    void skipsWhenAToolIsMissingUnlessToolsAreRequired() {
        Map<String, String> nothingThere = Map.of("PATH", temp.toString());

        assertThatThrownBy(() -> PgTools.require("pg_dump", nothingThere))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("'pg_dump' is not installed (looked on PATH)");
        assertThatThrownBy(() -> PgTools.require("psql", Map.of(PgTools.BIN_DIRECTORY_ENV, temp.toString(), PgTools.REQUIRE_TOOLS_ENV, "1")))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("'psql' is not installed (looked in WLJ_PG_BIN=" + temp + ")")
                .hasMessageContaining("WLJ_REQUIRE_TOOLS=1 is set");
    }

    @Test
    void refusesPathsAsToolNames() {
        assertThatThrownBy(() -> PgTools.find("../../bin/sh")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void knowsWhichServersPgDumpCanRead() {
        PgTools.require("pg_dump");
        int major = PgTools.majorVersion("pg_dump").orElseThrow();

        assertThat(major).isGreaterThanOrEqualTo(10);
        assertThat(PgTools.canDump(major)).isTrue();
        assertThat(PgTools.canDump(major - 1)).isTrue();
        assertThat(PgTools.canDump(major + 1)).isFalse();
    }

    @Test
    void dumpsASchemaTheSameWayTwice() throws SQLException {
        PgTools.require("pg_dump");
        int major = Math.min(PgTools.majorVersion("pg_dump").orElseThrow(), 17);
        assumeTrue(major >= 14, "pg_dump " + major + " is older than every PostgreSQL the testkit runs");
        PostgresServer server = PostgresServer.version(major);
        TestDatabase database = server.createDatabase(server.uniqueDatabaseName("schema_dump"));
        try {
            execute(database, "CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL); COMMENT ON TABLE notes IS 'kept'");

            String dump = PgTools.dumpSchema(database);

            assertThat(dump).contains("CREATE TABLE public.notes (", "COMMENT ON TABLE public.notes IS 'kept';")
                    .doesNotContain("Dumped from", "Dumped by", "\\restrict", "OWNER TO", "GRANT");
            assertThat(PgTools.dumpSchema(database)).isEqualTo(dump);
        } finally {
            server.dropDatabase(database.name());
        }
    }

    @Test
    void refusesToDumpANewerServer() {
        PgTools.require("pg_dump");
        int major = PgTools.majorVersion("pg_dump").orElseThrow();
        assumeTrue(major < 17, "pg_dump " + major + " can dump every PostgreSQL the testkit runs");
        PostgresServer server = PostgresServer.version(17);
        TestDatabase database = server.createDatabase(server.uniqueDatabaseName("too_new"));
        try {
            assertThatThrownBy(() -> PgTools.dumpSchema(database))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("pg_dump " + major)
                    .hasMessageContaining("cannot dump PostgreSQL 17");
        } finally {
            server.dropDatabase(database.name());
        }
    }

    @Test
    void runsAFileWithPsqlAndStopsAtTheFirstError() throws IOException, SQLException {
        PgTools.require("psql");
        PostgresServer server = PostgresServer.shared();
        TestDatabase database = server.createDatabase(server.uniqueDatabaseName("psql_file"));
        try {
            Path good = Files.writeString(temp.resolve("good.sql"), "CREATE TABLE first (id int);\nINSERT INTO first VALUES (1);\n");
            Path bad = Files.writeString(temp.resolve("bad.sql"), "CREATE TABLE second (id int);\nSELEC 1;\nCREATE TABLE third (id int);\n");

            PgTools.PsqlResult ok = PgTools.psqlFile(database, good);
            PgTools.PsqlResult failed = PgTools.psqlFile(database, bad);

            assertThat(ok.exitCode()).as(ok.stderr()).isZero();
            assertThat(failed.exitCode()).isEqualTo(3);
            assertThat(failed.stderr()).contains("syntax error").contains("SELEC");
            assertThat(DataSnapshot.of(database).text()).contains("table public.first rows 1", "table public.second rows 0")
                    .doesNotContain("third");
        } finally {
            server.dropDatabase(database.name());
        }
    }

    private static void execute(TestDatabase database, String sql) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
