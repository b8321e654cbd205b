package io.wlj.backup.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wlj.backup.cli.CliTest.Run;
import io.wlj.backup.testkit.PostgresServer;
import io.wlj.backup.testkit.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** restore --swap / --replace / --tables / --where / --data-only and rollback through the command line: plans first, --yes to act. */
class RestorePlanCliTest {
    @TempDir
    Path tmp;
    Path repo;
    PostgresServer server;
    TestDatabase live;

    @BeforeEach
    void backUpALiveDatabase() throws Exception {
        repo = tmp.resolve("repo");
        server = PostgresServer.shared();
        live = server.createDatabase(server.uniqueDatabaseName("cli_live"));
        sql(live, "CREATE TABLE author (id int PRIMARY KEY, name text NOT NULL);"
                + "CREATE TABLE journal (id serial PRIMARY KEY, author_id int NOT NULL REFERENCES author (id), day date NOT NULL, body text);"
                + "INSERT INTO author SELECT g, 'author ' || g FROM generate_series(1, 5) g;"
                + "INSERT INTO journal (author_id, day, body) SELECT 1 + g % 5, DATE '2025-12-20' + g % 10, 'entry ' || g FROM generate_series(1, 300) g");
        assertThat(CliTest.run("init", "--repo", repo, "--no-encryption").exit()).isZero();
        Run backup = CliTest.run("backup", "--repo", repo, "--db", live.jdbcUrl(), "--db-user", live.user());
        assertThat(backup.exit()).as(backup.err()).isZero();
    }

    static void sql(TestDatabase db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long count(TestDatabase db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Run restore(Object... extra) {
        Object[] base = {"restore", "--repo", repo, "--latest", "--target", live.jdbcUrl(), "--db-user", live.user()};
        Object[] all = new Object[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return CliTest.run(all);
    }

    @Test
    void everyDestructiveModePrintsThePlanAndDoesNothingWithoutYes() throws Exception {
        sql(live, "DELETE FROM journal WHERE day = '2025-12-25'");
        for (Object[] mode : new Object[][] {{"--swap"}, {"--replace"}, {"--tables", "journal"}, {"--where", "journal: day = '2025-12-25'"},
                {"--data-only"}}) {
            Run r = restore(mode);
            assertThat(r.exit()).as(String.join(" ", java.util.Arrays.stream(mode).map(String::valueOf).toList()) + ": " + r.err()).isEqualTo(2);
            assertThat(r.out()).contains("Restore plan for backup").contains("Nothing has been touched yet.");
            assertThat(r.err()).contains("nothing was done").contains("--yes");
        }
        assertThat(count(live, "SELECT count(*) FROM journal")).isEqualTo(270);
        assertThat(server.databaseExists(live.name())).isTrue();
    }

    @Test
    void rowsAreMergedWithYes() throws Exception {
        sql(live, "DELETE FROM journal WHERE day = '2025-12-25'");
        Run r = restore("--where", "journal: day = '2025-12-25'", "--yes");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("table public.journal: 30 row(s) from the backup, 30 written").contains("gate foreign-keys: PASS");
        assertThat(count(live, "SELECT count(*) FROM journal")).isEqualTo(300);
    }

    @Test
    void aMissingParentIsNamedAndNothingIsWritten() throws Exception {
        sql(live, "DELETE FROM journal WHERE author_id = 3; DELETE FROM author WHERE id = 3");
        Run r = restore("--where", "journal: author_id = 3", "--yes");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains("public.author").contains("(3)").contains("--with-parents")
                .contains("stopped at step: select");
        assertThat(count(live, "SELECT count(*) FROM journal")).isEqualTo(240);
        Run withParents = restore("--where", "journal: author_id = 3", "--with-parents", "--yes");
        assertThat(withParents.exit()).as(withParents.err()).isZero();
        assertThat(count(live, "SELECT count(*) FROM journal")).isEqualTo(300);
        assertThat(count(live, "SELECT count(*) FROM author")).isEqualTo(5);
    }

    @Test
    void swapThenRollback() throws Exception {
        sql(live, "INSERT INTO journal (author_id, day) VALUES (1, '2026-01-01')");
        Run swap = restore("--swap", "--yes");
        assertThat(swap.exit()).as(swap.err()).isZero();
        assertThat(swap.out()).contains("undo:").contains(live.name() + "_before_");
        assertThat(count(live, "SELECT count(*) FROM journal")).isEqualTo(300);
        Run unconfirmed = CliTest.run("rollback", "--target", live.jdbcUrl(), "--db-user", live.user());
        assertThat(unconfirmed.exit()).isEqualTo(2);
        assertThat(unconfirmed.out()).contains("rename");
        assertThat(count(live, "SELECT count(*) FROM journal")).isEqualTo(300);
        Run rollback = CliTest.run("rollback", "--target", live.jdbcUrl(), "--db-user", live.user(), "--yes");
        assertThat(rollback.exit()).as(rollback.err()).isZero();
        assertThat(count(live, "SELECT count(*) FROM journal")).isEqualTo(301);
        Run nothingLeft = CliTest.run("rollback", "--target", live.jdbcUrl(), "--db-user", live.user(), "--yes");
        assertThat(nothingLeft.exit()).isEqualTo(2);
        assertThat(nothingLeft.err()).contains("nothing to roll back");
    }

    @Test
    void contradictoryOrMalformedOptionsAreOneSentence() {
        Run two = restore("--create", "--swap");
        assertThat(two.exit()).isEqualTo(2);
        assertThat(two.err()).contains("exactly one database mode");
        Run where = restore("--where", "journal day = 1", "--yes");
        assertThat(where.exit()).isEqualTo(2);
        assertThat(where.err()).contains("TABLE: PREDICATE");
        Run unknown = restore("--tables", "no_such_table", "--yes");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("'no_such_table' matches no table");
        Run badPredicate = restore("--where", "journal: no_column = 1", "--yes");
        assertThat(badPredicate.exit()).isEqualTo(2);
        assertThat(badPredicate.err()).contains("cannot be evaluated").contains("no_column");
    }
}
