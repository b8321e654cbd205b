package io.wlj.backup.postgres;

import io.wlj.backup.BackupException;
import io.wlj.backup.postgres.internal.DatabaseNames;
import io.wlj.backup.postgres.internal.SwapRollbackSupport;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Undoes a swap ({@link PostgresTarget#swap}): the database set aside as {@code <name>_before_<time>}
 * takes its name back, and the restored one is kept as {@code <name>_rolled_back_<time>}, so nothing
 * is dropped. The set-aside database is found by the marker the swap left on it, newest first.
 * <pre>{@code
 * SwapRollback r = SwapRollback.of(PostgresDatabase.url("jdbc:postgresql://db/app")).terminateSessions(true);
 * System.out.println(r.describe());
 * SwapRollback.Result result = r.execute();
 * }</pre>
 * Immutable.
 */
public final class SwapRollback {
    private final PostgresDatabase live;
    private final String adminDatabase;
    private final boolean terminateSessions;

    private SwapRollback(PostgresDatabase live, String adminDatabase, boolean terminateSessions) {
        this.live = live;
        this.adminDatabase = adminDatabase;
        this.terminateSessions = terminateSessions;
    }

    /** Rolls back the latest swap of the database named in {@code live}'s URL. */
    public static SwapRollback of(PostgresDatabase live) {
        Objects.requireNonNull(live, "live");
        if (live.isDataSource() || live.databaseName().isEmpty()) {
            throw BackupException.badInput("A rollback names the live database by a JDBC URL that includes its name.");
        }
        return new SwapRollback(live, "postgres", false);
    }

    /** The database used to rename the others (default {@code postgres}). */
    public SwapRollback adminDatabase(String name) {
        return new SwapRollback(live, Objects.requireNonNull(name, "name"), terminateSessions);
    }

    /** May end sessions connected to the live database (default: any session stops the rollback). */
    public SwapRollback terminateSessions(boolean allowed) {
        return new SwapRollback(live, adminDatabase, allowed);
    }

    /**
     * What the rollback did.
     *
     * @param restored   the database that has the live name again
     * @param setAside   the name the replaced (restored-by-swap) database has now
     * @param backupId   the backup whose swap was undone
     */
    public record Result(String live, String restored, String setAside, String backupId) {
    }

    /** The set-aside databases of this live database, newest first; empty when there is nothing to roll back. */
    public List<DatabaseNames.SetAside> candidates() {
        return support().candidates();
    }

    /** The rollback in words; touches nothing. */
    public String describe() {
        return support().describe();
    }

    /** Swaps the names back in one transaction. */
    public Result execute() {
        return support().execute();
    }

    private SwapRollbackSupport support() {
        return new SwapRollbackSupport(live, adminDatabase, terminateSessions, Duration.ofMillis(500));
    }

    /** The name of the most recent set-aside database, if any. */
    public Optional<String> latest() {
        return candidates().stream().findFirst().map(DatabaseNames.SetAside::database);
    }

    @Override
    public String toString() {
        return "rollback of the latest swap of " + live;
    }
}
