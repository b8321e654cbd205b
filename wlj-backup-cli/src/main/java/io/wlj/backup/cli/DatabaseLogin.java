package io.wlj.backup.cli;

import io.wlj.backup.postgres.PostgresDatabase;
import picocli.CommandLine.Option;

/**
 * How the CLI logs in to PostgreSQL: user and password options in the URL, or {@code --db-user}
 * and a password from the environment variable named by {@code --db-password-env} (default
 * {@code PGPASSWORD} when set, as libpq does). A password is never accepted as an argument.
 */
final class DatabaseLogin {
    @Option(names = "--db-user", paramLabel = "USER", description = "Database user (or user=... in the URL).")
    String user;

    @Option(names = "--db-password-env", paramLabel = "NAME",
            description = "Environment variable holding the database password (default: PGPASSWORD, when it is set).")
    String passwordEnv;

    PostgresDatabase database(String url) {
        PostgresDatabase db = PostgresDatabase.url(url);
        if (user != null) {
            db = db.user(user);
        }
        if (passwordEnv != null) {
            db = db.passwordFromEnv(passwordEnv);
        } else if (System.getenv("PGPASSWORD") != null && !url.contains("password=")) {
            db = db.passwordFromEnv("PGPASSWORD");
        }
        return db;
    }
}
