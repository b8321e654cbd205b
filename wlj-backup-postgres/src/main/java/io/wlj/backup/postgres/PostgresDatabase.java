package io.wlj.backup.postgres;

import io.wlj.backup.BackupException;
import io.wlj.backup.ErrorCode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Where a PostgreSQL database is and how to log in: a JDBC URL with a user and a password from
 * an environment variable or a supplier, or a {@link DataSource} the host application already
 * has. Immutable; every {@code with}-style method returns a copy. The password is read only when
 * a connection is opened and never appears in {@link #toString()}, messages or logs.
 */
public final class PostgresDatabase {
    private static final Pattern URL = Pattern.compile("jdbc:postgresql://([^/?#]*)/([^?#]*)(\\?.*)?");

    private final String url;
    private final String user;
    private final Supplier<char[]> password;
    private final String passwordDescription;
    private final DataSource dataSource;
    private final Map<String, String> options;

    private PostgresDatabase(String url, String user, Supplier<char[]> password, String passwordDescription, DataSource dataSource,
                             Map<String, String> options) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.passwordDescription = passwordDescription;
        this.dataSource = dataSource;
        this.options = Map.copyOf(options);
    }

    /**
     * A database by JDBC URL, {@code jdbc:postgresql://host[:port]/database[?options]}. Credentials
     * may be in the URL's options ({@code user=}, {@code password=}) or given with {@link #user}
     * and {@link #password}/{@link #passwordFromEnv}.
     */
    public static PostgresDatabase url(String jdbcUrl) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!URL.matcher(jdbcUrl).matches()) {
            throw BackupException.badInput("'" + redact(jdbcUrl) + "' is not a PostgreSQL JDBC URL; expected "
                    + "jdbc:postgresql://HOST[:PORT]/DATABASE[?options].");
        }
        return new PostgresDatabase(jdbcUrl, null, null, null, null, Map.of());
    }

    /** A database reached through the host application's own pool or data source. */
    public static PostgresDatabase of(DataSource dataSource) {
        return new PostgresDatabase(null, null, null, null, Objects.requireNonNull(dataSource, "dataSource"), Map.of());
    }

    /** The user to log in as (overrides a {@code user=} URL option). */
    public PostgresDatabase user(String user) {
        requireUrl("user");
        return new PostgresDatabase(url, Objects.requireNonNull(user, "user"), password, passwordDescription, null, options);
    }

    /**
     * The password, asked for each time a connection is opened; the returned array is zeroed
     * after use.
     */
    public PostgresDatabase password(Supplier<char[]> password) {
        requireUrl("password");
        return new PostgresDatabase(url, user, Objects.requireNonNull(password, "password"), "a supplied password", null, options);
    }

    /** The password from environment variable {@code name}; missing or empty is an error when connecting. */
    public PostgresDatabase passwordFromEnv(String name) {
        requireUrl("password");
        Objects.requireNonNull(name, "name");
        Supplier<char[]> fromEnv = () -> {
            String value = System.getenv(name);
            if (value == null || value.isEmpty()) {
                throw BackupException.badInput("The database password was to come from the environment variable " + name
                        + ", which is not set.");
            }
            return value.toCharArray();
        };
        return new PostgresDatabase(url, user, fromEnv, "environment variable " + name, null, options);
    }

    /** The same server and credentials, another database (for example {@code postgres} to create one). */
    public PostgresDatabase withDatabase(String database) {
        requireUrl("another database");
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalStateException("unparsable URL");
        }
        String rest = m.group(3) == null ? "" : m.group(3);
        return new PostgresDatabase("jdbc:postgresql://" + m.group(1) + "/" + urlEncode(database) + rest, user, password,
                passwordDescription, null, options);
    }

    /** A PgJDBC connection property, such as {@code sslmode}; overrides the same option in the URL. */
    public PostgresDatabase option(String key, String value) {
        requireUrl("a driver option");
        if ("password".equalsIgnoreCase(Objects.requireNonNull(key, "key"))) {
            throw new IllegalArgumentException("Give the password with password(...) or passwordFromEnv(...), not as an option.");
        }
        Map<String, String> next = new java.util.HashMap<>(options);
        next.put(key, Objects.requireNonNull(value, "value"));
        return new PostgresDatabase(url, user, password, passwordDescription, null, next);
    }

    /**
     * Points a client binary such as {@code pg_dump} at this database: sets {@code PGHOST},
     * {@code PGPORT}, {@code PGDATABASE}, {@code PGUSER} and {@code PGPASSWORD} in the child's
     * environment (never on its command line, where other users could read it).
     */
    public void applyTo(ProcessBuilder process) {
        requireUrl("a client binary");
        Matcher m = URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalStateException("unparsable URL");
        }
        Map<String, String> env = process.environment();
        String hostPort = m.group(1);
        int colon = hostPort.lastIndexOf(':');
        boolean hasPort = colon > 0 && hostPort.indexOf(']') < colon;
        env.put("PGHOST", hasPort ? hostPort.substring(0, colon) : hostPort.isEmpty() ? "localhost" : hostPort);
        if (hasPort) {
            env.put("PGPORT", hostPort.substring(colon + 1));
        }
        env.put("PGDATABASE", databaseName());
        Map<String, String> options = new java.util.HashMap<>();
        if (m.group(3) != null) {
            for (String kv : m.group(3).substring(1).split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    options.put(kv.substring(0, eq), java.net.URLDecoder.decode(kv.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        String u = user != null ? user : options.get("user");
        if (u != null) {
            env.put("PGUSER", u);
        }
        if (password != null) {
            char[] p = password.get();
            try {
                env.put("PGPASSWORD", new String(p));
            } finally {
                Arrays.fill(p, '\0');
            }
        } else if (options.containsKey("password")) {
            env.put("PGPASSWORD", options.get("password"));
        }
    }

    /** The database name in the URL, or empty for a data source. */
    public String databaseName() {
        if (url == null) {
            return "";
        }
        Matcher m = URL.matcher(url);
        return m.matches() ? java.net.URLDecoder.decode(m.group(2), java.nio.charset.StandardCharsets.UTF_8) : "";
    }

    /** True when this database is reached through a {@link DataSource}. */
    public boolean isDataSource() {
        return dataSource != null;
    }

    /**
     * Opens a connection. Failures are one sentence that names the server but never the password.
     */
    public Connection connect() {
        try {
            if (dataSource != null) {
                return dataSource.getConnection();
            }
            Properties props = new Properties();
            if (user != null) {
                props.setProperty("user", user);
            }
            props.setProperty("ApplicationName", "wlj-backup");
            options.forEach(props::setProperty);
            if (password != null) {
                char[] p = password.get();
                try {
                    props.setProperty("password", new String(p));
                } finally {
                    Arrays.fill(p, '\0');
                }
            }
            return DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            throw new BackupException(connectCode(e), "Cannot connect to " + this + ": " + firstLine(e.getMessage()) + ".", null);
        }
    }

    private static ErrorCode connectCode(SQLException e) {
        String state = e.getSQLState();
        // 28xxx: authentication or authorization; 3D000: no such database. Bad input, not an outage.
        return state != null && (state.startsWith("28") || state.equals("3D000")) ? ErrorCode.BAD_INPUT : ErrorCode.SOURCE_FAILED;
    }

    static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        String line = message.strip();
        int nl = line.indexOf('\n');
        line = nl < 0 ? line : line.substring(0, nl);
        return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
    }

    private void requireUrl(String what) {
        if (url == null) {
            throw new IllegalStateException("A data source brings its own credentials; " + what + " cannot be set on it.");
        }
    }

    private static String urlEncode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The URL without any password or user-info secrets. */
    static String redact(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)([?&]password=)[^&]*", "$1***").replaceAll("//[^/@]*@", "//***@");
    }

    /** The URL, redacted, and where the password comes from; never the password. */
    @Override
    public String toString() {
        if (dataSource != null) {
            return "PostgreSQL data source " + dataSource.getClass().getName();
        }
        return redact(url) + (user != null ? " as " + user : "");
    }
}
