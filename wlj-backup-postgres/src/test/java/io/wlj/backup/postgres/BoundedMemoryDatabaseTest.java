package io.wlj.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.wlj.backup.testkit.PostgresServer;
import io.wlj.backup.testkit.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tables stream: a database larger than the heap, with single values of 12 MB, backs up and restores in -Xmx256m. */
class BoundedMemoryDatabaseTest {
    @TempDir
    Path tmp;

    @Test
    void aDatabaseLargerThanTheHeapBacksUpAndRestoresIn256MiB() throws Exception {
        PostgresServer server = PostgresServer.shared();
        TestDatabase db = server.createDatabase(server.uniqueDatabaseName("big"));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE wide (id int PRIMARY KEY, body text)");
            // ~330 MB of COPY text: well over the child's 256 MiB heap.
            s.execute("INSERT INTO wide SELECT g, repeat(md5(g::text), 64) FROM generate_series(1, 160000) g");
            s.execute("CREATE TABLE huge_values (id int, t text, b bytea)");
            s.execute("INSERT INTO huge_values SELECT g, repeat('v', 12000000), decode(repeat('ab', 6000000), 'hex') FROM generate_series(1, 3) g");
        }
        TestDatabase copy = server.database(server.uniqueDatabaseName("big_copy"));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), BoundedMemoryDatabaseChild.class.getName(),
                tmp.resolve("repo").toString(), db.jdbcUrl(), copy.jdbcUrl(), db.user());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("CHILD_DB_PASSWORD", db.password());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        String ok = out.lines().filter(l -> l.startsWith("OK ")).findFirst().orElseThrow();
        assertThat(Long.parseLong(ok.split(" ")[1])).as("bytes backed up").isGreaterThan(300L << 20);
        assertThat(Long.parseLong(ok.split(" ")[2])).as("the child's heap").isLessThanOrEqualTo(256L << 20);
        assertThat(Oracle.data(copy)).isEqualTo(Oracle.data(db));
    }
}
