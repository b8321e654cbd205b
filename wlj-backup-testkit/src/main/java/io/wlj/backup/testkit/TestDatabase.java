package io.wlj.backup.testkit;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One database on the shared {@link PostgresServer}, with what a client needs to reach it.
 *
 * <p>The credentials are the server's superuser, because backup and restore need rights that
 * an ordinary role lacks.
 *
 * @param name the database's name
 * @param host host name of the server
 * @param port TCP port of the server
 * @param user user to connect as
 * @param password that user's password
 * @param serverMajorVersion the server's major version, such as 16
 */
public record TestDatabase(String name, String host, int port, String user, String password, int serverMajorVersion) {

    public TestDatabase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    /** The JDBC URL of this database, without credentials. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    /** A new data source for this database; each call returns an independent one. */
    public DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {host});
        dataSource.setPortNumbers(new int[] {port});
        dataSource.setDatabaseName(name);
        dataSource.setUser(user);
        dataSource.setPassword(password);
        dataSource.setApplicationName("wlj-backup-testkit");
        return dataSource;
    }

    /** A new connection to this database; the caller closes it. */
    public Connection connect() throws SQLException {
        return dataSource().getConnection();
    }

    /** Names the database and where it is; leaves the password out, as logs may be shared. */
    @Override
    public String toString() {
        return "TestDatabase[" + jdbcUrl() + ", user=" + user + ", PostgreSQL " + serverMajorVersion + "]";
    }
}
