package io.wlj.backup.retention;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupId;
import io.wlj.backup.repository.ManifestHeader;
import io.wlj.backup.spi.RetentionPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Which backups to keep, by rules that are ORed as restic's are: the newest N; the newest backup
 * in each of the last N hours, days, ISO weeks, months or years that have backups (in a
 * configured time zone, UTC by default); everything within a duration of the newest backup, or
 * the newest of each day, week or month within it; backups carrying a label. Every decision
 * says which rules keep a backup ("daily #3", "within 7d"). As in restic, while a period rule
 * has periods left the oldest backup is kept too ("oldest daily"). Backups dated after
 * {@code now} are kept ("future-dated") and count for no rule, so a wrong clock cannot push real
 * backups out of one; restic counts them for the period rules. A policy only plans: prune applies
 * it, and keeps the newest, the newest verified and pinned backups whatever a policy says.
 * Immutable; a policy with no rule, or with counts below 1, is refused.
 */
public final class KeepPolicy implements RetentionPolicy {
    private final int last;
    private final int hourly;
    private final int daily;
    private final int weekly;
    private final int monthly;
    private final int yearly;
    private final Duration within;
    private final Duration withinDaily;
    private final Duration withinWeekly;
    private final Duration withinMonthly;
    private final List<String> labels;
    private final ZoneId zone;

    private KeepPolicy(int last, int hourly, int daily, int weekly, int monthly, int yearly, Duration within, Duration withinDaily,
                       Duration withinWeekly, Duration withinMonthly, List<String> labels, ZoneId zone) {
        this.last = last;
        this.hourly = hourly;
        this.daily = daily;
        this.weekly = weekly;
        this.monthly = monthly;
        this.yearly = yearly;
        this.within = within;
        this.withinDaily = withinDaily;
        this.withinWeekly = withinWeekly;
        this.withinMonthly = withinMonthly;
        this.labels = List.copyOf(labels);
        this.zone = zone;
    }

    /** A policy with no rule yet; add at least one. */
    public static KeepPolicy keep() {
        return new KeepPolicy(0, 0, 0, 0, 0, 0, null, null, null, null, List.of(), ZoneOffset.UTC);
    }

    private static int count(int n, String rule) {
        if (n < 1) {
            throw BackupException.badInput("keep-" + rule + " takes a count of at least 1, not " + n + ".");
        }
        return n;
    }

    private static Duration span(Duration d, String rule) {
        if (Objects.requireNonNull(d, rule).isNegative() || d.isZero()) {
            throw BackupException.badInput("keep-" + rule + " takes a positive duration.");
        }
        return d;
    }

    public KeepPolicy last(int n) {
        return new KeepPolicy(count(n, "last"), hourly, daily, weekly, monthly, yearly, within, withinDaily, withinWeekly, withinMonthly, labels, zone);
    }

    public KeepPolicy hourly(int n) {
        return new KeepPolicy(last, count(n, "hourly"), daily, weekly, monthly, yearly, within, withinDaily, withinWeekly, withinMonthly, labels, zone);
    }

    public KeepPolicy daily(int n) {
        return new KeepPolicy(last, hourly, count(n, "daily"), weekly, monthly, yearly, within, withinDaily, withinWeekly, withinMonthly, labels, zone);
    }

    /** ISO weeks (Monday to Sunday). */
    public KeepPolicy weekly(int n) {
        return new KeepPolicy(last, hourly, daily, count(n, "weekly"), monthly, yearly, within, withinDaily, withinWeekly, withinMonthly, labels, zone);
    }

    public KeepPolicy monthly(int n) {
        return new KeepPolicy(last, hourly, daily, weekly, count(n, "monthly"), yearly, within, withinDaily, withinWeekly, withinMonthly, labels, zone);
    }

    public KeepPolicy yearly(int n) {
        return new KeepPolicy(last, hourly, daily, weekly, monthly, count(n, "yearly"), within, withinDaily, withinWeekly, withinMonthly, labels, zone);
    }

    /** Everything created within {@code d} of the newest backup. */
    public KeepPolicy within(Duration d) {
        return new KeepPolicy(last, hourly, daily, weekly, monthly, yearly, span(d, "within"), withinDaily, withinWeekly, withinMonthly, labels, zone);
    }

    public KeepPolicy withinDaily(Duration d) {
        return new KeepPolicy(last, hourly, daily, weekly, monthly, yearly, within, span(d, "within-daily"), withinWeekly, withinMonthly, labels, zone);
    }

    public KeepPolicy withinWeekly(Duration d) {
        return new KeepPolicy(last, hourly, daily, weekly, monthly, yearly, within, withinDaily, span(d, "within-weekly"), withinMonthly, labels, zone);
    }

    public KeepPolicy withinMonthly(Duration d) {
        return new KeepPolicy(last, hourly, daily, weekly, monthly, yearly, within, withinDaily, withinWeekly, span(d, "within-monthly"), labels, zone);
    }

    /** Backups carrying label {@code key}, or {@code key=value}. */
    public KeepPolicy label(String label) {
        if (label == null || label.isBlank()) {
            throw BackupException.badInput("keep-label takes a label name or name=value.");
        }
        List<String> l = new ArrayList<>(labels);
        l.add(label);
        return new KeepPolicy(last, hourly, daily, weekly, monthly, yearly, within, withinDaily, withinWeekly, withinMonthly, l, zone);
    }

    /** The time zone calendar periods are counted in (default UTC). */
    public KeepPolicy zone(ZoneId zone) {
        return new KeepPolicy(last, hourly, daily, weekly, monthly, yearly, within, withinDaily, withinWeekly, withinMonthly, labels,
                Objects.requireNonNull(zone, "zone"));
    }

    /** True when at least one rule is set. */
    public boolean hasRules() {
        return last + hourly + daily + weekly + monthly + yearly > 0 || within != null || withinDaily != null || withinWeekly != null
                || withinMonthly != null || !labels.isEmpty();
    }

    /** The label rules, as given. */
    public List<String> labels() {
        return labels;
    }

    /** True when {@code h} carries {@code label} ({@code key} or {@code key=value}). */
    static boolean carries(ManifestHeader h, String label) {
        int eq = label.indexOf('=');
        String v = h.labels().get(eq < 0 ? label : label.substring(0, eq));
        return v != null && (eq < 0 || v.equals(label.substring(eq + 1)));
    }

    @Override
    public Plan plan(List<ManifestHeader> backups, Instant now) {
        return plan(backups, now, true);
    }

    /**
     * Plans; with {@code checkLabels} off, a label matching nothing in these backups is not an
     * error, because {@link PrunePlan} checks labels against the whole repository instead.
     */
    Plan plan(List<ManifestHeader> backups, Instant now, boolean checkLabels) {
        if (!hasRules()) {
            throw BackupException.badInput("A retention policy with no rule would keep nothing; give at least one keep rule.");
        }
        Map<BackupId, Set<String>> reasons = new LinkedHashMap<>();
        List<ManifestHeader> newestFirst = new ArrayList<>();
        for (ManifestHeader h : backups) {
            reasons.put(h.id(), new LinkedHashSet<>());
            if (h.createdAt().isAfter(now)) {
                // A clock ahead, or a forged time: kept, and never allowed to push real backups out of a rule.
                reasons.get(h.id()).add("future-dated");
            } else {
                newestFirst.add(h);
            }
        }
        newestFirst.sort(Comparator.comparing(ManifestHeader::createdAt).thenComparing(h -> h.id().value()).reversed());
        for (int i = 0; i < Math.min(last, newestFirst.size()); i++) {
            reasons.get(newestFirst.get(i).id()).add("last #" + (i + 1));
        }
        // The offset is part of the hour: when clocks go back, 02:00-03:00 happens twice and is two hours.
        buckets(newestFirst, hourly, "hourly", t -> t.getYear() + "-" + t.getDayOfYear() + "T" + t.getHour() + t.getOffset(), null, reasons);
        buckets(newestFirst, daily, "daily", t -> t.toLocalDate().toString(), null, reasons);
        buckets(newestFirst, weekly, "weekly", t -> t.get(IsoFields.WEEK_BASED_YEAR) + "-W" + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), null, reasons);
        buckets(newestFirst, monthly, "monthly", t -> t.getYear() + "-" + t.getMonthValue(), null, reasons);
        buckets(newestFirst, yearly, "yearly", t -> String.valueOf(t.getYear()), null, reasons);
        if (!newestFirst.isEmpty()) {
            Instant newest = newestFirst.get(0).createdAt();
            if (within != null) {
                for (ManifestHeader h : newestFirst) {
                    if (!h.createdAt().isBefore(newest.minus(within))) {
                        reasons.get(h.id()).add("within " + io.wlj.backup.internal.Durations.format(within));
                    }
                }
            }
            if (withinDaily != null) {
                buckets(newestFirst, Integer.MAX_VALUE, "within-daily " + fmt(withinDaily), t -> t.toLocalDate().toString(),
                        newest.minus(withinDaily), reasons);
            }
            if (withinWeekly != null) {
                buckets(newestFirst, Integer.MAX_VALUE, "within-weekly " + fmt(withinWeekly), t -> t.get(IsoFields.WEEK_BASED_YEAR) + "-W"
                        + t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR), newest.minus(withinWeekly), reasons);
            }
            if (withinMonthly != null) {
                buckets(newestFirst, Integer.MAX_VALUE, "within-monthly " + fmt(withinMonthly), t -> t.getYear() + "-" + t.getMonthValue(),
                        newest.minus(withinMonthly), reasons);
            }
        }
        for (String label : labels) {
            boolean matched = false;
            for (ManifestHeader h : backups) {
                if (carries(h, label)) {
                    reasons.get(h.id()).add("label " + label);
                    matched = true;
                }
            }
            if (checkLabels && !matched && !backups.isEmpty()) {
                throw BackupException.badInput("keep-label '" + label + "' matches no backup of this group; a filter that matches "
                        + "nothing is taken as a mistake, not as keeping nothing.");
            }
        }
        List<Decision> decisions = new ArrayList<>();
        for (ManifestHeader h : backups) {
            Set<String> r = reasons.get(h.id());
            decisions.add(new Decision(h.id(), !r.isEmpty(), List.copyOf(r)));
        }
        return new Plan(decisions);
    }

    /**
     * Newest first, the first backup seen in each new period is kept, until {@code n} periods
     * (with backups) are kept; with {@code since}, only backups at or after it count.
     */
    private void buckets(List<ManifestHeader> newestFirst, int n, String rule, Function<ZonedDateTime, String> period, Instant since,
                         Map<BackupId, Set<String>> reasons) {
        if (n <= 0) {
            return;
        }
        Set<String> seen = new LinkedHashSet<>();
        for (ManifestHeader h : newestFirst) {
            if (seen.size() >= n) {
                break;
            }
            if (since != null && h.createdAt().isBefore(since)) {
                continue;
            }
            if (seen.add(period.apply(h.createdAt().atZone(zone)))) {
                reasons.get(h.id()).add(rule + " #" + seen.size());
            }
        }
        // As restic does: while a rule has periods left, the oldest backup is kept too, so that a
        // young repository keeps its longest history instead of only the newest of each period.
        ManifestHeader oldest = newestFirst.isEmpty() ? null : newestFirst.get(newestFirst.size() - 1);
        if (oldest != null && seen.size() < n && (since == null || !oldest.createdAt().isBefore(since))
                && reasons.get(oldest.id()).stream().noneMatch(r -> r.startsWith(rule + " #"))) {
            reasons.get(oldest.id()).add("oldest " + rule);
        }
    }

    private static String fmt(Duration d) {
        return io.wlj.backup.internal.Durations.format(d);
    }

    @Override
    public String toString() {
        List<String> r = new ArrayList<>();
        if (last > 0) {
            r.add("last " + last);
        }
        if (hourly > 0) {
            r.add("hourly " + hourly);
        }
        if (daily > 0) {
            r.add("daily " + daily);
        }
        if (weekly > 0) {
            r.add("weekly " + weekly);
        }
        if (monthly > 0) {
            r.add("monthly " + monthly);
        }
        if (yearly > 0) {
            r.add("yearly " + yearly);
        }
        if (within != null) {
            r.add("within " + fmt(within));
        }
        if (withinDaily != null) {
            r.add("within-daily " + fmt(withinDaily));
        }
        if (withinWeekly != null) {
            r.add("within-weekly " + fmt(withinWeekly));
        }
        if (withinMonthly != null) {
            r.add("within-monthly " + fmt(withinMonthly));
        }
        labels.forEach(l -> r.add("label " + l));
        return "keep " + String.join(", ", r) + (zone.equals(ZoneOffset.UTC) ? "" : " (periods in " + zone + ")");
    }
}
