package io.wlj.backup.bench;

import io.wlj.backup.Compression;
import io.wlj.backup.internal.DigestingOutputStream;
import io.wlj.backup.internal.DurableFiles;
import io.wlj.backup.internal.IoHook;
import io.wlj.backup.internal.Sha256;
import io.wlj.backup.spi.StagedFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;

/**
 * Where does the pipeline's time go? Runs the input through one stage, or a partial pipeline,
 * at a time, built from the same classes {@code BackupRun} uses ({@link DigestingOutputStream},
 * {@link Compression#zstd(int, int)}, {@link DurableFiles}), next to external peers
 * ({@code zstd}, {@code sha256sum}, {@code openssl}) and prototypes of possible improvements.
 *
 * <p>Variants run round-robin (round 1 runs every variant, then round 2 ...) so that drift in the
 * machine's speed hits them alike; a measurement during which other processes used more than
 * {@code --max-other} CPU seconds (and more than a tenth of a core on average) is repeated, up to
 * three times, and the last attempt kept. External commands cannot be checked this way: their CPU
 * cannot be told apart from other processes', so their busy seconds are shown instead. Each line reports wall time,
 * MiB/s of input, this JVM's CPU seconds (all threads, including zstd's native workers), the
 * machine's busy CPU seconds (from /proc/stat; for external commands this is their CPU) and the
 * CPU other processes used meanwhile.
 *
 * <pre>
 * java -Xmx256m -cp CLASSPATH io.wlj.backup.bench.PipelineProfile --input FILE --work DIR
 *      [--rounds 3] [--only name,name,...] [--max-other 0.3]
 * </pre>
 */
public final class PipelineProfile {
    private static final double MIB = 1024.0 * 1024.0;
    private static final int CHUNK = 64 * 1024;

    private interface Variant {
        /** Returns the bytes that came out at the end (stored size), or -1 when not meaningful. */
        long run(Path input, Path work) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Path input = null;
        Path work = Path.of("bench/out/profile-work");
        int rounds = 3;
        double maxOther = 0.3;
        List<String> only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--input" -> input = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--max-other" -> maxOther = Double.parseDouble(args[++i]);
                case "--only" -> only = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (input == null || !Files.isRegularFile(input)) {
            throw new IllegalArgumentException("--input FILE is required");
        }
        Files.createDirectories(work);
        int cores = Runtime.getRuntime().availableProcessors();
        Path file = input;
        Path out = work;

        Map<String, Variant> variants = new LinkedHashMap<>();
        variants.put("read", (in, w) -> pump(in, OutputStream.nullOutputStream(), CHUNK));
        variants.put("sha256-memory", (in, w) -> shaInMemory(Files.size(in)));
        variants.put("read+sha256", (in, w) -> {
            DigestingOutputStream d = new DigestingOutputStream(OutputStream.nullOutputStream());
            pump(in, d, CHUNK);
            d.sha256();
            return -1;
        });
        variants.put("ext:sha256sum", (in, w) -> external(List.of("sha256sum", in.toString())));
        variants.put("ext:openssl-sha256", (in, w) -> external(List.of("openssl", "dgst", "-sha256", in.toString())));
        for (int workers : new int[] {1, 2, 3}) {
            variants.put("read+zstd3-w" + workers, (in, w) -> {
                Counting sink = new Counting();
                try (OutputStream z = Compression.zstd(3, workers).encode(sink)) {
                    pump(in, z, CHUNK);
                }
                return sink.count;
            });
        }
        variants.put("ext:zstd-3-T2-to-null", (in, w) -> external(List.of("zstd", "-3", "-T2", "-q", "-c", in.toString())));
        // BackupRun.ArtifactStream's in-memory chain, minus the file: plain digest -> zstd -> stored digest.
        variants.put("chain-nofile", (in, w) -> chain(in, CHUNK, cores));
        variants.put("chain-nofile-chunk8k", (in, w) -> chain(in, 8 * 1024, cores));
        variants.put("chain-nofile-chunk1m", (in, w) -> chain(in, 1024 * 1024, cores));
        // The chain into DurableFiles' staged file (64 KiB BufferedOutputStream over a FileChannel).
        variants.put("chain-file-nofsync", (in, w) -> staged(in, w, cores, false));
        // Committed: flush, fsync, rename, directory fsync; BackupRun's artifact write without the repository around it.
        variants.put("chain-file-fsync", (in, w) -> staged(in, w, cores, true));
        variants.put("chain-file-fsync-w1", (in, w) -> staged(in, w, 1, true));
        variants.put("chain-file-fsync-w3", (in, w) -> staged(in, w, 3, true));
        // Prototype: the same, but a background thread fdatasyncs every 32 MiB written, so the final fsync is short.
        variants.put("proto-periodic-fsync", (in, w) -> periodicSync(in, w, cores, 32L << 20));
        variants.put("ext:zstd-3-T2-to-file", (in, w) -> external(List.of("zstd", "-3", "-T2", "-q", "-f", "-o",
                w.resolve("cli.zst").toString(), in.toString())));
        variants.put("ext:zstd-3-T2-to-file+sync", (in, w) -> {
            Path t = w.resolve("cli.zst");
            external(List.of("zstd", "-3", "-T2", "-q", "-f", "-o", t.toString(), in.toString()));
            return external(List.of("sync", t.toString()));
        });

        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long size = Files.size(file);
        System.out.printf(Locale.ROOT, "CONFIG input=%s bytes=%d cores=%d rounds=%d maxOther=%.2f%n", file, size, cores,
                rounds, maxOther);
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        for (int r = 1; r <= rounds; r++) {
            for (Map.Entry<String, Variant> e : variants.entrySet()) {
                if (only != null && !only.contains(e.getKey())) {
                    continue;
                }
                double[] m = null;
                for (int attempt = 1; attempt <= 3; attempt++) {
                    System.gc();
                    double busy0 = PipelineBench.hostBusySeconds();
                    long cpu0 = os.getProcessCpuTime();
                    long t0 = System.nanoTime();
                    long produced = e.getValue().run(file, out);
                    double s = (System.nanoTime() - t0) / 1e9;
                    double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
                    double busy = PipelineBench.hostBusySeconds() - busy0;
                    boolean ext = e.getKey().startsWith("ext:");
                    // External commands' CPU is not ours; their busy time is theirs plus anything else's.
                    double other = ext ? Double.NaN : Math.max(0, busy - cpu);
                    m = new double[] {s, cpu, busy, other, produced};
                    // Others may use a little (kernel writeback, the idle core's housekeeping): allow 10% of a core.
                    boolean disturbed = !ext && other > Math.max(maxOther, 0.1 * s);
                    System.out.printf(Locale.ROOT,
                            "STAGE name=%s round=%d attempt=%d seconds=%.3f mibps=%.1f cpuSeconds=%.2f busySeconds=%.2f"
                                    + " otherCpuSeconds=%s out=%d%s%n",
                            e.getKey(), r, attempt, s, size / MIB / s, cpu, busy, ext ? "n/a" : String.format(Locale.ROOT, "%.2f", other),
                            produced, disturbed ? " DISTURBED" : "");
                    if (!disturbed) {
                        break;
                    }
                }
                results.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(m);
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-28s %8s %8s %8s %8s %8s%n", "variant (medians)", "seconds", "MiB/s", "jvm-cpu", "busy-cpu",
                "max-oth");
        for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
            double s = median(e.getValue(), 0);
            double cpu = median(e.getValue(), 1);
            double busy = median(e.getValue(), 2);
            double other = e.getValue().stream().mapToDouble(v -> v[3]).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
            System.out.printf(Locale.ROOT, "MEDIAN %-21s %8.3f %8.1f %8.2f %8.2f %8s%n", e.getKey(), s, size / MIB / s, cpu, busy,
                    Double.isNaN(other) ? "n/a" : String.format(Locale.ROOT, "%.2f", other));
        }
        System.exit(0);
    }

    private static double median(List<double[]> rows, int col) {
        List<Double> v = new ArrayList<>();
        for (double[] r : rows) {
            v.add(r[col]);
        }
        return PipelineBench.median(v);
    }

    private static long external(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IOException(command + " exited with " + rc);
        }
        return -1;
    }

    /** SHA-256 of {@code total} bytes from a 16 MiB in-memory buffer: the digest's own speed, no I/O. */
    private static long shaInMemory(long total) {
        byte[] b = new byte[16 << 20];
        new SplittableRandom(1).nextBytes(b);
        MessageDigest d = Sha256.newDigest();
        for (long done = 0; done < total; done += b.length) {
            for (int off = 0; off < b.length; off += CHUNK) {
                d.update(b, off, CHUNK);
            }
        }
        d.digest();
        return -1;
    }

    private static long chain(Path in, int chunk, int workers) throws IOException {
        Counting sink = new Counting();
        DigestingOutputStream stored = new DigestingOutputStream(sink);
        DigestingOutputStream plain = new DigestingOutputStream(Compression.zstd(3, workers).encode(stored));
        pump(in, plain, chunk);
        plain.close();
        plain.sha256();
        stored.sha256();
        return sink.count;
    }

    private static long staged(Path in, Path work, int workers, boolean commit) throws IOException {
        Path target = work.resolve("artifact.zst");
        Files.deleteIfExists(target);
        DurableFiles files = new DurableFiles(IoHook.NONE);
        long n;
        try (StagedFile file = files.stage(target)) {
            DigestingOutputStream stored = new DigestingOutputStream(file.stream());
            DigestingOutputStream plain = new DigestingOutputStream(Compression.zstd(3, workers).encode(stored));
            pump(in, plain, CHUNK);
            plain.close();
            if (commit) {
                file.commit();
            }
            plain.sha256();
            stored.sha256();
            n = stored.count();
        }
        Files.deleteIfExists(target);
        return n;
    }

    private static long periodicSync(Path in, Path work, int workers, long every) throws IOException, InterruptedException {
        Path target = work.resolve("artifact.zst");
        Files.deleteIfExists(target);
        Path temp = work.resolve(DurableFiles.TEMP_PREFIX + "artifact.zst-proto");
        long n;
        try (PeriodicSyncFile f = new PeriodicSyncFile(temp, every)) {
            DigestingOutputStream stored = new DigestingOutputStream(f.stream);
            DigestingOutputStream plain = new DigestingOutputStream(Compression.zstd(3, workers).encode(stored));
            pump(in, plain, CHUNK);
            plain.close();
            f.commit(target);
            plain.sha256();
            stored.sha256();
            n = stored.count();
        }
        Files.deleteIfExists(target);
        return n;
    }

    private static long pump(Path input, OutputStream out, int chunk) throws IOException {
        byte[] buf = new byte[chunk];
        long total = 0;
        try (InputStream in = Files.newInputStream(input)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                total += n;
            }
        }
        out.flush();
        return total;
    }

    private static final class Counting extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    /**
     * Prototype of a change to {@code DurableFiles.Staged}: after every {@code every} bytes handed to
     * the channel, a background thread calls {@code force(false)} (fdatasync), so the disk writes
     * overlap compression and the fsync in {@code commit()} only has the tail left to flush.
     * At most one background sync runs at a time; requests during one are coalesced.
     */
    static final class PeriodicSyncFile implements AutoCloseable {
        final OutputStream stream;
        private final Path temp;
        private final FileChannel channel;
        private final Semaphore request = new Semaphore(0);
        private final Thread syncer;
        private volatile boolean stop;
        private volatile IOException syncFailure;
        private boolean committed;

        PeriodicSyncFile(Path temp, long every) throws IOException {
            this.temp = temp;
            this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            this.syncer = new Thread(() -> {
                while (true) {
                    try {
                        request.acquire();
                        request.drainPermits();
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (stop) {
                        return;
                    }
                    try {
                        channel.force(false);
                    } catch (IOException e) {
                        syncFailure = e;
                        return;
                    }
                }
            }, "periodic-fdatasync");
            syncer.setDaemon(true);
            syncer.start();
            this.stream = new BufferedOutputStream(new OutputStream() {
                private long sinceSync;

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    ByteBuffer bb = ByteBuffer.wrap(b, off, len);
                    while (bb.hasRemaining()) {
                        channel.write(bb);
                    }
                    sinceSync += len;
                    if (sinceSync >= every) {
                        sinceSync = 0;
                        request.release();
                    }
                }
            }, 64 * 1024);
        }

        void commit(Path target) throws IOException, InterruptedException {
            stream.flush();
            stop = true;
            request.release();
            syncer.join();
            if (syncFailure != null) {
                throw syncFailure;
            }
            channel.force(true);
            channel.close();
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            DurableFiles.fsyncDirectory(target.getParent());
            committed = true;
        }

        @Override
        public void close() throws IOException {
            stop = true;
            request.release();
            channel.close();
            if (!committed) {
                Files.deleteIfExists(temp);
            }
        }
    }
}
