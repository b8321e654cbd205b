package io.wlj.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.wlj.backup.BackupResult;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.ProgressMonitor;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.testkit.PostgresServer;
import io.wlj.backup.testkit.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsistencyAndScaleTest {
    @TempDir
    Path tmp;

    private static long count(TestDatabase db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void writersCommittingDuringAParallelBackupNeverTearTheSnapshot() throws Exception {
        PostgresServer server = PostgresServer.shared();
        TestDatabase db = server.createDatabase(server.uniqueDatabaseName("torn"));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE parent (id bigserial PRIMARY KEY, pad text)");
            s.execute("CREATE TABLE child (id bigserial PRIMARY KEY, parent_id bigint NOT NULL REFERENCES parent (id), pad text)");
            // Big enough that copying each table takes a while, with the two tables copied by different connections.
            s.execute("INSERT INTO parent (pad) SELECT repeat(md5(g::text), 12) FROM generate_series(1, 150000) g");
            s.execute("INSERT INTO child (parent_id, pad) SELECT id, pad FROM parent");
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong commits = new AtomicLong();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        CountDownLatch writing = new CountDownLatch(10);
        Thread writer = new Thread(() -> {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                while (!stop.get()) {
                    // A pair inserted together: both rows, or neither, must be in any consistent snapshot.
                    s.execute("WITH p AS (INSERT INTO parent (pad) VALUES ('new') RETURNING id) "
                            + "INSERT INTO child (parent_id, pad) SELECT id, 'new' FROM p");
                    c.commit();
                    commits.incrementAndGet();
                    writing.countDown();
                }
            } catch (Throwable t) {
                writerFailure.set(t);
                while (writing.getCount() > 0) {
                    writing.countDown();
                }
            }
        }, "writer");
        writer.start();
        assertThat(writing.await(60, TimeUnit.SECONDS)).isTrue();
        BackupSystem system = BackupSystem.configure().repository(FileSystemRepository.init(tmp.resolve("repo")))
                .source(PostgresSource.builder(JdbcEngineRoundTripTest.db(db)).jobs(2).build()).build();
        long before = commits.get();
        BackupResult result = system.backup(Map.of(), ProgressMonitor.NONE);
        long during = commits.get() - before;
        stop.set(true);
        writer.join();
        assertThat(writerFailure.get()).isNull();
        assertThat(during).as("pairs committed while the backup ran").isPositive();

        TestDatabase copy = server.database(server.uniqueDatabaseName("torn_copy"));
        system.restore(result.id()).to(PostgresTarget.newDatabase(JdbcEngineRoundTripTest.db(copy))).plan().execute();
        long parents = count(copy, "SELECT count(*) FROM parent");
        assertThat(count(copy, "SELECT count(*) FROM child")).isEqualTo(parents);
        assertThat(count(copy, "SELECT count(*) FROM parent p WHERE NOT EXISTS (SELECT 1 FROM child c WHERE c.parent_id = p.id)")).isZero();
        assertThat(parents).isGreaterThanOrEqualTo(150_000 + 10).isLessThan(count(db, "SELECT count(*) FROM parent"));
    }

    @Test
    void fiveThousandTablesBackUpAndRestore() throws Exception {
        PostgresServer server = PostgresServer.shared();
        TestDatabase db = server.createDatabase(server.uniqueDatabaseName("many"));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN FOR i IN 1..5000 LOOP "
                    + "EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, v text)', i); "
                    + "EXECUTE format('INSERT INTO t%s SELECT g, %L FROM generate_series(1, 1 + %s %% 3) g', i, 'row of ' || i, i); "
                    + "END LOOP; END $$");
        }
        BackupSystem system = BackupSystem.configure().repository(FileSystemRepository.init(tmp.resolve("repo")))
                .source(PostgresSource.builder(JdbcEngineRoundTripTest.db(db)).build()).build();
        BackupResult result = system.backup();
        Map<String, Object> meta = result.manifest().detail().sources().get(0).metadata();
        assertThat(meta.get("tables")).isEqualTo(5000);
        long expectedRows = count(db, "SELECT sum(1 + i % 3) FROM generate_series(1, 5000) i");
        assertThat(((Number) meta.get("rows")).longValue()).isEqualTo(expectedRows);
        assertThat(result.manifest().header().artifacts().size()).as("small tables share artifacts").isLessThan(20);

        TestDatabase copy = server.database(server.uniqueDatabaseName("many_copy"));
        system.restore(result.id()).to(PostgresTarget.newDatabase(JdbcEngineRoundTripTest.db(copy))).plan().execute();
        assertThat(count(copy, "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")).isEqualTo(5000);
        assertThat(count(copy, "SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND connamespace = 'public'::regnamespace")).isEqualTo(5000);
        assertThat(count(copy, "SELECT count(*) FROM t4999")).isEqualTo(1 + 4999 % 3);
        assertThat(Oracle.data(copy)).isEqualTo(Oracle.data(db));
    }
}
