package io.wlj.backup.bench;

import io.wlj.backup.BackupId;
import io.wlj.backup.BackupResult;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.Compression;
import io.wlj.backup.RestoreReport;
import io.wlj.backup.crypto.OpenPgp;
import io.wlj.backup.crypto.PassphraseSource;
import io.wlj.backup.postgres.PostgresDatabase;
import io.wlj.backup.postgres.PostgresSource;
import io.wlj.backup.postgres.PostgresTarget;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.spi.CodecStage;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The PostgreSQL benchmark's Java side (see {@code bench/run-pg-bench.sh}): a server to time
 * against, our backup and restore through the public API, and the JDBC {@code COPY} read rate
 * alone for the analysis.
 *
 * <pre>
 * java -cp CLASSPATH io.wlj.backup.bench.PgBench MODE [options]
 *   server    --data DIR --port N [--log FILE] [--parent-pid PID] [--conf key=value ...]
 *   backup    --url JDBC_URL --repo DIR [--passphrase-file F] [--jobs 2] [--level 3] [--zstd-workers N] [--server-pid PID]
 *   restore   --repo DIR --target-url JDBC_URL [--passphrase-file F] [--jobs 2] [--server-pid PID]
 *   copy-rate --url JDBC_URL [--jobs 2] [--sink null|zstd|zstd+openpgp] [--buffer BYTES] [--passphrase-file F] [--server-pid PID]
 * </pre>
 *
 * <p>server: starts PostgreSQL from the zonky binaries on the classpath with the data directory
 * {@code --data} kept between runs ({@code setCleanDataDirectory(false)}: initdb only when the
 * directory has no {@code postgresql.conf}), prints {@code READY port=... pid=... version=...}
 * and runs until it is killed (zonky's shutdown hook stops the server with {@code pg_ctl stop
 * -m fast}) or until process {@code --parent-pid} (the benchmark script) is gone. Every
 * {@code --conf} is passed to the server as {@code -c key=value}.
 *
 * <p>backup: a fresh repository at {@code --repo} (which must not exist), encrypted with the
 * passphrase in {@code --passphrase-file} (OpenPGP, AES-256, signed manifests, exactly as
 * {@code wlj init --passphrase-file} sets it up) or not; then one timed
 * {@code BackupSystem.configure().repository(repo).source(PostgresSource.builder(db).jobs(J).build())
 * .compression(Compression.zstd(L)).stage(OpenPgp.passphrase(p)).signer(...).build().backup()}.
 * The repository's initialisation is not timed (a user does it once); the JVM's start-up is
 * reported by the script. One {@code RUN} line: wall seconds of {@code backup()}, this process's
 * CPU, the server's CPU ({@code --server-pid} is the postmaster: its own and its children's CPU,
 * exited backends included through its {@code cutime}), other processes' CPU, stored and plain
 * bytes, artifacts, rows, and the JVM's uptime when {@code backup()} started. A {@code PHASES}
 * line, from the engine's progress tasks: seconds until the schema is read (connect, snapshot,
 * catalog listing, one {@code LOCK TABLE} per table), reading the schema, from there to the first
 * {@code COPY}, from the first {@code COPY}'s start to the last one's end, and from there to the
 * end of {@code backup()} (sequences, the schema and TOC artifacts, sealing the backup).
 * {@code --zstd-workers N} uses {@code Compression.zstd(level, N)} instead of the default.
 *
 * <p>restore: the repository's latest backup into a new database
 * ({@code PostgresTarget.newDatabase(...).jobs(J)}), timed; one {@code RESTORE} line.
 *
 * <p>copy-rate: what the JDBC engine's reading costs without the backup pipeline: every table of
 * the database, biggest first, {@code COPY ... TO STDOUT} through PgJDBC's {@code CopyManager}
 * on {@code --jobs} connections (one REPEATABLE READ transaction each) into a sink that counts
 * bytes ({@code null}), into {@code Compression.zstd(3).encode(...)} per table ({@code zstd}), or
 * into zstd then the OpenPGP stage ({@code zstd+openpgp}). PgJDBC hands over one row per
 * {@code write}, and the engine passes those writes on as they come, so by default so does this;
 * {@code --buffer N} puts a {@code BufferedOutputStream} of N bytes in front of the sink to show
 * what the per-row writes cost. One {@code COPYRATE} line.
 */
public final class PgBench {
    private static final double MIB = 1024.0 * 1024.0;

    private PgBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: PgBench server|backup|restore|copy-rate [options]");
        }
        Map<String, String> o = new HashMap<>();
        List<String> conf = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value at " + args[i]);
            }
            if (args[i].equals("--conf")) {
                conf.add(args[++i]);
            } else {
                o.put(args[i], args[++i]);
            }
        }
        switch (args[0]) {
            case "server" -> server(o, conf);
            case "backup" -> backup(o);
            case "restore" -> restore(o);
            case "copy-rate" -> copyRate(o);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        System.exit(0); // the repository's lock heartbeat is no reason to linger
    }

    // ---------------------------------------------------------------- server

    private static void server(Map<String, String> o, List<String> conf) throws Exception {
        Path data = Path.of(required(o, "--data")).toAbsolutePath();
        int port = Integer.parseInt(required(o, "--port"));
        long parent = Long.parseLong(o.getOrDefault("--parent-pid", "0"));
        File log = new File(o.getOrDefault("--log", data.resolveSibling("pg-server.log").toString()));
        boolean fresh = !Files.exists(data.resolve("postgresql.conf"));
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setLocaleConfig("locale", "C")
                // crash recovery after an unclean stop may take a while on a busy machine
                .setPGStartupWait(Duration.ofSeconds(600))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log));
        for (String c : conf) {
            int eq = c.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--conf takes key=value, not " + c);
            }
            b.setServerConfig(c.substring(0, eq), c.substring(eq + 1));
        }
        EmbeddedPostgres pg = b.start();
        long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        String version;
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num'), version()")) {
            rs.next();
            version = rs.getString(1) + " \"" + rs.getString(2) + "\"";
        }
        System.out.printf(Locale.ROOT, "READY port=%d pid=%d initdb=%s data=%s version=%s%n", port, pid, fresh, data, version);
        System.out.flush();
        while (true) {
            Thread.sleep(1000);
            if (parent > 0 && ProcessHandle.of(parent).map(ProcessHandle::isAlive).orElse(false) == false) {
                System.out.println("parent " + parent + " is gone; stopping the server");
                pg.close();
                return;
            }
        }
    }

    // ---------------------------------------------------------------- backup

    private static void backup(Map<String, String> o) throws Exception {
        long startedMs = ManagementFactory.getRuntimeMXBean().getStartTime();
        PostgresDatabase db = database(required(o, "--url"));
        Path repoDir = Path.of(required(o, "--repo"));
        if (Files.exists(repoDir)) {
            throw new IllegalArgumentException("--repo must not exist yet: " + repoDir);
        }
        int jobs = Integer.parseInt(o.getOrDefault("--jobs", "2"));
        int level = Integer.parseInt(o.getOrDefault("--level", "3"));
        // default: Compression.zstd(level), one zstd worker thread per core for each artifact
        Integer workers = o.containsKey("--zstd-workers") ? Integer.valueOf(o.get("--zstd-workers")) : null;
        long serverPid = Long.parseLong(o.getOrDefault("--server-pid", "0"));
        PassphraseSource passphrase = o.containsKey("--passphrase-file") ? PassphraseSource.file(Path.of(o.get("--passphrase-file"))) : null;

        FileSystemRepository repo;
        BackupSystem.Builder builder;
        if (passphrase != null) {
            repo = FileSystemRepository.builder(repoDir).protectedBy(OpenPgp.passphrase(passphrase))
                    .requireSignaturesBy(OpenPgp.newPassphraseSignerId()).init();
            builder = BackupSystem.configure().repository(repo)
                    .stage(OpenPgp.passphrase(passphrase))
                    .signer(OpenPgp.passphraseSigner(passphrase, repo.config().signingKey()));
        } else {
            repo = FileSystemRepository.init(repoDir);
            builder = BackupSystem.configure().repository(repo);
        }
        BackupSystem system = builder
                .source(PostgresSource.builder(db).jobs(jobs).build())
                .compression(workers == null ? Compression.zstd(level) : Compression.zstd(level, workers))
                .build();

        Phases phases = new Phases();
        Cpu before = Cpu.now(serverPid);
        double uptimeAtStart = (System.currentTimeMillis() - startedMs) / 1000.0;
        phases.start = System.nanoTime();
        long t0 = System.nanoTime();
        BackupResult result = system.backup(Map.of(), phases);
        long t1 = System.nanoTime();
        Cpu after = Cpu.now(serverPid);

        var detail = result.manifest().detail();
        Object rows = detail.sources().isEmpty() ? null : detail.sources().get(0).metadata().get("rows");
        double seconds = (t1 - t0) / 1e9;
        System.out.printf(Locale.ROOT,
                "RUN seconds=%.3f cpuSeconds=%.2f serverCpuSeconds=%s otherCpuSeconds=%s stored=%d plain=%d artifacts=%d rows=%s"
                        + " plainMibps=%.1f jvmUptimeAtBackupStart=%.3f encrypted=%s jobs=%d level=%d id=%s warnings=%d%n",
                seconds, after.process - before.process, fmt(after.server - before.server), after.other(before),
                result.storedBytes(), result.plainBytes(), detail.artifacts().size(), rows, result.plainBytes() / MIB / seconds,
                uptimeAtStart, passphrase != null, jobs, level, result.id(), result.warnings().size());
        System.out.printf(Locale.ROOT, "PHASES untilSchema=%.3f schema=%.3f schemaToFirstCopy=%.3f copies=%.3f afterCopies=%.3f copyTasks=%d%n",
                phases.sec(phases.start, phases.schemaBegin), phases.sec(phases.schemaBegin, phases.schemaEnd),
                phases.sec(phases.schemaEnd, phases.firstCopy), phases.sec(phases.firstCopy, phases.lastCopyEnd),
                phases.sec(phases.lastCopyEnd, t1), phases.copies.get());
        for (String w : result.warnings()) {
            System.out.println("WARNING " + w);
        }
    }

    /** When the engine's progress tasks (the schema, each table's COPY) began and ended. */
    private static final class Phases implements io.wlj.backup.ProgressMonitor {
        volatile long start;
        volatile long schemaBegin;
        volatile long schemaEnd;
        volatile long firstCopy;
        final AtomicLong lastCopyEndNanos = new AtomicLong();
        final AtomicLong copies = new AtomicLong();
        long lastCopyEnd;

        @Override
        public void beginTask(String title, long totalBytes) {
            long now = System.nanoTime();
            if (title.endsWith(": schema")) {
                schemaBegin = now;
            } else if (title.startsWith("copy ")) {
                synchronized (this) {
                    if (firstCopy == 0) {
                        firstCopy = now;
                    }
                }
            }
        }

        @Override
        public void endTask(String title) {
            long now = System.nanoTime();
            if (title.endsWith(": schema")) {
                schemaEnd = now;
            } else if (title.startsWith("copy ")) {
                copies.incrementAndGet();
                lastCopyEndNanos.accumulateAndGet(now, Math::max);
                lastCopyEnd = lastCopyEndNanos.get();
            }
        }

        double sec(long from, long to) {
            return from == 0 || to == 0 ? Double.NaN : (to - from) / 1e9;
        }
    }

    // ---------------------------------------------------------------- restore

    private static void restore(Map<String, String> o) throws Exception {
        Path repoDir = Path.of(required(o, "--repo"));
        PostgresDatabase target = database(required(o, "--target-url"));
        int jobs = Integer.parseInt(o.getOrDefault("--jobs", "2"));
        long serverPid = Long.parseLong(o.getOrDefault("--server-pid", "0"));
        FileSystemRepository repo = FileSystemRepository.at(repoDir);
        BackupSystem.Builder builder = BackupSystem.configure().repository(repo);
        if (o.containsKey("--passphrase-file")) {
            PassphraseSource passphrase = PassphraseSource.file(Path.of(o.get("--passphrase-file")));
            builder.stage(OpenPgp.passphrase(passphrase)).signer(OpenPgp.passphraseSigner(passphrase, repo.config().signingKey()));
        }
        BackupSystem system = builder.build();
        BackupId id = system.requireLatest();
        Cpu before = Cpu.now(serverPid);
        long t0 = System.nanoTime();
        RestoreReport report = system.restore(id).to(PostgresTarget.newDatabase(target).jobs(jobs)).plan().execute();
        long t1 = System.nanoTime();
        Cpu after = Cpu.now(serverPid);
        System.out.printf(Locale.ROOT, "RESTORE seconds=%.3f cpuSeconds=%.2f serverCpuSeconds=%s otherCpuSeconds=%s id=%s warnings=%d%n",
                (t1 - t0) / 1e9, after.process - before.process, fmt(after.server - before.server), after.other(before), id,
                report.warnings().size());
        for (RestoreReport.Step s : report.steps()) {
            System.out.printf(Locale.ROOT, "STEP %.3f s %s: %s%n", s.duration().toMillis() / 1000.0, s.name(), s.detail());
        }
        for (String w : report.warnings()) {
            System.out.println("WARNING " + w);
        }
    }

    // ---------------------------------------------------------------- copy-rate

    private static void copyRate(Map<String, String> o) throws Exception {
        String url = required(o, "--url");
        int jobs = Integer.parseInt(o.getOrDefault("--jobs", "2"));
        String sink = o.getOrDefault("--sink", "null");
        int buffer = Integer.parseInt(o.getOrDefault("--buffer", "0"));
        long serverPid = Long.parseLong(o.getOrDefault("--server-pid", "0"));
        CodecStage zstd = Compression.zstd(3);
        CodecStage pgp = sink.equals("zstd+openpgp")
                ? OpenPgp.passphrase(PassphraseSource.file(Path.of(required(o, "--passphrase-file")))).forBackup() : null;
        if (!List.of("null", "zstd", "zstd+openpgp").contains(sink)) {
            throw new IllegalArgumentException("--sink null|zstd|zstd+openpgp, not " + sink);
        }
        List<String> tables = new ArrayList<>();
        try (Connection c = connect(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                     + " WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"
                     + " ORDER BY c.relpages DESC, 1")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(tables);
        AtomicLong plain = new AtomicLong();
        AtomicLong out = new AtomicLong();
        AtomicLong rows = new AtomicLong();
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            Connection c = connect(url);
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
                s.execute("SET DateStyle = ISO");
                s.execute("SET extra_float_digits = 3");
            }
            connections.add(c);
        }
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Cpu before = Cpu.now(serverPid);
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (Connection c : connections) {
            Thread t = new Thread(() -> {
                try {
                    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
                    String table;
                    while ((table = queue.poll()) != null) {
                        Counting counted = new Counting(OutputStream.nullOutputStream());
                        OutputStream target = counted;
                        if (pgp != null) {
                            target = pgp.encode(target);
                        }
                        if (!sink.equals("null")) {
                            target = zstd.encode(target);
                        }
                        if (buffer > 0) {
                            target = new java.io.BufferedOutputStream(target, buffer);
                        }
                        Counting plainCount = new Counting(target);
                        try (OutputStream closing = plainCount) {
                            rows.addAndGet(copy.copyOut("COPY " + table + " TO STDOUT", closing));
                        }
                        plain.addAndGet(plainCount.count);
                        out.addAndGet(counted.count);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "copy-rate");
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long t1 = System.nanoTime();
        Cpu after = Cpu.now(serverPid);
        for (Connection c : connections) {
            c.close();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("COPY failed", failures.get(0));
        }
        double seconds = (t1 - t0) / 1e9;
        System.out.printf(Locale.ROOT,
                "COPYRATE sink=%s buffer=%d jobs=%d tables=%d rows=%d plain=%d out=%d seconds=%.3f mibps=%.1f cpuSeconds=%.2f serverCpuSeconds=%s otherCpuSeconds=%s%n",
                sink, buffer, jobs, tables.size(), rows.get(), plain.get(), out.get(), seconds, plain.get() / MIB / seconds,
                after.process - before.process, fmt(after.server - before.server), after.other(before));
    }

    /** Counts what passes through; closing closes the stream underneath (which finishes its encoding). */
    private static final class Counting extends java.io.FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static String required(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            throw new IllegalArgumentException(key + " is required");
        }
        return v;
    }

    /** The URL's own options carry the user (the server trusts local connections, so there is no password). */
    private static PostgresDatabase database(String url) {
        return PostgresDatabase.url(url);
    }

    private static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, new Properties());
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    /** CPU seconds of this process, of the server (postmaster and its children) and of the whole machine. */
    private record Cpu(double process, double server, double host) {
        static Cpu now(long serverPid) {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            return new Cpu(os.getProcessCpuTime() / 1e9, serverPid > 0 ? serverCpu(serverPid) : Double.NaN, PipelineBench.hostBusySeconds());
        }

        String other(Cpu before) {
            if (host < 0 || before.host < 0) {
                return "n/a";
            }
            double o = (host - before.host) - (process - before.process) - (Double.isNaN(server) ? 0 : server - before.server);
            return String.format(Locale.ROOT, "%.2f", Math.max(0, o));
        }

        /** utime + stime + cutime + cstime of the postmaster and of each of its live children, in seconds (USER_HZ 100). */
        static double serverCpu(long pid) {
            long ticks = ticks(pid);
            try (Stream<ProcessHandle> children = ProcessHandle.of(pid).map(ProcessHandle::children).orElse(Stream.empty())) {
                ticks += children.mapToLong(ph -> ticks(ph.pid())).sum();
            }
            return ticks / 100.0;
        }

        private static long ticks(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            } catch (IOException | RuntimeException e) {
                return 0; // the process ended meanwhile
            }
        }
    }
}
