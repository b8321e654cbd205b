package io.wlj.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.wlj.backup.files.FileTreeSource;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.spi.CodecStage;
import io.wlj.backup.spi.GateContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in gates on backups and services: decodable end to end, size anomaly, HTTP smoke test. */
class GatesTest {
    @TempDir
    Path tmp;

    /** Encodes like TestCipher but decodes one byte wrong, as a broken key or codec would. */
    static final class OneWrongByte implements CodecStage {
        final TestCipher inner = new TestCipher(new byte[16]);

        @Override
        public String id() {
            return inner.id();
        }

        @Override
        public String fileExtension() {
            return inner.fileExtension();
        }

        @Override
        public Optional<io.wlj.backup.spi.Protection> protection() {
            return inner.protection();
        }

        @Override
        public OutputStream encode(OutputStream out) throws IOException {
            return inner.encode(out);
        }

        @Override
        public InputStream decode(InputStream in) throws IOException {
            return new FilterInputStream(inner.decode(in)) {
                long position;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    for (int i = 0; i < n; i++, position++) {
                        if (position == 1000) {
                            b[off + i] ^= 1;
                        }
                    }
                    return n;
                }

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }
            };
        }
    }

    static Path randomFiles(Path dir, int files, int size, long seed) throws IOException {
        Files.createDirectories(dir);
        Random r = new Random(seed);
        for (int i = 0; i < files; i++) {
            byte[] b = new byte[size];
            r.nextBytes(b);
            Files.write(dir.resolve("f" + i), b);
        }
        return dir;
    }

    @Test
    void decodableProvesTheBackupReadsBackAndStopsOneThatDoesNot() throws Exception {
        Path data = randomFiles(tmp.resolve("data"), 3, 20_000, 1);
        TestCipher cipher = new TestCipher(new byte[16]);
        BackupResult good = BackupSystem.configure().repository(FileSystemRepository.builder(tmp.resolve("good")).protectedBy(cipher).init())
                .source(FileTreeSource.of("data", data)).stage(cipher)
                .gates(Stage.AFTER_BACKUP, Gates.decodable()).build().backup();
        assertThat(good.gates()).singleElement().satisfies(g -> {
            assertThat(g.status()).isEqualTo(GateResult.Status.PASS);
            assertThat(g.evidence()).contains("decoded end to end");
        });
        OneWrongByte wrong = new OneWrongByte();
        BackupSystem broken = BackupSystem.configure().repository(FileSystemRepository.builder(tmp.resolve("broken")).protectedBy(wrong).init())
                .source(FileTreeSource.of("data", data)).stage(wrong)
                .gates(Stage.AFTER_BACKUP, Gates.checksums(), Gates.decodable()).build();
        assertThatThrownBy(broken::backup).isInstanceOfSatisfying(GateFailedException.class, e -> {
            assertThat(e.results()).filteredOn(r -> r.gate().equals("checksums")).singleElement()
                    .satisfies(r -> assertThat(r.status()).as("stored bytes are fine").isEqualTo(GateResult.Status.PASS));
            assertThat(e.getMessage()).contains("decodable");
        });
        assertThat(broken.list()).as("nothing sealed").isEmpty();
    }

    @Test
    void aSuddenDropInSizeIsAnAnomalyPerGroup() throws Exception {
        Path data = randomFiles(tmp.resolve("data"), 10, 50_000, 2);
        Path repo = tmp.resolve("repo");
        FileSystemRepository.init(repo);
        BackupSystem system = BackupSystem.configure().repository(FileSystemRepository.at(repo)).source(FileTreeSource.of("data", data))
                .gates(Stage.AFTER_BACKUP, Gates.sizeAnomaly(5, 0.5)).build();
        BackupResult first = system.backup();
        assertThat(first.gates()).singleElement().satisfies(g -> assertThat(g.evidence()).contains("no earlier backup"));
        system.backup();
        system.backup(Map.of("group", "small"), ProgressMonitor.NONE);
        for (int i = 0; i < 8; i++) {
            Files.delete(data.resolve("f" + i)); // 80% of the data gone
        }
        assertThatThrownBy(system::backup).isInstanceOfSatisfying(GateFailedException.class, e ->
                assertThat(e.getMessage()).contains("size-anomaly").contains("a drop of 8").contains("more than 50%"));
        assertThat(system.list()).hasSize(3);
        assertThatThrownBy(() -> system.backup(Map.of("group", "small"), ProgressMonitor.NONE))
                .as("the group 'small' had one earlier, bigger backup").isInstanceOf(GateFailedException.class);
        BackupResult otherGroup = system.backup(Map.of("group", "fresh"), ProgressMonitor.NONE);
        assertThat(otherGroup.gates()).singleElement().satisfies(g -> assertThat(g.evidence()).contains("no earlier backup of this group"));
    }

    @Test
    void growthBeyondThreeTimesWarnsButSeals() throws Exception {
        Path data = randomFiles(tmp.resolve("data"), 1, 50_000, 3);
        BackupSystem system = BackupSystem.configure().repository(FileSystemRepository.init(tmp.resolve("repo")))
                .source(FileTreeSource.of("data", data)).gates(Stage.AFTER_BACKUP, Gates.sizeAnomaly(3, 0.7)).build();
        system.backup();
        randomFiles(data, 5, 50_000, 4);
        BackupResult big = system.backup();
        assertThat(big.gates()).singleElement().satisfies(g -> {
            assertThat(g.status()).isEqualTo(GateResult.Status.WARN);
            assertThat(g.evidence()).contains("more than three times bigger");
        });
    }

    static GateResult evaluate(io.wlj.backup.spi.ValidationGate gate) {
        return gate.evaluate(GateContext.detached(Stage.AFTER_RESTORE));
    }

    @Test
    void httpSmokeTestsExpectTheirStatusFollowNoRedirectAndTimeOut() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        CountDownLatch release = new CountDownLatch(1);
        http.createContext("/health", x -> {
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        http.createContext("/dashboard", x -> {
            x.getResponseHeaders().add("Location", "/login");
            x.sendResponseHeaders(302, -1);
            x.close();
        });
        http.createContext("/slow", x -> {
            try {
                release.await(30, TimeUnit.SECONDS); // answers only when the test lets it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.sendResponseHeaders(200, -1);
            x.close();
        });
        http.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        http.start();
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        try {
            GateResult ok = evaluate(Gates.http(URI.create(base + "/health"), 200));
            assertThat(ok.status()).isEqualTo(GateResult.Status.PASS);
            assertThat(ok.evidence()).contains("answered 200");
            GateResult redirected = evaluate(Gates.http(URI.create(base + "/dashboard"), 200));
            assertThat(redirected.status()).isEqualTo(GateResult.Status.FAIL);
            assertThat(redirected.evidence()).contains("answered 302").contains("redirect to /login, not followed");
            GateResult slow = evaluate(Gates.http(URI.create(base + "/slow"), 200).timeout(Duration.ofMillis(300))
                    .retryBackoff(Duration.ofMillis(10)));
            assertThat(slow.status()).isEqualTo(GateResult.Status.FAIL);
            assertThat(slow.evidence()).contains("failed 4 times (3 retries)").contains("no answer within 300 ms");
        } finally {
            release.countDown();
            http.stop(0);
        }
        GateResult down = evaluate(Gates.http(URI.create(base + "/health"), 200).timeout(Duration.ofMillis(500))
                .retryBackoff(Duration.ofMillis(10)));
        assertThat(down.status()).isEqualTo(GateResult.Status.FAIL);
        assertThat(down.evidence()).contains("failed 4 times");
        assertThatThrownBy(() -> Gates.http(URI.create("ftp://x/"), 200)).isInstanceOf(BackupException.class).hasMessageContaining("http or https");
    }

    @Test
    void checksumsBeforeARestoreStopItWhenAStoredFileWasDamaged() throws Exception {
        Path data = randomFiles(tmp.resolve("data"), 2, 20_000, 9);
        FileSystemRepository repo = FileSystemRepository.init(tmp.resolve("repo"));
        BackupSystem system = BackupSystem.configure().repository(repo).source(FileTreeSource.of("data", data))
                .gates(Stage.BEFORE_RESTORE, Gates.checksums()).build();
        BackupResult b = system.backup();
        Path ok = tmp.resolve("ok");
        system.restore(b.id()).toDirectory(ok).plan().execute();
        assertThat(ok.resolve("data/f0")).exists();
        Path file = repo.pathOf(b.id(), b.manifest().header().artifacts().get(0).file());
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() / 2);
            int x = f.read();
            f.seek(f.length() / 2);
            f.write(x ^ 4);
        }
        Path target = tmp.resolve("target");
        assertThatThrownBy(() -> system.restore(b.id()).toDirectory(target).plan().execute())
                .isInstanceOfSatisfying(BackupException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.GATE_FAILED);
                    assertThat(e.getMessage()).contains("checksums");
                });
        assertThat(target).doesNotExist();
    }
}
