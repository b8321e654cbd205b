package io.wlj.backup.cli;

import io.wlj.backup.BackupException;
import io.wlj.backup.internal.Durations;
import io.wlj.backup.retention.KeepPolicy;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --keep-*} rules of a retention policy, shared by {@code prune} and {@code backup}. */
final class KeepOptions {
    @Option(names = "--keep-last", paramLabel = "N", description = "Keep the N newest backups.")
    Integer last;
    @Option(names = "--keep-hourly", paramLabel = "N", description = "Keep the newest backup of each of the last N hours that have backups.")
    Integer hourly;
    @Option(names = "--keep-daily", paramLabel = "N", description = "... of each of the last N days that have backups.")
    Integer daily;
    @Option(names = "--keep-weekly", paramLabel = "N", description = "... of each of the last N ISO weeks that have backups.")
    Integer weekly;
    @Option(names = "--keep-monthly", paramLabel = "N", description = "... of each of the last N months that have backups.")
    Integer monthly;
    @Option(names = "--keep-yearly", paramLabel = "N", description = "... of each of the last N years that have backups.")
    Integer yearly;
    @Option(names = "--keep-within", paramLabel = "DURATION", description = "Keep every backup within DURATION (7d, 36h) of the newest one.")
    String within;
    @Option(names = "--keep-within-daily", paramLabel = "DURATION", description = "Keep the newest backup of each day within DURATION of the newest one.")
    String withinDaily;
    @Option(names = "--keep-within-weekly", paramLabel = "DURATION", description = "... of each week within DURATION.")
    String withinWeekly;
    @Option(names = "--keep-within-monthly", paramLabel = "DURATION", description = "... of each month within DURATION.")
    String withinMonthly;
    @Option(names = "--keep-label", paramLabel = "LABEL", description = "Keep backups carrying LABEL (name, or name=value); repeatable. "
            + "A label matching no backup is an error.")
    List<String> labels = new ArrayList<>();
    @Option(names = "--zone", paramLabel = "ZONE", description = "Time zone that days, weeks, months and years are counted in (default UTC).")
    String zone;
    /** The policy the options describe; empty when no --keep-* option is given. */
    Optional<KeepPolicy> policy() {
        KeepPolicy p = KeepPolicy.keep();
        p = last == null ? p : p.last(last);
        p = hourly == null ? p : p.hourly(hourly);
        p = daily == null ? p : p.daily(daily);
        p = weekly == null ? p : p.weekly(weekly);
        p = monthly == null ? p : p.monthly(monthly);
        p = yearly == null ? p : p.yearly(yearly);
        p = within == null ? p : p.within(Durations.parse(within));
        p = withinDaily == null ? p : p.withinDaily(Durations.parse(withinDaily));
        p = withinWeekly == null ? p : p.withinWeekly(Durations.parse(withinWeekly));
        p = withinMonthly == null ? p : p.withinMonthly(Durations.parse(withinMonthly));
        for (String l : labels) {
            p = p.label(l);
        }
        if (zone != null) {
            try {
                p = p.zone(ZoneId.of(zone));
            } catch (java.time.DateTimeException e) {
                throw BackupException.badInput("'" + zone + "' is not a time zone; use a name such as Europe/Berlin or UTC.");
            }
        }
        if (!p.hasRules()) {
            if (zone != null) {
                throw BackupException.badInput("--zone applies to --keep-* rules, and none is given.");
            }
            return Optional.empty();
        }
        return Optional.of(p);
    }
}
