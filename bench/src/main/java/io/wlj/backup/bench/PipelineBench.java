package io.wlj.backup.bench;

import io.wlj.backup.BackupResult;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.Compression;
import io.wlj.backup.internal.IoHook;
import io.wlj.backup.repository.ArtifactDetail;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.spi.BackupSource;
import io.wlj.backup.spi.CodecStage;
import io.wlj.backup.spi.SourceContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Pushes one input file through the real backup pipeline, through the public API:
 * {@code BackupSystem.configure().repository(FileSystemRepository.builder(dir).ioHook(timer).initOrOpen())
 * .source(file).compression(Compression.zstd(level[, workers])).build().backup()}. That is
 * plaintext count + SHA-256, zstd (Commons Compress over zstd-jni), stored count + SHA-256,
 * temp file, fsync, rename, directory fsync, manifest and audit journal, exactly as a user gets it.
 *
 * <p>Each iteration uses a fresh repository that is deleted afterwards (so disk use does not grow).
 * The timed region is the {@code backup()} call only. {@code fsyncSeconds} is the artifact's
 * final fsync (timed through the repository's I/O hook, from "fsync" to "rename") and
 * {@code tailSeconds} everything from that fsync to the end of {@code backup()} (fsync, rename,
 * directory fsync, manifest, journal). With one source, {@code BackupRun} runs it on
 * the calling thread, so {@code callerCpuSeconds} is the CPU of reading, both SHA-256s, the hand-off
 * to zstd and the file writes; {@code cpuSeconds} is the whole process, zstd's native workers
 * included. Memory is reported three ways:
 * <ul>
 *   <li>{@code heapSampledMiB}: the largest heap "used" seen by a sampler thread every 2 ms;</li>
 *   <li>{@code heapPoolPeakMiB}: the sum of the heap pools' peak usage since the run started, an
 *       upper bound (pools peak at different moments);</li>
 *   <li>{@code rssPeakMiB}: the process's peak resident set (VmHWM, reset before each run where
 *       Linux allows), which includes zstd's native buffers, not counted in the heap.</li>
 * </ul>
 *
 * <pre>
 * java -Xmx256m -cp CLASSPATH io.wlj.backup.bench.PipelineBench --input FILE --work DIR
 *      [--warmup 1] [--iterations 3] [--level 3] [--workers N] [--chunk 65536] [--keep-last]
 *      [--quiet-wait SECONDS]   (before each measured backup, wait for other processes to go quiet)
 * </pre>
 * Output: one {@code RUN ...} line per iteration and a {@code SUMMARY ...} line, as key=value pairs.
 */
public final class PipelineBench {
    private static final double MIB = 1024.0 * 1024.0;

    public static void main(String[] args) throws Exception {
        Path input = null;
        Path work = Path.of("bench/out/pipeline-work");
        int warmup = 1;
        int iterations = 3;
        int level = 3;
        Integer workers = null;
        int chunk = 64 * 1024;
        boolean keepLast = false;
        int quietWait = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--input" -> input = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--level" -> level = Integer.parseInt(args[++i]);
                case "--workers" -> workers = Integer.parseInt(args[++i]);
                case "--chunk" -> chunk = Integer.parseInt(args[++i]);
                case "--keep-last" -> keepLast = true;
                case "--quiet-wait" -> quietWait = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (input == null || !Files.isRegularFile(input)) {
            throw new IllegalArgumentException("--input FILE is required and must be a file: " + input);
        }
        long size = Files.size(input);
        CodecStage codec = workers == null ? Compression.zstd(level) : Compression.zstd(level, workers);
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "CONFIG input=%s bytes=%d codec=\"%s\" chunk=%d cores=%d maxHeapMiB=%.0f jvm=\"%s %s\" args=\"%s\"%n",
                input, size, codec, chunk, rt.availableProcessors(), rt.maxMemory() / MIB,
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));

        Files.createDirectories(work);
        List<Double> measured = new ArrayList<>();
        List<Run> runs = new ArrayList<>();
        int total = warmup + iterations;
        for (int i = 1; i <= total; i++) {
            boolean isWarmup = i <= warmup;
            Path repoDir = work.resolve("repo-" + i);
            deleteTree(repoDir);
            if (!isWarmup && quietWait > 0) {
                waitQuiet(quietWait);
            }
            Run r = runOnce(input, repoDir, codec, chunk);
            runs.add(r);
            System.out.printf(Locale.ROOT,
                    "RUN phase=%s i=%d seconds=%.3f mibps=%.1f fsyncSeconds=%.3f tailSeconds=%.3f cpuSeconds=%.2f callerCpuSeconds=%.2f otherCpuSeconds=%s stored=%d ratio=%.3f"
                            + " heapSampledMiB=%.1f heapPoolPeakMiB=%.1f heapCommittedMiB=%.1f rssPeakMiB=%s gcCount=%d gcMillis=%d"
                            + " plainSha256=%s%n",
                    isWarmup ? "warmup" : "measured", isWarmup ? i : i - warmup, r.seconds, size / MIB / r.seconds,
                    r.fsyncSeconds, r.tailSeconds,
                    r.cpuSeconds, r.callerCpuSeconds,
                    r.hostBusySeconds < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", Math.max(0, r.hostBusySeconds - r.cpuSeconds)),
                    r.stored,
                    (double) size / r.stored, r.heapSampled / MIB, r.heapPoolPeak / MIB, r.heapCommitted / MIB,
                    r.rssPeak < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", r.rssPeak / MIB), r.gcCount, r.gcMillis,
                    r.plainSha256);
            if (!isWarmup) {
                measured.add(r.seconds);
            }
            if (!(keepLast && i == total)) {
                deleteTree(repoDir);
            } else {
                System.out.println("KEPT " + repoDir.toAbsolutePath());
            }
        }
        List<Run> m = runs.subList(warmup, runs.size());
        double median = median(measured);
        System.out.printf(Locale.ROOT,
                "SUMMARY iterations=%d median_seconds=%.3f median_mibps=%.1f min_seconds=%.3f max_seconds=%.3f stored=%d"
                        + " max_heapSampledMiB=%.1f max_heapPoolPeakMiB=%.1f max_rssPeakMiB=%s%n",
                measured.size(), median, size / MIB / median, measured.stream().mapToDouble(d -> d).min().orElse(0),
                measured.stream().mapToDouble(d -> d).max().orElse(0), runs.get(runs.size() - 1).stored,
                runs.stream().mapToLong(r -> r.heapSampled).max().orElse(0) / MIB,
                runs.stream().mapToLong(r -> r.heapPoolPeak).max().orElse(0) / MIB,
                runs.stream().mapToLong(r -> r.rssPeak).max().orElse(-1) < 0 ? "n/a"
                        : String.format(Locale.ROOT, "%.1f", runs.stream().mapToLong(r -> r.rssPeak).max().getAsLong() / MIB));
        if (m.isEmpty()) {
            System.out.println("(no measured iterations)");
        }
        System.exit(0); // the lock heartbeat executor thread is not a reason to linger
    }

    private record Run(double seconds, double fsyncSeconds, double tailSeconds, double cpuSeconds, double callerCpuSeconds, double hostBusySeconds, long stored, String plainSha256, long heapSampled, long heapPoolPeak,
                       long heapCommitted, long rssPeak, long gcCount, long gcMillis) {
    }

    private static Run runOnce(Path input, Path repoDir, CodecStage codec, int chunk) throws Exception {
        StepTimes steps = new StepTimes();
        BackupSystem system = BackupSystem.configure()
                .repository(FileSystemRepository.builder(repoDir).ioHook(steps).initOrOpen())
                .source(new FileSource(input, chunk))
                .compression(codec)
                .build();
        System.gc();
        List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        boolean rssReset = resetRssPeak();
        long gcCount0 = gcCount();
        long gcMillis0 = gcMillis();
        HeapSampler sampler = new HeapSampler();
        sampler.start();

        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        double busy0 = hostBusySeconds();
        long cpu0 = os.getProcessCpuTime();
        long caller0 = threads.getCurrentThreadCpuTime();
        steps.clear();
        long t0 = System.nanoTime();
        BackupResult result = system.backup();
        long t1 = System.nanoTime();
        long caller1 = threads.getCurrentThreadCpuTime();
        long cpu1 = os.getProcessCpuTime();
        double busy1 = hostBusySeconds();

        sampler.stop();
        long poolPeak = heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        long committed = heapPools.stream().mapToLong(p -> p.getPeakUsage().getCommitted()).sum();
        long rss = rssReset ? rssPeak() : -1;
        ArtifactDetail detail = result.manifest().detail().artifacts().get(0);
        if (detail.plainSize() != Files.size(input)) {
            throw new IllegalStateException("plain size " + detail.plainSize() + " != input size " + Files.size(input));
        }
        String artifact = detail.file();
        long fsyncAt = steps.at("fsync " + artifact);
        long renameAt = steps.at("rename " + artifact);
        double fsync = fsyncAt < 0 || renameAt < 0 ? -1 : (renameAt - fsyncAt) / 1e9;
        double tail = fsyncAt < 0 ? -1 : (t1 - fsyncAt) / 1e9;
        return new Run((t1 - t0) / 1e9, fsync, tail, (cpu1 - cpu0) / 1e9, (caller1 - caller0) / 1e9,
                busy0 < 0 || busy1 < 0 ? -1 : busy1 - busy0, result.manifest().header().storedBytes(), detail.plainSha256(), sampler.max,
                poolPeak, committed, rss, gcCount() - gcCount0, gcMillis() - gcMillis0);
    }

    /**
     * Records when each durable step starts ("create F", "write F", "fsync F", "rename F",
     * "fsync-dir D"), through the repository's public I/O hook, which the real code calls anyway.
     * The artifact's fsync takes from "fsync F" until "rename F".
     */
    private static final class StepTimes implements IoHook {
        private final Map<String, Long> first = new ConcurrentHashMap<>();

        @Override
        public void before(String step) {
            first.putIfAbsent(step, System.nanoTime());
        }

        void clear() {
            first.clear();
        }

        long at(String step) {
            return first.getOrDefault(step, -1L);
        }
    }

    /** Streams one file into one artifact, in {@code chunk}-sized writes, as a source does. */
    private record FileSource(Path file, int chunk) implements BackupSource {
        @Override
        public String name() {
            return "bench";
        }

        @Override
        public String type() {
            return "file";
        }

        @Override
        public void backup(SourceContext context) throws IOException {
            byte[] buf = new byte[chunk];
            try (InputStream in = Files.newInputStream(file); OutputStream out = context.newArtifact("input", "txt")) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                }
            }
        }
    }

    /** Samples heap "used" every 2 ms; the maximum is a real instant's value, unlike summed pool peaks. */
    private static final class HeapSampler implements Runnable {
        private final Thread thread = new Thread(this, "heap-sampler");
        private volatile boolean running = true;
        private volatile long max;

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        @Override
        public void run() {
            var mem = ManagementFactory.getMemoryMXBean();
            long m = 0;
            while (running) {
                m = Math.max(m, mem.getHeapMemoryUsage().getUsed());
                max = m;
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
            max = Math.max(m, mem.getHeapMemoryUsage().getUsed());
        }
    }

    /**
     * Waits (at most {@code maxSeconds}) until other processes use less than 0.15 of a core over a
     * 2-second window, so that a measured backup starts on a quiet machine.
     */
    private static void waitQuiet(int maxSeconds) throws InterruptedException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        int waited = 0;
        while (true) {
            double b0 = hostBusySeconds();
            long c0 = os.getProcessCpuTime();
            Thread.sleep(2000);
            double others = (hostBusySeconds() - b0 - (os.getProcessCpuTime() - c0) / 1e9) / 2;
            if (b0 < 0 || others < 0.15 || System.nanoTime() > deadline) {
                if (waited > 0) {
                    System.out.printf(Locale.ROOT, "WAITED %d s for a quiet machine (others now %.2f cores)%n", waited, others);
                }
                return;
            }
            Thread.sleep(3000);
            waited += 5;
        }
    }

    /**
     * CPU seconds all processes on the machine have used (user, nice, system, irq, softirq, steal
     * from /proc/stat, at USER_HZ = 100); minus this process's CPU it tells whether something else
     * ran during a measurement. -1 where there is no /proc/stat.
     */
    static double hostBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(f[i]);
            }
            return busy / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Linux: writing 5 to /proc/self/clear_refs resets VmHWM (the peak RSS). */
    private static boolean resetRssPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long rssPeak() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = values.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
