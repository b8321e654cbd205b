package io.wlj.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.testkit.PostgresServer;
import io.wlj.backup.testkit.TestDatabase;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The halting rule "connection attempts retried 3 times with exponential backoff", against a server that drops every connection. */
class RestoreRetryTest {
    @TempDir
    Path tmp;

    @Test
    void aDroppingServerIsTriedFourTimesThenTheRestoreHalts() throws Exception {
        PostgresServer server = PostgresServer.shared();
        TestDatabase source = server.createDatabase(server.uniqueDatabaseName("retry"));
        try (Connection c = source.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 10)");
        }
        BackupSystem system = BackupSystem.configure().repository(FileSystemRepository.init(tmp.resolve("repo")))
                .source(PostgresSource.builder(JdbcEngineRoundTripTest.db(source)).build()).build();
        var backup = system.backup();
        AtomicInteger attempts = new AtomicInteger();
        try (ServerSocket dropper = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!dropper.isClosed()) {
                    try (Socket s = dropper.accept()) {
                        attempts.incrementAndGet(); // accepted and closed at once: an outage, not a refusal of credentials
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            PostgresDatabase unreachable = PostgresDatabase.url("jdbc:postgresql://127.0.0.1:" + dropper.getLocalPort() + "/app?connectTimeout=5")
                    .user("postgres");
            long start = System.nanoTime();
            assertThatThrownBy(() -> system.restore(backup.id()).to(PostgresTarget.tables(unreachable, "t").retryBackoff(Duration.ofMillis(50)))
                    .plan())
                    .isInstanceOfSatisfying(BackupException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SOURCE_FAILED))
                    .hasMessageContaining("tried 4 times");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(attempts.get()).as("one attempt and three retries").isEqualTo(4);
            assertThat(millis).as("backoff 50 + 100 + 200 ms").isGreaterThanOrEqualTo(350);
        }
    }
}
