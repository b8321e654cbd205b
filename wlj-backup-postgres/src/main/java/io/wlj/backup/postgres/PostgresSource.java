package io.wlj.backup.postgres;

import io.wlj.backup.BackupException;
import io.wlj.backup.postgres.internal.JdbcDump;
import io.wlj.backup.postgres.internal.NamePattern;
import io.wlj.backup.postgres.internal.PgDumpArchive;
import io.wlj.backup.spi.BackupSource;
import io.wlj.backup.spi.SourceContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A PostgreSQL database as a backup source. The default {@link Engine#JDBC} engine takes a
 * consistent logical backup without client binaries: one snapshot shared by {@link #jobs()}
 * connections, schema assembled from the catalogs, table data as {@code COPY} text.
 *
 * <pre>{@code
 * PostgresSource db = PostgresSource.builder(PostgresDatabase.url("jdbc:postgresql://db/app")
 *         .user("backup").passwordFromEnv("APP_DB_PASSWORD"))
 *     .jobs(2).excludeTable("public.audit_*").build();
 * }</pre>
 */
public final class PostgresSource implements BackupSource {
    /** The source type recorded in manifests. */
    public static final String TYPE = "postgres";

    private final String name;
    private final PostgresDatabase database;
    private final Engine engine;
    private final Scope scope;
    private final int jobs;
    private final Duration lockTimeout;
    private final boolean ownershipAndGrants;
    private final List<NamePattern> includeSchemas;
    private final List<NamePattern> excludeSchemas;
    private final List<NamePattern> includeTables;
    private final List<NamePattern> excludeTables;
    private final Path pgDump;

    private PostgresSource(Builder b) {
        this.name = b.name;
        this.database = b.database;
        this.engine = b.engine;
        this.scope = b.scope;
        this.jobs = b.jobs;
        this.lockTimeout = b.lockTimeout;
        this.ownershipAndGrants = b.ownershipAndGrants;
        this.includeSchemas = List.copyOf(b.includeSchemas);
        this.excludeSchemas = List.copyOf(b.excludeSchemas);
        this.includeTables = List.copyOf(b.includeTables);
        this.excludeTables = List.copyOf(b.excludeTables);
        this.pgDump = b.pgDump;
    }

    public static Builder builder(PostgresDatabase database) {
        return new Builder(database);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return TYPE;
    }

    public PostgresDatabase database() {
        return database;
    }

    public Engine engine() {
        return engine;
    }

    public Scope scope() {
        return scope;
    }

    /** Connections reading table data at once (the snapshot's leader is one of them). */
    public int jobs() {
        return jobs;
    }

    public Duration lockTimeout() {
        return lockTimeout;
    }

    public boolean ownershipAndGrants() {
        return ownershipAndGrants;
    }

    public List<NamePattern> includeSchemas() {
        return includeSchemas;
    }

    public List<NamePattern> excludeSchemas() {
        return excludeSchemas;
    }

    public List<NamePattern> includeTables() {
        return includeTables;
    }

    public List<NamePattern> excludeTables() {
        return excludeTables;
    }

    /** The pg_dump binary for {@link Engine#PG_DUMP}, or null to search the PATH. */
    public Path pgDump() {
        return pgDump;
    }

    @Override
    public void backup(SourceContext context) throws IOException {
        if (engine == Engine.PG_DUMP) {
            new PgDumpArchive(this).backup(context);
        } else {
            new JdbcDump(this).backup(context);
        }
    }

    @Override
    public String toString() {
        return "PostgresSource[" + name + ", " + database + ", " + engine + ", " + scope + ", jobs " + jobs + "]";
    }

    /** Fail-fast builder; {@link #build()} checks every setting. */
    public static final class Builder {
        private String name = "postgres";
        private final PostgresDatabase database;
        private Engine engine = Engine.JDBC;
        private Scope scope = Scope.FULL;
        private int jobs = 2;
        private Duration lockTimeout = Duration.ofSeconds(30);
        private boolean ownershipAndGrants;
        private final List<NamePattern> includeSchemas = new ArrayList<>();
        private final List<NamePattern> excludeSchemas = new ArrayList<>();
        private final List<NamePattern> includeTables = new ArrayList<>();
        private final List<NamePattern> excludeTables = new ArrayList<>();
        private Path pgDump;

        private Builder(PostgresDatabase database) {
            this.database = Objects.requireNonNull(database, "database");
        }

        /** The source name in manifests (default {@code postgres}). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        public Builder engine(Engine engine) {
            this.engine = Objects.requireNonNull(engine, "engine");
            return this;
        }

        public Builder scope(Scope scope) {
            this.scope = Objects.requireNonNull(scope, "scope");
            return this;
        }

        /** Parallel connections for table data, 1 to 64 (default 2). */
        public Builder jobs(int jobs) {
            this.jobs = jobs;
            return this;
        }

        /** How long to wait for each table's ACCESS SHARE lock before giving up (default 30 s). */
        public Builder lockTimeout(Duration lockTimeout) {
            this.lockTimeout = Objects.requireNonNull(lockTimeout, "lockTimeout");
            return this;
        }

        /** Also back up owners and grants (off by default, like {@code --no-owner --no-acl}). */
        public Builder ownershipAndGrants(boolean on) {
            this.ownershipAndGrants = on;
            return this;
        }

        /**
         * Only schemas matching {@code pattern} ({@code *} and {@code ?} wildcards, case-sensitive,
         * as the names are stored). May be repeated.
         */
        public Builder includeSchema(String pattern) {
            includeSchemas.add(NamePattern.schema(pattern));
            return this;
        }

        public Builder excludeSchema(String pattern) {
            excludeSchemas.add(NamePattern.schema(pattern));
            return this;
        }

        /**
         * Only tables (and views, sequences) matching {@code pattern}: {@code table} in any schema or
         * {@code schema.table}, with {@code *} and {@code ?} wildcards. Types, functions and other
         * non-table objects of the included schemas are still backed up so that the tables restore.
         */
        public Builder includeTable(String pattern) {
            includeTables.add(NamePattern.table(pattern));
            return this;
        }

        /** Leave out tables (schema and data) matching {@code pattern}. */
        public Builder excludeTable(String pattern) {
            excludeTables.add(NamePattern.table(pattern));
            return this;
        }

        /** The pg_dump binary for {@link Engine#PG_DUMP} (default: found on the PATH). */
        public Builder pgDump(Path binary) {
            this.pgDump = Objects.requireNonNull(binary, "binary");
            return this;
        }

        public PostgresSource build() {
            if (!name.matches("[A-Za-z0-9_.-]+")) {
                throw BackupException.badInput("Source name '" + name + "' may contain only letters, digits, '-', '_' and '.'.");
            }
            if (jobs < 1 || jobs > 64) {
                throw BackupException.badInput("jobs must be between 1 and 64, not " + jobs + ".");
            }
            if (lockTimeout.isNegative() || lockTimeout.isZero()) {
                throw BackupException.badInput("The lock timeout must be positive (it bounds how long a backup waits for a table).");
            }
            if (database.isDataSource() && engine == Engine.PG_DUMP) {
                throw BackupException.badInput("The pg_dump engine needs a JDBC URL (it starts its own connection); a data source cannot be handed to pg_dump.");
            }
            if (engine == Engine.PG_DUMP && (scope != Scope.FULL || !includeSchemas.isEmpty() || !excludeSchemas.isEmpty()
                    || !includeTables.isEmpty() || !excludeTables.isEmpty())) {
                // Kept simple on purpose: one standard full archive, restorable by pg_restore with its own filters.
                throw BackupException.badInput("The pg_dump engine takes full backups only; use pg_restore's own options to restore part of it.");
            }
            return new PostgresSource(this);
        }
    }
}
