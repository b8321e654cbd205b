package io.wlj.backup.bench;

import io.wlj.backup.crypto.OpenPgpDecryptor;
import io.wlj.backup.crypto.OpenPgpEncryptor;
import io.wlj.backup.crypto.PassphraseSource;
import io.wlj.backup.crypto.internal.S2k;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Times the OpenPGP engine of {@code wlj-backup-crypto} through its public API, for comparison
 * with {@code gpg --symmetric} / {@code gpg --decrypt} (see {@code bench/run-crypto-bench.sh}).
 *
 * <pre>
 * java -cp CLASSPATH io.wlj.backup.bench.CryptoBench MODE --passphrase-file P [options]
 *   encrypt --input PLAIN --output MESSAGE [--s2k 255] [--buffer 65536]
 *   decrypt --input MESSAGE --output PLAIN [--buffer 65536] [--sha256]
 *   small   --input PLAIN [--count 2000] [--size 4096] [--per-artifact-count 2000]
 *   profile --input PLAIN [--mib 1024]
 *   common: [--warmup 3] [--warmup-mib 32]   (in-memory encrypt+decrypt round trips before timing)
 *           [--warmup-runs 2]                (encrypt / decrypt: then the timed operation itself, untimed, N
 *                                             times on --input to /dev/null, and a wait until the JIT is idle;
 *                                             0 = the in-memory round trips only)
 * </pre>
 *
 * <p>encrypt / decrypt: after the warm-up, the timed region is the whole message, key derivation
 * included (as a {@code gpg} process pays its own): {@code OpenPgpEncryptor.withPassphrase} (or
 * {@code OpenPgpDecryptor.withPassphrase} plus the first read, which derives the key), then
 * streaming the file through the engine in {@code --buffer} byte reads and writes into
 * {@code --output} (a file, not fsynced; {@code /dev/null} works). JVM start-up and warm-up are
 * not timed. One {@code RUN} line: wall seconds, MiB/s of plaintext, process CPU, CPU of the
 * calling thread and of the engine's helper threads, CPU of other processes on the machine
 * meanwhile (from /proc/stat), S2K derivations in the timed region and their time.
 *
 * <p>small: one backup's worth of small artifacts ({@code --count} slices of {@code --size} bytes
 * of the input), each encrypted in memory as its own message (1) with one encryptor, key derived
 * once; (2) with a new encryptor per artifact (first {@code --per-artifact-count} artifacts);
 * then (3) all messages of (1) decrypted with one decryptor, and checked. Prints {@code SMALL}
 * lines with time and the {@code S2k.derivations()} delta.
 *
 * <p>profile: the engine's building blocks alone, in memory, on {@code --mib} MiB, in the
 * engine's call shapes: the SunJCE AES-256 ECB and chained CBC passes the CFB implementation is
 * built on, SHA-1 (the MDC), the XOR, and a full in-memory encrypt and decrypt through the
 * engine, each with thread CPU.
 */
public final class CryptoBench {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CryptoBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: CryptoBench encrypt|decrypt|small|profile --passphrase-file P ...");
        }
        String mode = args[0];
        Map<String, String> opt = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                opt.put(args[i].substring(2), args[++i]);
            } else {
                opt.put(args[i].substring(2), "true");
            }
        }
        PassphraseSource pass = PassphraseSource.file(Path.of(req(opt, "passphrase-file")));
        int warmups = Integer.parseInt(opt.getOrDefault("warmup", "3"));
        int warmupMiB = Integer.parseInt(opt.getOrDefault("warmup-mib", "32"));
        Path input = Path.of(req(opt, "input"));
        int warmupRuns = Integer.parseInt(opt.getOrDefault("warmup-runs", "2"));
        if (warmups > 0 && !mode.equals("profile")) {
            // A plain message is needed for the round trips; decrypt mode's --input is a message.
            warmUp(mode.equals("decrypt") ? null : input, pass, warmups, warmupMiB);
        }
        if (warmupRuns > 0 && (mode.equals("encrypt") || mode.equals("decrypt"))) {
            warmUpFilePath(mode, input, pass, warmupRuns);
        }
        switch (mode) {
            case "encrypt" -> encrypt(input, Path.of(req(opt, "output")), pass,
                    Integer.parseInt(opt.getOrDefault("s2k", "255")), Integer.parseInt(opt.getOrDefault("buffer", "65536")));
            case "decrypt" -> decrypt(input, Path.of(req(opt, "output")), pass,
                    Integer.parseInt(opt.getOrDefault("buffer", "65536")), opt.containsKey("sha256"));
            case "small" -> small(input, pass, Integer.parseInt(opt.getOrDefault("count", "2000")),
                    Integer.parseInt(opt.getOrDefault("size", "4096")),
                    Integer.parseInt(opt.getOrDefault("per-artifact-count", opt.getOrDefault("count", "2000"))));
            case "profile" -> profile(input, pass, Integer.parseInt(opt.getOrDefault("mib", "1024")));
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
    }

    private static String req(Map<String, String> opt, String key) {
        String v = opt.get(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v;
    }

    // ---------------------------------------------------------------------------------------
    // warm-up

    /**
     * Encrypts and decrypts the first {@code mib} MiB of the input in memory (random bytes when
     * the input is a message), {@code rounds} times.
     */
    private static void warmUp(Path input, PassphraseSource pass, int rounds, int mib) throws IOException {
        byte[] plain = new byte[mib << 20];
        if (input == null) {
            new java.util.Random(mib).nextBytes(plain);
        } else {
            try (InputStream in = Files.newInputStream(input)) {
                int n = in.readNBytes(plain, 0, plain.length);
                plain = Arrays.copyOf(plain, n);
            }
        }
        try (OpenPgpEncryptor enc = OpenPgpEncryptor.withPassphrase(pass);
             OpenPgpDecryptor dec = OpenPgpDecryptor.withPassphrase(pass)) {
            byte[] buf = new byte[64 * 1024];
            for (int r = 0; r < rounds; r++) {
                ByteArrayOutputStream message = new ByteArrayOutputStream(plain.length + 4096);
                try (OutputStream out = enc.encrypt(message)) {
                    for (int off = 0; off < plain.length; off += buf.length) {
                        int n = Math.min(buf.length, plain.length - off);
                        System.arraycopy(plain, off, buf, 0, n);
                        out.write(buf, 0, n);
                    }
                }
                long total = 0;
                try (InputStream in = dec.decrypt(new ByteArrayInputStream(message.toByteArray()))) {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        total += n;
                    }
                }
                if (total != plain.length) {
                    throw new IllegalStateException("warm-up round trip lost bytes");
                }
            }
        }
    }

    /**
     * Runs the timed operation's own code path (file in, /dev/null out, the same stream classes)
     * {@code runs} times untimed on the whole input, each with its own encryptor or decryptor,
     * then waits until the JIT compiler has been idle for a second (at most 30 s). The in-memory
     * round trips alone leave the file path cold; one run is not enough either, since branches
     * taken only when a stream starts were still unprofiled when its hot code was compiled, and
     * the next stream's start deoptimizes and recompiles it. On two cores the compiler threads
     * compete with the engine's two threads; the RUN line's jitSeconds says what is left.
     */
    private static void warmUpFilePath(String mode, Path input, PassphraseSource pass, int runs) throws Exception {
        byte[] buf = new byte[64 * 1024];
        long t0 = System.nanoTime();
        for (int r = 0; r < runs; r++) {
            if (mode.equals("encrypt")) {
                try (OpenPgpEncryptor enc = OpenPgpEncryptor.withPassphrase(pass);
                     InputStream in = Files.newInputStream(input);
                     OutputStream out = enc.encrypt(Files.newOutputStream(Path.of("/dev/null")))) {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        out.write(buf, 0, n);
                    }
                }
            } else {
                try (OpenPgpDecryptor dec = OpenPgpDecryptor.withPassphrase(pass);
                     InputStream in = dec.decrypt(Files.newInputStream(input));
                     OutputStream out = Files.newOutputStream(Path.of("/dev/null"))) {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        out.write(buf, 0, n);
                    }
                }
            }
        }
        long t1 = System.nanoTime();
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long waited = 0;
        if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
            long last = jit.getTotalCompilationTime();
            int quiet = 0;
            while (quiet < 5 && waited < 30_000) {
                Thread.sleep(200);
                waited += 200;
                long now = jit.getTotalCompilationTime();
                quiet = now == last ? quiet + 1 : 0;
                last = now;
            }
        }
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("op", mode);
        kv.put("runs", runs);
        kv.put("seconds", secs(t1 - t0));
        kv.put("jitIdleWaitSeconds", secs(waited * 1_000_000L));
        kv.put("jvmUptimeSeconds", secs(ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L));
        print("WARMUP", kv);
    }

    // ---------------------------------------------------------------------------------------
    // 1 GiB encrypt / decrypt

    private static void encrypt(Path input, Path output, PassphraseSource pass, int s2k, int bufferSize) throws IOException {
        byte[] buf = new byte[bufferSize];
        long bytes = 0;
        Meter m = Meter.start();
        long d0 = S2k.derivations();
        long t0 = System.nanoTime();
        long deriveNanos;
        try (OpenPgpEncryptor enc = OpenPgpEncryptor.withPassphrase(pass, s2k)) {
            deriveNanos = System.nanoTime() - t0;
            try (InputStream in = Files.newInputStream(input);
                 OutputStream out = enc.encrypt(Files.newOutputStream(output))) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    bytes += n;
                }
            }
        }
        long t1 = System.nanoTime();
        m.stop();
        Map<String, Object> kv = runLine("encrypt", bytes, t1 - t0, m);
        kv.put("derivations", S2k.derivations() - d0);
        kv.put("deriveSeconds", secs(deriveNanos));
        kv.put("outBytes", Files.size(output));
        print("RUN", kv);
    }

    private static void decrypt(Path input, Path output, PassphraseSource pass, int bufferSize, boolean sha256)
            throws Exception {
        byte[] buf = new byte[bufferSize];
        long bytes = 0;
        MessageDigest digest = sha256 ? MessageDigest.getInstance("SHA-256") : null;
        Meter m = Meter.start();
        long d0 = S2k.derivations();
        long t0 = System.nanoTime();
        long firstByte = -1;
        try (OpenPgpDecryptor dec = OpenPgpDecryptor.withPassphrase(pass);
             InputStream in = dec.decrypt(Files.newInputStream(input));
             OutputStream out = Files.newOutputStream(output)) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (firstByte < 0) {
                    firstByte = System.nanoTime() - t0;
                }
                out.write(buf, 0, n);
                if (digest != null) {
                    digest.update(buf, 0, n);
                }
                bytes += n;
            }
        }
        long t1 = System.nanoTime();
        m.stop();
        Map<String, Object> kv = runLine("decrypt", bytes, t1 - t0, m);
        kv.put("derivations", S2k.derivations() - d0);
        kv.put("firstByteSeconds", secs(firstByte)); // includes the derivation
        kv.put("inBytes", Files.size(input));
        if (digest != null) {
            kv.put("plainSha256", HexFormat.of().formatHex(digest.digest()));
        }
        print("RUN", kv);
    }

    private static Map<String, Object> runLine(String op, long bytes, long nanos, Meter m) {
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("op", op);
        kv.put("bytes", bytes);
        kv.put("seconds", secs(nanos));
        kv.put("mibps", String.format(Locale.ROOT, "%.1f", bytes / 1048576.0 / (nanos / 1e9)));
        kv.put("cpuSeconds", secs(m.processCpu));
        kv.put("callerCpuSeconds", secs(m.callerCpu));
        kv.put("helperCpuSeconds", secs(m.helperCpu));
        kv.put("otherCpuSeconds", m.otherCpu < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", m.otherCpu));
        kv.put("jitSeconds", secs(m.jitMillis * 1_000_000L));
        return kv;
    }

    // ---------------------------------------------------------------------------------------
    // small artifacts

    private static void small(Path input, PassphraseSource pass, int count, int size, int perArtifactCount)
            throws IOException {
        byte[][] artifacts = new byte[count][];
        try (InputStream in = Files.newInputStream(input)) {
            for (int i = 0; i < count; i++) {
                artifacts[i] = in.readNBytes(size);
            }
        }
        long plainBytes = (long) count * size;

        // (1) one encryptor for the whole backup: the key is derived once
        byte[][] messages = new byte[count][];
        long d0 = S2k.derivations();
        long t0 = System.nanoTime();
        long derive;
        try (OpenPgpEncryptor enc = OpenPgpEncryptor.withPassphrase(pass)) {
            derive = System.nanoTime() - t0;
            for (int i = 0; i < count; i++) {
                messages[i] = encryptOne(enc, artifacts[i]);
            }
        }
        long t1 = System.nanoTime();
        long messageBytes = Arrays.stream(messages).mapToLong(b -> b.length).sum();
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("case", "encrypt-one-encryptor");
        kv.put("artifacts", count);
        kv.put("artifactBytes", size);
        kv.put("seconds", secs(t1 - t0));
        kv.put("deriveSeconds", secs(derive));
        kv.put("msPerArtifact", String.format(Locale.ROOT, "%.4f", (t1 - t0) / 1e6 / count));
        kv.put("msPerArtifactAfterDerive", String.format(Locale.ROOT, "%.4f", (t1 - t0 - derive) / 1e6 / count));
        kv.put("derivations", S2k.derivations() - d0);
        kv.put("plainBytes", plainBytes);
        kv.put("messageBytes", messageBytes);
        print("SMALL", kv);

        // (2) a new encryptor (a new derivation) per artifact
        d0 = S2k.derivations();
        t0 = System.nanoTime();
        for (int i = 0; i < perArtifactCount; i++) {
            try (OpenPgpEncryptor enc = OpenPgpEncryptor.withPassphrase(pass)) {
                encryptOne(enc, artifacts[i]);
            }
        }
        t1 = System.nanoTime();
        kv = new LinkedHashMap<>();
        kv.put("case", "encrypt-encryptor-per-artifact");
        kv.put("artifacts", perArtifactCount);
        kv.put("artifactBytes", size);
        kv.put("seconds", secs(t1 - t0));
        kv.put("msPerArtifact", String.format(Locale.ROOT, "%.4f", (t1 - t0) / 1e6 / perArtifactCount));
        kv.put("projectedSecondsFor" + count, String.format(Locale.ROOT, "%.3f", (t1 - t0) / 1e9 * count / perArtifactCount));
        kv.put("derivations", S2k.derivations() - d0);
        print("SMALL", kv);

        // (3) one decryptor for the whole restore: keys cached by S2K salt
        byte[] buf = new byte[64 * 1024];
        d0 = S2k.derivations();
        t0 = System.nanoTime();
        try (OpenPgpDecryptor dec = OpenPgpDecryptor.withPassphrase(pass)) {
            for (int i = 0; i < count; i++) {
                ByteArrayOutputStream plain = new ByteArrayOutputStream(size);
                try (InputStream in = dec.decrypt(new ByteArrayInputStream(messages[i]))) {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        plain.write(buf, 0, n);
                    }
                }
                if (!Arrays.equals(plain.toByteArray(), artifacts[i])) {
                    throw new IllegalStateException("artifact " + i + " did not decrypt to its plaintext");
                }
            }
        }
        t1 = System.nanoTime();
        kv = new LinkedHashMap<>();
        kv.put("case", "decrypt-one-decryptor");
        kv.put("artifacts", count);
        kv.put("seconds", secs(t1 - t0));
        kv.put("msPerArtifact", String.format(Locale.ROOT, "%.4f", (t1 - t0) / 1e6 / count));
        kv.put("derivations", S2k.derivations() - d0);
        kv.put("allMatch", true);
        print("SMALL", kv);
    }

    private static byte[] encryptOne(OpenPgpEncryptor enc, byte[] plain) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream(plain.length + 128);
        try (OutputStream out = enc.encrypt(message)) {
            out.write(plain);
        }
        return message.toByteArray();
    }

    // ---------------------------------------------------------------------------------------
    // profile: the building blocks alone

    private static void profile(Path input, PassphraseSource pass, int mib) throws Exception {
        byte[] data = new byte[64 << 20];
        try (InputStream in = Files.newInputStream(input)) {
            in.readNBytes(data, 0, data.length);
        }
        int passes = Math.max(1, mib / 64);
        long bytes = (long) passes * data.length;
        byte[] out = new byte[64 * 1024 + 16];
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        SecretKeySpec spec = new SecretKeySpec(key, "AES");
        for (int round = 0; round < 3; round++) {
            List<Map<String, Object>> lines = new ArrayList<>();
            // The engine's call shapes: 16 KiB update calls; the CBC chain is initialised once.
            Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding", "SunJCE");
            ecb.init(Cipher.ENCRYPT_MODE, spec);
            lines.add(block("aes256-ecb-16k (decryption keystream, split over both threads)", bytes, () -> {
                for (int p = 0; p < passes; p++) {
                    for (int off = 0; off < data.length; off += 16384) {
                        ecb.update(data, off, 16384, out, 0);
                    }
                }
            }));
            Cipher cbc = Cipher.getInstance("AES/CBC/NoPadding", "SunJCE");
            byte[] iv = new byte[16];
            cbc.init(Cipher.ENCRYPT_MODE, spec, new IvParameterSpec(iv));
            lines.add(block("aes256-cbc-16k-chained (encryption keystream, serial)", bytes, () -> {
                for (int p = 0; p < passes; p++) {
                    for (int off = 0; off < data.length; off += 16384) {
                        cbc.update(data, off, 16384, out, 0);
                    }
                }
            }));
            Cipher cfb = Cipher.getInstance("AES/CFB/NoPadding", "SunJCE");
            cfb.init(Cipher.DECRYPT_MODE, spec, new IvParameterSpec(iv));
            lines.add(block("aes256-cfb-sunjce-64k (not used by the engine)", bytes, () -> {
                for (int p = 0; p < passes; p++) {
                    for (int off = 0; off < data.length; off += 65536) {
                        cfb.update(data, off, 65536, out, 0);
                    }
                }
            }));
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            lines.add(block("sha1-16k (MDC)", bytes, () -> {
                for (int p = 0; p < passes; p++) {
                    for (int off = 0; off < data.length; off += 16384) {
                        sha1.update(data, off, 16384);
                    }
                }
                sha1.digest();
            }));
            byte[] window = Arrays.copyOf(data, 65536);
            lines.add(block("xor-64k (one index for both arrays, as in the engine)", bytes, () -> {
                for (int p = 0; p < passes; p++) {
                    for (int off = 0; off < data.length; off += 65536) {
                        xor(out, window);
                    }
                }
            }));
            long d0 = S2k.derivations();
            lines.add(block("s2k-derive-count-255 (x1, SHA-256 of 65,011,712 bytes)", 65011712L, () -> {
                OpenPgpEncryptor.withPassphrase(pass).close();
            }));
            if (S2k.derivations() - d0 != 1) {
                throw new IllegalStateException("expected one derivation");
            }
            // The engine in memory: encrypt the 64 MiB buffer `passes` times into a counting sink,
            // then decrypt one in-memory message of 64 MiB `passes` times.
            try (OpenPgpEncryptor enc = OpenPgpEncryptor.withPassphrase(pass);
                 OpenPgpDecryptor dec = OpenPgpDecryptor.withPassphrase(pass)) {
                lines.add(block("engine-encrypt-in-memory", bytes, () -> {
                    for (int p = 0; p < passes; p++) {
                        try (OutputStream o = enc.encrypt(OutputStream.nullOutputStream())) {
                            for (int off = 0; off < data.length; off += 65536) {
                                o.write(data, off, 65536);
                            }
                        }
                    }
                }));
                ByteArrayOutputStream msg = new ByteArrayOutputStream(data.length + 65536);
                try (OutputStream o = enc.encrypt(msg)) {
                    o.write(data);
                }
                byte[] message = msg.toByteArray();
                msg = null;
                byte[] rbuf = new byte[65536];
                dec.decrypt(new ByteArrayInputStream(message)).readAllBytes(); // derive the key outside the timing
                lines.add(block("engine-decrypt-in-memory", bytes, () -> {
                    for (int p = 0; p < passes; p++) {
                        try (InputStream in = dec.decrypt(new ByteArrayInputStream(message))) {
                            while (in.read(rbuf) >= 0) {
                                // discard
                            }
                        }
                    }
                }));
            }
            for (Map<String, Object> kv : lines) {
                kv.put("round", round + 1);
                print("PROFILE", kv);
            }
        }
    }

    /** x[i] ^= y[i] over 64 KiB: one index for both arrays, like the engine's XOR, which C2 vectorizes. */
    private static void xor(byte[] x, byte[] y) {
        for (int i = 0; i < 65536; i++) {
            x[i] = (byte) (x[i] ^ y[i]);
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Map<String, Object> block(String name, long bytes, Body body) throws Exception {
        Meter m = Meter.start();
        long t0 = System.nanoTime();
        body.run();
        long t1 = System.nanoTime();
        m.stop();
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("what", name.replace(' ', '_'));
        kv.put("bytes", bytes);
        kv.put("seconds", secs(t1 - t0));
        kv.put("mibps", String.format(Locale.ROOT, "%.1f", bytes / 1048576.0 / ((t1 - t0) / 1e9)));
        kv.put("cpuSeconds", secs(m.processCpu));
        kv.put("callerCpuSeconds", secs(m.callerCpu));
        kv.put("helperCpuSeconds", secs(m.helperCpu));
        kv.put("otherCpuSeconds", m.otherCpu < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", m.otherCpu));
        return kv;
    }

    // ---------------------------------------------------------------------------------------
    // measurement helpers

    /** CPU of this process, of the calling thread, of the engine's helper threads, and of other processes. */
    private static final class Meter {
        private long process0;
        private long caller0;
        private Map<Long, Long> helpers0;
        private double busy0;
        long processCpu;
        long callerCpu;
        long helperCpu;
        double otherCpu;
        private long jit0;
        long jitMillis;

        static Meter start() {
            Meter m = new Meter();
            m.jit0 = jitMillis();
            m.helpers0 = helperCpu();
            m.busy0 = busySeconds();
            m.process0 = processCpuNanos();
            m.caller0 = THREADS.getCurrentThreadCpuTime();
            return m;
        }

        void stop() {
            callerCpu = THREADS.getCurrentThreadCpuTime() - caller0;
            jitMillis = jitMillis() - jit0;
            processCpu = processCpuNanos() - process0;
            double busy1 = busySeconds();
            Map<Long, Long> helpers1 = helperCpu();
            helperCpu = 0;
            for (Map.Entry<Long, Long> e : helpers1.entrySet()) {
                helperCpu += e.getValue() - helpers0.getOrDefault(e.getKey(), 0L);
            }
            otherCpu = busy0 < 0 || busy1 < 0 ? -1 : Math.max(0, busy1 - busy0 - processCpu / 1e9);
        }

        private static Map<Long, Long> helperCpu() {
            Map<Long, Long> cpu = new HashMap<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("wlj-openpgp-helper-")) {
                    cpu.put(t.getId(), THREADS.getThreadCpuTime(t.getId()));
                }
            }
            return cpu;
        }

        /** JIT compilation time so far (the compiler threads compete with the engine for the cores). */
        private static long jitMillis() {
            java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
        }

        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }

        /** CPU seconds used by the whole machine so far (user nice system irq softirq steal), -1 if unknown. */
        private static double busySeconds() {
            try {
                String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
                String[] f = line.trim().split("\\s+");
                long ticks = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3])
                        + Long.parseLong(f[6]) + Long.parseLong(f[7]) + Long.parseLong(f[8]);
                return ticks / 100.0; // USER_HZ is 100 on Linux
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
    }

    private static String secs(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }

    private static void print(String tag, Map<String, Object> kv) {
        StringBuilder sb = new StringBuilder(tag);
        kv.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        System.out.println(sb);
    }
}
