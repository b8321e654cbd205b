package io.wlj.backup.postgres.internal;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.postgres.PostgresSource;
import io.wlj.backup.spi.SourceContext;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pg_dump engine: runs {@code pg_dump --format=custom} and stores its archive, unchanged, as
 * the artifact {@code pg_dump} (through the same compression, encryption and checksums). The
 * server's major version is checked against pg_dump's first, because pg_dump refuses newer
 * servers; that refusal is explained in one sentence before anything is written.
 */
public final class PgDumpArchive {
    public static final String ARTIFACT = "pg_dump";
    private static final Pattern VERSION = Pattern.compile("pg_dump \\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");

    private final PostgresSource source;

    public PgDumpArchive(PostgresSource source) {
        this.source = source;
    }

    public void backup(SourceContext context) throws IOException {
        Path binary = source.pgDump() != null ? source.pgDump() : findOnPath();
        int dumpMajor = majorVersion(binary);
        int serverMajor;
        String serverVersion;
        try (Connection c = source.database().connect()) {
            serverMajor = Integer.parseInt(Sql.value(c, "SHOW server_version_num")) / 10000;
            serverVersion = Sql.value(c, "SHOW server_version");
        } catch (SQLException e) {
            throw new BackupException(ErrorCode.SOURCE_FAILED, "Cannot read the server version of " + source.database() + ": "
                    + Failures.describe(e) + ".", null);
        }
        if (serverMajor > dumpMajor) {
            throw BackupException.badInput("The server runs PostgreSQL " + serverMajor + " but " + binary + " is pg_dump " + dumpMajor
                    + ", which cannot dump newer servers; install pg_dump " + serverMajor + " or use the jdbc engine.");
        }
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "--format=custom", "--compress=0", "--no-password");
        source.database().applyTo(pb);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> tail(p.getErrorStream()));
        long bytes;
        try (OutputStream out = context.newArtifact(ARTIFACT, "pgdump"); InputStream in = p.getInputStream()) {
            bytes = in.transferTo(out);
            int exit = p.waitFor();
            if (exit != 0) {
                throw new BackupException(ErrorCode.SOURCE_FAILED, "pg_dump failed (exit " + exit + "): " + stderr.join().strip()
                        + ". Nothing was sealed.");
            }
            if (bytes == 0) {
                throw new BackupException(ErrorCode.SOURCE_FAILED, "pg_dump wrote nothing; nothing was sealed.");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BackupException(ErrorCode.CANCELLED, "The backup was interrupted.");
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
        context.metadata("engine", "pg_dump");
        context.metadata("pgDumpVersion", dumpMajor);
        context.metadata("serverVersion", serverVersion);
        context.metadata("database", source.database().databaseName());
        context.metadata("archiveBytes", bytes);
        context.instructions("  A pg_dump " + dumpMajor + " custom-format archive (artifact pg_dump, format pgdump). Decode it as above into\n"
                + "  FILE.dump, then: pg_restore --exit-on-error -d EMPTY_DATABASE FILE.dump (pg_restore " + dumpMajor + " or newer).\n");
    }

    private static String tail(InputStream err) {
        try {
            byte[] all = err.readAllBytes(); // pg_dump's error output is short; bounded below anyway
            String s = new String(all, StandardCharsets.UTF_8);
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "";
        }
    }

    private static Path findOnPath() {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "pg_dump");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw BackupException.badInput("The pg_dump engine needs the pg_dump binary, which is not on the PATH; install it, "
                + "configure its location, or use the jdbc engine.");
    }

    static int majorVersion(Path binary) throws IOException {
        Process p = new ProcessBuilder(List.of(binary.toString(), "--version")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Matcher m = VERSION.matcher(out);
        if (!m.find()) {
            throw BackupException.badInput(binary + " does not look like pg_dump (its --version says: " + out.strip() + ").");
        }
        return Integer.parseInt(m.group(1));
    }
}
