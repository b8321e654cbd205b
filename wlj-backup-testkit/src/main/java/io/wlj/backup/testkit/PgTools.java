package io.wlj.backup.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL client tools ({@code pg_dump}, {@code psql}, {@code pg_restore}) as test
 * oracles.
 *
 * <p>Tools are looked up in the directory named by {@value #BIN_DIRECTORY_ENV} when that is set
 * (and only there, so a test run can pin one installation), otherwise on {@code PATH}. A test
 * that needs an absent tool calls {@link #require(String)}: the test is skipped with the reason,
 * or fails when {@value #REQUIRE_TOOLS_ENV}{@code =1} (as in CI), so CI cannot pass by skipping.
 *
 * <p>pg_dump refuses servers of a newer major version than its own, so before using it as an
 * oracle ask {@link #canDump(int)}, and use {@link CatalogSnapshot} where it cannot.
 *
 * <p>Connection details reach the tools through the environment ({@code PGHOST},
 * {@code PGPORT}, {@code PGUSER}, {@code PGDATABASE}, and {@code PGPASSWORD}, so the password is
 * never on a command line that {@code ps} shows); other {@code PG*} variables of this process
 * are not passed on, so a developer's settings cannot redirect a test.
 */
public final class PgTools {
    /** Environment variable naming the directory to take the tools from instead of {@code PATH}. */
    public static final String BIN_DIRECTORY_ENV = "WLJ_PG_BIN";

    /** Environment variable that, set to {@code 1}, turns a missing tool from a skip into a failure. */
    public static final String REQUIRE_TOOLS_ENV = "WLJ_REQUIRE_TOOLS";

    /** Lines of pg_dump output that differ between two dumps of the same database. */
    private static final Pattern VOLATILE_LINE = Pattern.compile(
            "^(-- Dumped from database version .*|-- Dumped by pg_dump version .*|\\\\restrict .*|\\\\unrestrict .*)$");
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");
    private static final long TIMEOUT_MINUTES = 10;
    private static final Map<Path, Integer> VERSIONS = new ConcurrentHashMap<>();

    private PgTools() {
    }

    /** The result of a psql run: its exit code (0 success, 3 an SQL error with ON_ERROR_STOP) and its output. */
    public record PsqlResult(int exitCode, String stdout, String stderr) {
    }

    /** Where {@code tool} is ({@code pg_dump}, {@code psql}...), if installed. */
    public static Optional<Path> find(String tool) {
        return find(tool, System.getenv());
    }

    static Optional<Path> find(String tool, Map<String, String> environment) {
        if (!tool.matches("[a-z_]+")) {
            throw new IllegalArgumentException("Not a PostgreSQL tool name: '" + tool + "'");
        }
        String binDirectory = environment.get(BIN_DIRECTORY_ENV);
        List<String> directories = binDirectory != null && !binDirectory.isBlank()
                ? List.of(binDirectory)
                : List.of(environment.getOrDefault("PATH", "/usr/bin:/bin").split(":"));
        return directories.stream()
                .filter(directory -> !directory.isEmpty())
                .map(directory -> Path.of(directory, tool))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** The major version of {@code tool} ({@code 15} for pg_dump 15.18), if installed. */
    public static OptionalInt majorVersion(String tool) {
        Optional<Path> path = find(tool);
        if (path.isEmpty()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(VERSIONS.computeIfAbsent(path.get(), PgTools::queryMajorVersion));
    }

    /**
     * The path of {@code tool}; when it is not installed, skips the calling test with the reason,
     * or fails it when {@value #REQUIRE_TOOLS_ENV}{@code =1}.
     */
    public static Path require(String tool) {
        return require(tool, System.getenv());
    }

    static Path require(String tool, Map<String, String> environment) {
        Optional<Path> path = find(tool, environment);
        if (path.isPresent()) {
            return path.get();
        }
        String binDirectory = environment.get(BIN_DIRECTORY_ENV);
        String where = binDirectory != null && !binDirectory.isBlank() ? "in " + BIN_DIRECTORY_ENV + "=" + binDirectory : "on PATH";
        String reason = "'" + tool + "' is not installed (looked " + where + "); this test needs it as an oracle";
        if ("1".equals(environment.get(REQUIRE_TOOLS_ENV))) {
            Assertions.fail(reason + " and " + REQUIRE_TOOLS_ENV + "=1 is set");
        }
        return Assumptions.abort(reason);
    }

    /** True when pg_dump is installed and can dump a server of {@code serverMajor} (it is at least as new). */
    public static boolean canDump(int serverMajor) {
        OptionalInt version = majorVersion("pg_dump");
        return version.isPresent() && version.getAsInt() >= serverMajor;
    }

    /**
     * {@code pg_dump --schema-only --no-owner --no-acl} of {@code database}, without the lines
     * that differ between two dumps of the same database (the server and pg_dump versions, and
     * the random {@code \restrict} key), so that equal schemas give equal text.
     *
     * @throws IllegalStateException when pg_dump is older than the server or fails
     */
    public static String dumpSchema(TestDatabase database) {
        Path dump = tempFile("schema", ".sql");
        try {
            dump(database, dump, List.of("--schema-only", "--no-owner", "--no-acl"));
            return withoutVolatileLines(Files.readString(dump, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(dump);
        }
    }

    /**
     * Runs pg_dump on {@code database} with {@code options}, writing to {@code file} (plain SQL
     * unless the options choose another format); skips or fails the test as {@link #require}
     * when pg_dump is absent.
     *
     * @throws IllegalStateException when pg_dump is older than the server or fails
     */
    public static void dump(TestDatabase database, Path file, List<String> options) {
        Path pgDump = require("pg_dump");
        int toolMajor = majorVersion("pg_dump").orElseThrow();
        if (toolMajor < database.serverMajorVersion()) {
            throw new IllegalStateException("pg_dump " + toolMajor + " (" + pgDump + ") cannot dump PostgreSQL "
                    + database.serverMajorVersion() + "; check PgTools.canDump first or point " + BIN_DIRECTORY_ENV
                    + " at a newer installation.");
        }
        List<String> command = new ArrayList<>();
        command.add(pgDump.toString());
        command.addAll(options);
        command.add("--file=" + file);
        PsqlResult result = run(command, database);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("pg_dump of " + database.name() + " exited " + result.exitCode() + ": " + result.stderr());
        }
    }

    /**
     * {@code psql -X -v ON_ERROR_STOP=1 -f file} on {@code database}: exit code 0 when every
     * statement succeeded, 3 when one failed (the rest is not run), with standard error for the
     * message. Skips or fails the test as {@link #require} when psql is absent.
     */
    public static PsqlResult psqlFile(TestDatabase database, Path file) {
        Path psql = require("psql");
        return run(List.of(psql.toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file.toString()), database);
    }

    /** {@code dump} without the lines that change from one pg_dump run to the next. */
    static String withoutVolatileLines(String dump) {
        return dump.lines().filter(line -> !VOLATILE_LINE.matcher(line).matches()).collect(Collectors.joining("\n", "", "\n"));
    }

    /** The major version in a {@code --version} line such as "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)". */
    static int parseMajorVersion(String versionOutput) {
        Matcher matcher = VERSION.matcher(versionOutput);
        if (!matcher.find()) {
            throw new IllegalStateException("Not a PostgreSQL tool version: '" + versionOutput.strip() + "'");
        }
        return Integer.parseInt(matcher.group(1));
    }

    private static int queryMajorVersion(Path tool) {
        PsqlResult result = run(List.of(tool.toString(), "--version"), null);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(tool + " --version exited " + result.exitCode() + ": " + result.stderr());
        }
        return parseMajorVersion(result.stdout());
    }

    /** Runs {@code command}, connected to {@code database} through the environment when it is not null. */
    private static PsqlResult run(List<String> command, TestDatabase database) {
        Path out = tempFile("out", ".txt");
        Path err = tempFile("err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            Map<String, String> environment = builder.environment();
            environment.keySet().removeIf(name -> name.startsWith("PG"));
            if (database != null) {
                environment.put("PGHOST", database.host());
                environment.put("PGPORT", Integer.toString(database.port()));
                environment.put("PGUSER", database.user());
                environment.put("PGPASSWORD", database.password());
                // From the environment the name is taken as is, never parsed as a connection string.
                environment.put("PGDATABASE", database.name());
                environment.put("PGCLIENTENCODING", "UTF8");
                environment.put("PGAPPNAME", "wlj-backup-testkit");
            }
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish within " + TIMEOUT_MINUTES + " minutes.");
            }
            return new PsqlResult(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command.get(0), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static Path tempFile(String prefix, String suffix) {
        try {
            return Files.createTempFile("wlj-pgtools-" + prefix, suffix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A leftover temporary file is not worth failing a test for.
        }
    }
}
