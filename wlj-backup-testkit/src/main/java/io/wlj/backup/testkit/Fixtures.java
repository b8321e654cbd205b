package io.wlj.backup.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Databases full of what breaks backup tools.
 *
 * <p>{@link #loadEverything(TestDatabase)} fills a database with every kind of object a
 * PostgreSQL backup must carry (types, sequences, partitioned and inherited tables, every
 * constraint and index kind, views, functions, triggers, rules, row-level security, comments,
 * extended statistics, quoted and reserved-word names...) and with hostile values (NULL next to
 * empty strings, backslashes, control characters, a line that is exactly {@code \.}, 4-byte
 * and combining characters, NaN, infinities and -0, infinite dates, all 256 byte values, text
 * and bytea over 10 MB, multi-dimensional arrays, rows that violate NOT VALID constraints,
 * foreign-key cycles). The script is {@value #EVERYTHING_RESOURCE} on the classpath; its
 * comments say what each part is there to catch. It loads on PostgreSQL 14 to 17, takes about
 * a second; its two large values are over 10 MB each.
 *
 * <p>It also creates the role {@value #READER_ROLE} (used by row-level security policies) if
 * the server lacks it; roles belong to the server, so the role outlives the database.
 */
public final class Fixtures {
    /** Classpath resource of the script {@link #loadEverything} runs. */
    public static final String EVERYTHING_RESOURCE = "io/wlj/backup/testkit/fixtures/everything.sql";

    /** The role the fixture's policies name, created on the server when missing. */
    public static final String READER_ROLE = "wlj_fixture_reader";

    private Fixtures() {
    }

    /** The text of the fixture script, for tools that load it themselves (psql, a restore under test). */
    public static String everythingSql() {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(EVERYTHING_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Fixture " + EVERYTHING_RESOURCE + " is not on the classpath.");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs the fixture script on {@code database}, which should be empty, in one transaction:
     * either all of it is there afterwards or none.
     *
     * @throws IllegalStateException naming the failing statement's error if the script fails
     */
    public static void loadEverything(TestDatabase database) {
        String script = everythingSql();
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute(script);
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw new IllegalStateException("Fixture " + EVERYTHING_RESOURCE + " failed on " + database + ": " + e.getMessage(), e);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not load fixture into " + database + ": " + e.getMessage(), e);
        }
    }
}
