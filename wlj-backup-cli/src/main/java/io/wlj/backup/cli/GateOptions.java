package io.wlj.backup.cli;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupSystem;
import io.wlj.backup.Gates;
import io.wlj.backup.Stage;
import io.wlj.backup.postgres.PostgresDatabase;
import io.wlj.backup.postgres.PostgresGates;
import io.wlj.backup.spi.ValidationGate;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --gate SPEC}, repeatable: validation gates from the command line. Where each runs follows
 * from the command: when backing up, database gates check the source database before it is read
 * and backup gates run before sealing; when restoring or drilling, database gates check the
 * restored database before commit and HTTP gates run after the restore.
 */
final class GateOptions {
    static final String HELP = "A validation gate (repeatable): checksums, decodable, min-size:BYTES, size-anomaly:N:PERCENT, "
            + "connectivity, row-count:TABLE=N, min-rows:TABLE=N, foreign-keys, sql:NAME=QUERY, flyway, django:APP.MIGRATION, "
            + "http:URL[=STATUS]. See docs/gates.md.";

    @Option(names = "--gate", paramLabel = "SPEC", description = HELP)
    List<String> specs = new ArrayList<>();

    enum Context { BACKUP, RESTORE }

    /** Adds the gates to {@code builder}; {@code database} is the backup's source database, if any. */
    void apply(BackupSystem.Builder builder, Context context, PostgresDatabase database) {
        for (String spec : specs) {
            add(builder, context, database, spec.strip());
        }
    }

    private static void add(BackupSystem.Builder b, Context context, PostgresDatabase database, String spec) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        String arg = colon < 0 ? "" : spec.substring(colon + 1);
        switch (kind) {
            case "checksums" -> b.gates(context == Context.BACKUP ? Stage.AFTER_BACKUP : Stage.BEFORE_RESTORE, Gates.checksums());
            case "decodable" -> b.gates(context == Context.BACKUP ? Stage.AFTER_BACKUP : Stage.BEFORE_RESTORE, Gates.decodable());
            case "min-size" -> b.gates(Stage.AFTER_BACKUP, Gates.minSize(number(arg, spec)));
            case "size-anomaly" -> {
                String[] p = arg.split(":");
                if (p.length != 2 || !p[1].endsWith("%")) {
                    throw bad(spec, "size-anomaly:5:50%");
                }
                b.gates(Stage.AFTER_BACKUP, Gates.sizeAnomaly((int) number(p[0], spec), number(p[1].substring(0, p[1].length() - 1), spec) / 100.0));
            }
            case "http" -> {
                int eq = arg.lastIndexOf('=');
                boolean status = eq > 0 && arg.substring(eq + 1).matches("\\d{3}");
                ValidationGate g = Gates.http(URI.create(status ? arg.substring(0, eq) : arg), status ? Integer.parseInt(arg.substring(eq + 1)) : 200);
                b.gates(context == Context.BACKUP ? Stage.BEFORE_BACKUP : Stage.AFTER_RESTORE, g);
            }
            default -> database(b, context, database, spec, kind, arg);
        }
    }

    private static void database(BackupSystem.Builder b, Context context, PostgresDatabase database, String spec, String kind, String arg) {
        PostgresGates.DatabaseGate g = switch (kind) {
            case "connectivity" -> PostgresGates.connectivity();
            case "foreign-keys" -> PostgresGates.foreignKeys();
            case "flyway" -> PostgresGates.flywayMigrations();
            case "row-count", "min-rows" -> {
                int eq = arg.lastIndexOf('=');
                if (eq <= 0) {
                    throw bad(spec, kind + ":TABLE=N");
                }
                long n = number(arg.substring(eq + 1), spec);
                yield kind.equals("row-count") ? PostgresGates.rowCount(arg.substring(0, eq), n) : PostgresGates.minRows(arg.substring(0, eq), n);
            }
            case "sql" -> {
                int eq = arg.indexOf('=');
                if (eq <= 0) {
                    throw bad(spec, "sql:NAME=SELECT ...");
                }
                yield PostgresGates.sql(arg.substring(0, eq), arg.substring(eq + 1));
            }
            case "django" -> {
                int dot = arg.indexOf('.');
                if (dot <= 0) {
                    throw bad(spec, "django:APP.MIGRATION");
                }
                yield PostgresGates.djangoMigration(arg.substring(0, dot), arg.substring(dot + 1));
            }
            default -> throw BackupException.badInput("Unknown gate '" + spec + "'. " + HELP);
        };
        if (context == Context.BACKUP) {
            if (database == null) {
                throw BackupException.badInput("The gate '" + spec + "' checks a database; give --db to back one up.");
            }
            b.gates(Stage.BEFORE_BACKUP, g.on(database));
        } else {
            b.gates(Stage.AFTER_RESTORE_BEFORE_COMMIT, g);
        }
    }

    private static long number(String s, String spec) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw BackupException.badInput("The gate '" + spec + "' needs a whole number where it has '" + s + "'.");
        }
    }

    private static BackupException bad(String spec, String form) {
        return BackupException.badInput("The gate '" + spec + "' is not of the form " + form + ".");
    }
}
