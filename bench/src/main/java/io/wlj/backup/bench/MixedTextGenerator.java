package io.wlj.backup.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.SplittableRandom;

/**
 * Writes a deterministic (seeded) file of "mixed text" that compresses roughly like a real
 * database dump or log archive: JSON-lines journal entries, CSV rows, application log lines,
 * PostgreSQL COPY text rows and some base64 blobs of random bytes, built from a fixed,
 * seeded vocabulary with a skewed (Zipf-like) word distribution.
 *
 * <p>The same seed and size always give the same bytes ({@link SplittableRandom}'s algorithm
 * is specified), so results from different machines and runs are comparable.
 *
 * <pre>java -cp ... io.wlj.backup.bench.MixedTextGenerator OUT [SIZE_BYTES [SEED]]</pre>
 *
 * If OUT already exists with exactly SIZE_BYTES it is reused, not rewritten.
 */
public final class MixedTextGenerator {
    public static final long DEFAULT_SIZE = 1L << 30;
    public static final long DEFAULT_SEED = 20240601L;

    private static final String[] SYLLABLES = {
        "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "be", "da", "fu", "go", "hi", "ja", "ke", "ly",
        "mo", "nu", "pa", "qu", "re", "si", "tu", "ve", "wa", "xo", "yu", "ze", "an", "er", "in", "on",
        "st", "tr", "ch", "sh", "th", "pl", "gr", "br", "or", "el", "ul", "ar", "es", "is", "os", "us"};
    private static final String[] LEVELS = {"INFO", "INFO", "INFO", "INFO", "DEBUG", "DEBUG", "WARN", "ERROR"};
    private static final String[] ACTIONS = {"login", "logout", "create", "update", "delete", "view", "export",
        "import", "approve", "reject", "checkout", "refund", "search", "upload", "download", "share"};
    private static final String[] STATUSES = {"active", "pending", "closed", "suspended", "archived", "new"};
    private static final String[] COUNTRIES = {"DE", "FR", "US", "GB", "NL", "PL", "ES", "IT", "SE", "AT",
        "CH", "BE", "DK", "NO", "FI", "CZ", "PT", "IE", "CA", "JP"};
    private static final String[] DOMAINS = {"example.com", "mail.test", "corp.invalid", "shop.example",
        "post.example.org", "users.test"};
    private static final int[] HTTP = {200, 200, 200, 200, 200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 409, 500, 503};

    private final SplittableRandom random;
    private final String[] words;
    private final String[] classes;
    private final String[] templates;
    private final Buf buf = new Buf(1 << 20);
    private long time = 1_700_000_000_000L; // epoch millis, advances monotonically
    private long nextId = 1_000_000L;

    MixedTextGenerator(long seed) {
        this.random = new SplittableRandom(seed);
        this.words = new String[2048];
        for (int i = 0; i < words.length; i++) {
            int n = 1 + random.nextInt(4);
            StringBuilder w = new StringBuilder();
            for (int j = 0; j < n; j++) {
                w.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
            }
            words[i] = w.toString();
        }
        this.classes = new String[64];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = "com.acme." + word() + "." + cap(word()) + cap(word()) + "Service";
        }
        // Log messages come from a fixed set of templates in the code that logs them.
        this.templates = new String[512];
        for (int i = 0; i < templates.length; i++) {
            StringBuilder t = new StringBuilder(cap(word()));
            int n = 3 + random.nextInt(10);
            for (int j = 0; j < n; j++) {
                t.append(' ').append(word());
            }
            templates[i] = t.toString();
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: MixedTextGenerator OUT [SIZE_BYTES [SEED]]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        long size = args.length > 1 ? Long.parseLong(args[1]) : DEFAULT_SIZE;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : DEFAULT_SEED;
        if (Files.isRegularFile(out) && Files.size(out) == size) {
            System.out.println("reusing " + out + " (" + size + " bytes)");
            return;
        }
        long t0 = System.nanoTime();
        Path tmp = out.resolveSibling(out.getFileName() + ".partial");
        try (OutputStream os = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            new MixedTextGenerator(seed).write(os, size);
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("wrote %s: %d bytes, seed %d, in %.1f s%n", out, size, seed, s);
    }

    /** Writes exactly {@code size} bytes; the last record is cut short and the file ends in a newline. */
    void write(OutputStream os, long size) throws IOException {
        long written = 0;
        while (written < size) {
            buf.len = 0;
            while (buf.len < buf.data.length - 64 * 1024) {
                record();
            }
            int n = (int) Math.min(buf.len, size - written);
            if (written + n == size) {
                buf.data[n - 1] = '\n';
            }
            os.write(buf.data, 0, n);
            written += n;
        }
    }

    /** One section of 1-40 records of one kind, as dumps and logs come in runs of like lines. */
    private void record() {
        int kind = random.nextInt(100);
        int run = 1 + random.nextInt(40);
        if (kind < 30) {
            for (int i = 0; i < run; i++) jsonLine();
        } else if (kind < 50) {
            csvHeader();
            for (int i = 0; i < run; i++) csvRow();
        } else if (kind < 75) {
            for (int i = 0; i < run; i++) logLine();
        } else if (kind < 98) {
            copyHeader();
            for (int i = 0; i < run; i++) copyRow();
            buf.ascii("\\.\n");
        } else {
            blob();
        }
    }

    private void jsonLine() {
        tick();
        buf.ascii("{\"ts\":\"");
        timestamp('T');
        buf.ascii("Z\",\"level\":\"").ascii(LEVELS[random.nextInt(LEVELS.length)]);
        buf.ascii("\",\"user_id\":").num(1000 + random.nextInt(50_000));
        buf.ascii(",\"action\":\"").ascii(ACTIONS[random.nextInt(ACTIONS.length)]);
        buf.ascii("\",\"path\":\"/api/v1/").ascii(word()).ascii("/").num(random.nextInt(100_000));
        buf.ascii("\",\"status\":").num(HTTP[random.nextInt(HTTP.length)]);
        buf.ascii(",\"latency_ms\":").num(skewed(5000));
        buf.ascii(",\"trace\":\"").hex(random.nextLong()).ascii("\",\"msg\":\"");
        sentence(3 + random.nextInt(12));
        buf.ascii("\"}\n");
    }

    private void csvHeader() {
        buf.ascii("id,name,email,amount,currency,created,country,status,note\n");
    }

    private void csvRow() {
        tick();
        buf.num(nextId++).ascii(",");
        String first = cap(word());
        String last = cap(word());
        buf.ascii(first).ascii(" ").ascii(last).ascii(",");
        buf.ascii(first.toLowerCase()).ascii(".").ascii(last.toLowerCase()).ascii("@")
                .ascii(DOMAINS[random.nextInt(DOMAINS.length)]).ascii(",");
        money();
        buf.ascii(random.nextInt(4) == 0 ? ",USD," : ",EUR,");
        date();
        buf.ascii(",").ascii(COUNTRIES[random.nextInt(COUNTRIES.length)]);
        buf.ascii(",").ascii(STATUSES[random.nextInt(STATUSES.length)]).ascii(",\"");
        sentence(random.nextInt(8));
        buf.ascii("\"\n");
    }

    private void logLine() {
        tick();
        timestamp(' ');
        buf.ascii(" ").ascii(LEVELS[random.nextInt(LEVELS.length)]).ascii(" [worker-").num(random.nextInt(16)).ascii("] ");
        buf.ascii(classes[random.nextInt(classes.length)]).ascii(" - ");
        message();
        buf.ascii(" id=").num(nextId - random.nextInt(10_000)).ascii(" took=").num(skewed(2000)).ascii("ms");
        if (random.nextInt(20) == 0) {
            buf.ascii(" session=").hex(random.nextLong()).hex(random.nextLong());
        }
        buf.ascii("\n");
    }

    private void copyHeader() {
        buf.ascii("COPY public.").ascii(word()).ascii("_").ascii(word())
                .ascii(" (id, account_id, created_at, title, amount, quantity, flag, ref) FROM stdin;\n");
    }

    private void copyRow() {
        tick();
        buf.num(nextId++).ascii("\t").num(1 + random.nextInt(5_000)).ascii("\t");
        timestamp(' ');
        buf.ascii("+00\t");
        sentence(1 + random.nextInt(5));
        buf.ascii("\t");
        money();
        buf.ascii("\t").num(skewed(1000)).ascii("\t").ascii(random.nextBoolean() ? "t" : "f").ascii("\t");
        if (random.nextInt(3) == 0) {
            buf.ascii("\\N");
        } else {
            buf.ascii(word().toUpperCase()).ascii("-").num(random.nextInt(1_000_000));
        }
        buf.ascii("\n");
    }

    /** A base64 blob of random bytes (an attachment, a key, a thumbnail): nearly incompressible. */
    private void blob() {
        byte[] raw = new byte[256 + random.nextInt(2048)];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) random.nextInt(256);
        }
        buf.ascii("-- blob ").num(nextId++).ascii("\n");
        byte[] b64 = Base64.getMimeEncoder().encode(raw);
        buf.bytes(b64).ascii("\n");
    }

    /** A templated message with one variable word and, sometimes, a number. */
    private void message() {
        double u = random.nextDouble();
        buf.ascii(templates[(int) (templates.length * u * u)]).ascii(" ").ascii(word());
        if (random.nextBoolean()) {
            buf.ascii(" ").num(skewed(100_000));
        }
    }

    private void sentence(int n) {
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                buf.ascii(" ");
            }
            buf.ascii(word());
        }
    }

    /** Zipf-like: low indices are far more common. */
    private String word() {
        double u = random.nextDouble();
        int i = (int) (words.length * u * u * u * u);
        return words[i];
    }

    private int skewed(int max) {
        double u = random.nextDouble();
        return (int) (max * u * u * u);
    }

    private void money() {
        buf.num(skewed(100_000)).ascii(".");
        int cents = random.nextInt(100);
        if (cents < 10) {
            buf.ascii("0");
        }
        buf.num(cents);
    }

    private void tick() {
        time += random.nextInt(2000);
    }

    private void date() {
        java.time.LocalDate d = java.time.Instant.ofEpochMilli(time).atOffset(java.time.ZoneOffset.UTC).toLocalDate();
        buf.ascii(d.toString());
    }

    private void timestamp(char sep) {
        java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(time / 1000, (int) (time % 1000) * 1_000_000,
                java.time.ZoneOffset.UTC);
        buf.num4(t.getYear()).ascii("-").num2(t.getMonthValue()).ascii("-").num2(t.getDayOfMonth());
        buf.ch(sep).num2(t.getHour()).ascii(":").num2(t.getMinute()).ascii(":").num2(t.getSecond()).ascii(".");
        int ms = (int) (time % 1000);
        buf.ch((char) ('0' + ms / 100)).ch((char) ('0' + ms / 10 % 10)).ch((char) ('0' + ms % 10));
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** A growable ASCII byte buffer; avoids String formatting so 1 GiB is generated in seconds. */
    private static final class Buf {
        byte[] data;
        int len;

        Buf(int capacity) {
            data = new byte[capacity];
        }

        private void ensure(int n) {
            if (len + n > data.length) {
                data = java.util.Arrays.copyOf(data, Math.max(data.length * 2, len + n));
            }
        }

        Buf ascii(String s) {
            int n = s.length();
            ensure(n);
            s.getBytes(0, n, data, len); // ASCII only, so the deprecated fast path is exact
            len += n;
            return this;
        }

        Buf bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, data, len, b.length);
            len += b.length;
            return this;
        }

        Buf ch(char c) {
            ensure(1);
            data[len++] = (byte) c;
            return this;
        }

        Buf num(long v) {
            return ascii(Long.toString(v));
        }

        Buf num2(int v) {
            return ch((char) ('0' + v / 10 % 10)).ch((char) ('0' + v % 10));
        }

        Buf num4(int v) {
            return num2(v / 100).num2(v % 100);
        }

        Buf hex(long v) {
            String h = Long.toHexString(v);
            for (int i = h.length(); i < 16; i++) {
                ch('0');
            }
            return ascii(h);
        }
    }
}
