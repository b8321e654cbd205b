package io.wlj.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.repository.ManifestHeader;
import io.wlj.backup.retention.KeepPolicy;
import io.wlj.backup.spi.RetentionPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;

/** The retention planner: worked examples of restic's documented semantics, and properties over random timelines. */
class KeepPolicyTest {
    static final Instant BASE = Instant.parse("2026-03-01T00:00:00Z");
    /** "Now" for the worked examples: after every backup in them. */
    static final Instant LATER = Instant.parse("2030-01-01T00:00:00Z");

    static ManifestHeader at(Instant t, int n, Map<String, String> labels) {
        BackupId id = BackupId.parse(BackupId.generate(t).value().substring(0, 16) + "-" + String.format("%06x", n));
        return new ManifestHeader(1, id, t, t.plusSeconds(1), ManifestHeader.SEALED, "full", labels, "test", 
                List.of(new io.wlj.backup.repository.StoredArtifact("db.sql.zst", 100, "00")), 100, null, List.of(), List.of("db"));
    }

    static List<ManifestHeader> timeline(String... isoTimes) {
        List<ManifestHeader> out = new ArrayList<>();
        for (int i = 0; i < isoTimes.length; i++) {
            out.add(at(Instant.parse(isoTimes[i]), i, Map.of()));
        }
        return out;
    }

    static List<String> kept(RetentionPolicy p, List<ManifestHeader> backups) {
        Map<BackupId, Instant> times = backups.stream().collect(Collectors.toMap(ManifestHeader::id, ManifestHeader::createdAt));
        return p.plan(backups, LATER).decisions().stream().filter(RetentionPolicy.Decision::keep).map(d -> times.get(d.id()).toString()).sorted().toList();
    }

    @Example
    void dailyKeepsTheNewestOfEachOfTheLastNDaysThatHaveBackups() {
        List<ManifestHeader> b = timeline("2026-03-01T08:00:00Z", "2026-03-01T20:00:00Z", "2026-03-02T09:00:00Z", "2026-03-05T07:00:00Z",
                "2026-03-05T23:00:00Z", "2026-03-06T01:00:00Z");
        // days with backups, newest first: 03-06, 03-05, 03-02, 03-01; three of them; the gap 03-03/04 does not count
        assertThat(kept(KeepPolicy.keep().daily(3), b)).containsExactly("2026-03-02T09:00:00Z", "2026-03-05T23:00:00Z", "2026-03-06T01:00:00Z");
    }

    @Example
    void rulesAreOredAndEachDecisionSaysWhy() {
        List<ManifestHeader> b = timeline("2026-01-15T12:00:00Z", "2026-02-20T12:00:00Z", "2026-02-27T12:00:00Z", "2026-03-01T12:00:00Z",
                "2026-03-02T12:00:00Z");
        RetentionPolicy p = KeepPolicy.keep().last(1).monthly(2).within(Duration.ofDays(2));
        assertThat(kept(p, b)).containsExactly("2026-02-27T12:00:00Z", "2026-03-01T12:00:00Z", "2026-03-02T12:00:00Z");
        RetentionPolicy.Decision newest = p.plan(b, LATER).decisions().get(4);
        assertThat(newest.reasons()).containsExactly("last #1", "monthly #1", "within 2d");
        assertThat(p.plan(b, LATER).decisions().get(0).reasons()).as("January: neither of the last two months").isEmpty();
    }

    @Example
    void weeksAreIsoWeeksAndPeriodsFollowTheZone() {
        // Sunday 2026-03-01 and Monday 2026-03-02 are in different ISO weeks
        List<ManifestHeader> b = timeline("2026-02-28T10:00:00Z", "2026-03-01T10:00:00Z", "2026-03-02T10:00:00Z");
        assertThat(kept(KeepPolicy.keep().weekly(2), b)).containsExactly("2026-03-01T10:00:00Z", "2026-03-02T10:00:00Z");
        // with weeks left over, the oldest backup is kept too, as restic does
        assertThat(KeepPolicy.keep().weekly(5).plan(b, LATER).decisions()).extracting(RetentionPolicy.Decision::reasons)
                .containsExactly(List.of("oldest weekly"), List.of("weekly #2"), List.of("weekly #1"));
        // 23:30 UTC is already the next day in Berlin
        List<ManifestHeader> late = timeline("2026-03-01T10:00:00Z", "2026-03-01T23:30:00Z");
        assertThat(kept(KeepPolicy.keep().daily(1), late)).as("one UTC day").hasSize(1);
        assertThat(kept(KeepPolicy.keep().daily(2).zone(ZoneId.of("Europe/Berlin")), late)).as("two Berlin days").hasSize(2);
    }

    @Example
    void daylightSavingChangesNeitherMergeNorSplitPeriods() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        // 2026-10-25: clocks go back at 03:00 CEST; 02:30 CEST and 02:30 CET are two different hours
        List<ManifestHeader> fallBack = timeline("2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T02:30:00Z");
        assertThat(kept(KeepPolicy.keep().hourly(3).zone(berlin), fallBack)).hasSize(3);
        assertThat(kept(KeepPolicy.keep().hourly(2).zone(berlin), fallBack)).containsExactly("2026-10-25T01:30:00Z", "2026-10-25T02:30:00Z");
        // the 25-hour day and the 23-hour day (2026-03-29) are one day each
        assertThat(kept(KeepPolicy.keep().daily(1).zone(berlin), timeline("2026-10-24T22:30:00Z", "2026-10-25T22:30:00Z")))
                .containsExactly("2026-10-25T22:30:00Z");
        assertThat(kept(KeepPolicy.keep().daily(1).zone(berlin), timeline("2026-03-28T23:30:00Z", "2026-03-29T21:30:00Z")))
                .containsExactly("2026-03-29T21:30:00Z");
    }

    @Example
    void labelsKeepAndAFilterThatMatchesNothingIsAnError() {
        List<ManifestHeader> b = List.of(at(BASE, 1, Map.of("trigger", "release")), at(BASE.plusSeconds(3600), 2, Map.of("trigger", "nightly")));
        assertThat(kept(KeepPolicy.keep().label("trigger=release"), b)).containsExactly(BASE.toString());
        assertThatThrownBy(() -> KeepPolicy.keep().label("tirgger").plan(b, BASE)).isInstanceOf(BackupException.class)
                .hasMessageContaining("matches no backup");
        assertThatThrownBy(() -> KeepPolicy.keep().plan(b, BASE)).isInstanceOf(BackupException.class).hasMessageContaining("no rule");
        assertThatThrownBy(() -> KeepPolicy.keep().daily(0)).isInstanceOf(BackupException.class).hasMessageContaining("at least 1");
    }

    // ------------------------------------------------------------------ restic's documented semantics, as a table

    /** One worked example: a timeline, a policy, and the backups restic's documentation says are kept. */
    record Worked(String what, List<String> timeline, KeepPolicy policy, List<String> kept) {
    }

    static List<String> everyDay(String from, String to, String at) {
        List<String> out = new ArrayList<>();
        for (java.time.LocalDate d = java.time.LocalDate.parse(from); !d.isAfter(java.time.LocalDate.parse(to)); d = d.plusDays(1)) {
            out.add(d + "T" + at + "Z");
        }
        return out;
    }

    static List<Worked> resticTable() {
        List<String> sundays = new ArrayList<>();
        for (java.time.LocalDate d = java.time.LocalDate.parse("2019-09-01"); !d.isAfter(java.time.LocalDate.parse("2019-11-17")); d = d.plusWeeks(1)) {
            sundays.add(d + "T11:00:00Z");
        }
        List<String> forum = List.of("2026-05-01T08:00:00Z", "2026-05-02T08:00:00Z", "2026-05-02T11:00:00Z", "2026-05-04T09:00:00Z",
                "2026-05-05T10:00:00Z");
        List<String> longRun = new ArrayList<>(everyDay("2025-12-25", "2025-12-31", "12:00:00"));
        longRun.addAll(List.of("2025-12-21T12:00:00Z", "2025-12-14T12:00:00Z", "2025-12-07T12:00:00Z"));
        for (String m : List.of("2025-11-30", "2025-10-31", "2025-09-30", "2025-08-31", "2025-07-31", "2025-06-30", "2025-05-31",
                "2025-04-30", "2025-03-31", "2025-02-28", "2025-01-31", "2024-12-31", "2023-12-31", "2023-01-01")) {
            longRun.add(m + "T12:00:00Z");
        }
        return List.of(
                // doc/060_forget.rst: one backup every Sunday for 12 weeks; --keep-daily 4 keeps the last four Sundays
                new Worked("Sundays, keep-daily 4", sundays, KeepPolicy.keep().daily(4), sundays.subList(8, 12)),
                // days without backups do not count, only the newest of a day is kept
                new Worked("gaps, keep-daily 4", forum, KeepPolicy.keep().daily(4),
                        List.of(forum.get(0), forum.get(2), forum.get(3), forum.get(4))),
                // within-daily 4d: only days within 4 days of the newest backup (May 1 10:00 onwards)
                new Worked("gaps, keep-within-daily 4d", forum, KeepPolicy.keep().withinDaily(Duration.ofDays(4)),
                        List.of(forum.get(2), forum.get(3), forum.get(4))),
                // within is measured from the newest backup, not from now
                new Worked("keep-within 2d", forum, KeepPolicy.keep().within(Duration.ofDays(2)), List.of(forum.get(3), forum.get(4))),
                // "one backup every day": daily 7 + weekly 5 + monthly 12 + yearly 75, the rules ORed; the weekly
                // and monthly rules overlap the dailies, and with years left over the oldest backup is kept too
                new Worked("three years of dailies, 7/5/12/75", everyDay("2023-01-01", "2025-12-31", "12:00:00"),
                        KeepPolicy.keep().daily(7).weekly(5).monthly(12).yearly(75), longRun.stream().sorted().toList()),
                // keep-last counts backups, not periods
                new Worked("keep-last 3", forum, KeepPolicy.keep().last(3), forum.subList(2, 5)));
    }

    @Example
    void resultsMatchTheWorkedExamplesOfResticsDocumentation() {
        for (Worked w : resticTable()) {
            assertThat(kept(w.policy(), timeline(w.timeline().toArray(String[]::new)))).as(w.what())
                    .containsExactlyElementsOf(w.kept().stream().sorted().toList());
        }
        List<ManifestHeader> sundays = timeline(resticTable().get(0).timeline().toArray(String[]::new));
        assertThat(KeepPolicy.keep().daily(4).plan(sundays, LATER).decisions().get(11).reasons()).containsExactly("daily #1");
        List<ManifestHeader> daily = timeline(everyDay("2023-01-01", "2025-12-31", "12:00:00").toArray(String[]::new));
        assertThat(KeepPolicy.keep().yearly(75).plan(daily, LATER).decisions().get(0).reasons()).containsExactly("oldest yearly");
    }

    @Example
    void futureDatedBackupsAreKeptAndCountForNoRule() {
        Instant now = Instant.parse("2026-05-05T12:00:00Z");
        List<ManifestHeader> b = timeline("2026-05-03T12:00:00Z", "2026-05-04T12:00:00Z", "2026-05-09T12:00:00Z");
        List<RetentionPolicy.Decision> d = KeepPolicy.keep().last(1).within(Duration.ofHours(1)).plan(b, now).decisions();
        assertThat(d.get(0).keep()).as("the future-dated backup does not take the place of last #1").isFalse();
        assertThat(d.get(1).reasons()).containsExactly("last #1", "within 1h");
        assertThat(d.get(2).reasons()).containsExactly("future-dated");
    }

    // ------------------------------------------------------------------ properties

    @Provide
    Arbitrary<List<ManifestHeader>> timelines() {
        Arbitrary<Long> offsets = Arbitraries.oneOf(
                Arbitraries.longs().between(-400L * 86400, 400L * 86400),       // irregular over two years
                Arbitraries.longs().between(0, 3 * 3600),                      // a cluster
                Arbitraries.longs().between(-2 * 86400, 2 * 86400));           // around the base, future-dated too
        return offsets.list().ofMinSize(1).ofMaxSize(60).map(list -> {
            List<ManifestHeader> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                out.add(at(BASE.plusSeconds(list.get(i)), i, Map.of()));
            }
            return out;
        });
    }

    @Provide
    Arbitrary<KeepPolicy> policies() {
        Arbitrary<Integer> n = Arbitraries.integers().between(0, 6);
        Arbitrary<Integer> d = Arbitraries.integers().between(0, 40);
        Arbitrary<String> zone = Arbitraries.of("UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe");
        return Combinators.combine(n, n, n, n, n, n, d, zone).as((last, h, dd, w, m, y, within, z) -> {
            KeepPolicy p = KeepPolicy.keep().zone(ZoneId.of(z));
            p = last > 0 ? p.last(last) : p;
            p = h > 0 ? p.hourly(h) : p;
            p = dd > 0 ? p.daily(dd) : p;
            p = w > 0 ? p.weekly(w) : p;
            p = m > 0 ? p.monthly(m) : p;
            p = y > 0 ? p.yearly(y) : p;
            p = within > 0 ? p.within(Duration.ofDays(within)) : p;
            return p.hasRules() ? p : p.last(1);
        });
    }

    /** Policies for whole repositories: the period rules, plus within-* rules and label rules, label-only ones too. */
    @Provide
    Arbitrary<KeepPolicy> repositoryPolicies() {
        Arbitrary<Integer> d = Arbitraries.integers().between(0, 60);
        Arbitrary<String> label = Arbitraries.of("", "", "group=db", "group", "group=files");
        return Combinators.combine(policies(), d, d, d, label, Arbitraries.integers().between(0, 5)).as((base, wd, ww, wm, l, labelOnly) -> {
            if (labelOnly == 0 && !l.isEmpty()) {
                return KeepPolicy.keep().label(l);
            }
            KeepPolicy p = base;
            p = wd > 0 ? p.withinDaily(Duration.ofDays(wd)) : p;
            p = ww > 0 ? p.withinWeekly(Duration.ofDays(ww)) : p;
            p = wm > 0 ? p.withinMonthly(Duration.ofDays(wm)) : p;
            return l.isEmpty() ? p : p.label(l);
        });
    }

    /** Plans, or returns null after checking that a refusal was deserved. */
    static io.wlj.backup.retention.PrunePlan planOrJustifiedRefusal(KeepPolicy p, List<ManifestHeader> b, Set<BackupId> verified,
                                                                   Set<BackupId> failed, Set<BackupId> pinned, Instant now) {
        try {
            io.wlj.backup.retention.PrunePlan plan = io.wlj.backup.retention.PrunePlan.of(p, b, verified, failed, pinned,
                    io.wlj.backup.retention.PrunePlan::groupOf, now);
            net.jqwik.api.statistics.Statistics.collect("planned");
            return plan;
        } catch (BackupException e) {
            net.jqwik.api.statistics.Statistics.collect(e.getMessage().contains("matches no backup") ? "refused: label matches nothing"
                    : "refused: a group would keep no good backup");
            if (e.getMessage().contains("matches no backup in the repository")) {
                String label = p.labels().stream().filter(l -> e.getMessage().contains("'" + l + "'")).findFirst().orElseThrow();
                String key = label.contains("=") ? label.substring(0, label.indexOf('=')) : label;
                String value = label.contains("=") ? label.substring(label.indexOf('=') + 1) : null;
                assertThat(b).noneMatch(h -> h.labels().containsKey(key) && (value == null || h.labels().get(key).equals(value)));
                return null;
            }
            assertThat(e.getMessage()).contains("keeps no good backup of group");
            boolean someGroupKeepsNothing = b.stream().collect(Collectors.groupingBy(io.wlj.backup.retention.PrunePlan::groupOf)).values().stream()
                    .map(g -> g.stream().filter(h -> !failed.contains(h.id()) && h.storedBytes() > 0).toList())
                    .filter(g -> !g.isEmpty())
                    .anyMatch(g -> {
                        try {
                            return p.plan(g, now).decisions().stream().noneMatch(RetentionPolicy.Decision::keep);
                        } catch (BackupException labelMatchesNothingHere) {
                            return true;
                        }
                    });
            assertThat(someGroupKeepsNothing).as("refused only when a group's good backups would all go: %s", e.getMessage()).isTrue();
            return null;
        }
    }

    static Set<BackupId> forgotten(RetentionPolicy p, List<ManifestHeader> b) {
        return p.plan(b, BASE).decisions().stream().filter(x -> !x.keep()).map(RetentionPolicy.Decision::id).collect(Collectors.toSet());
    }

    @Property(tries = 300)
    void theNewestIsKeptAndEveryBackupGetsOneDecision(@ForAll("timelines") List<ManifestHeader> b, @ForAll("policies") KeepPolicy p) {
        RetentionPolicy.Plan plan = p.plan(b, BASE);
        assertThat(plan.decisions()).extracting(RetentionPolicy.Decision::id).containsExactlyElementsOf(b.stream().map(ManifestHeader::id).toList());
        ManifestHeader newest = b.stream().max(java.util.Comparator.comparing(ManifestHeader::createdAt).thenComparing(h -> h.id().value())).orElseThrow();
        assertThat(plan.decisions()).filteredOn(x -> x.id().equals(newest.id())).singleElement().satisfies(x -> assertThat(x.keep()).isTrue());
        plan.decisions().stream().filter(RetentionPolicy.Decision::keep).forEach(x -> assertThat(x.reasons()).isNotEmpty());
    }

    @Property(tries = 300)
    void planningAgainAfterApplyingForgetsNothingMore(@ForAll("timelines") List<ManifestHeader> b, @ForAll("policies") KeepPolicy p) {
        Set<BackupId> gone = forgotten(p, b);
        List<ManifestHeader> after = b.stream().filter(h -> !gone.contains(h.id())).toList();
        assertThat(forgotten(p, after)).isEmpty();
    }

    static KeepPolicy build(List<Integer> r) {
        KeepPolicy p = KeepPolicy.keep().zone(ZoneId.of("Europe/Berlin"));
        p = r.get(0) > 0 ? p.last(r.get(0)) : p;
        p = r.get(1) > 0 ? p.hourly(r.get(1)) : p;
        p = r.get(2) > 0 ? p.daily(r.get(2)) : p;
        p = r.get(3) > 0 ? p.weekly(r.get(3)) : p;
        p = r.get(4) > 0 ? p.monthly(r.get(4)) : p;
        p = r.get(5) > 0 ? p.yearly(r.get(5)) : p;
        p = r.get(6) > 0 ? p.within(Duration.ofDays(r.get(6))) : p;
        return p;
    }

    @Property(tries = 400)
    void addingARuleNeverForgetsMore(@ForAll("timelines") List<ManifestHeader> b,
                                     @ForAll("rules") List<Integer> rules, @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 6) int added,
                                     @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 6) int count) {
        List<Integer> base = new ArrayList<>(rules);
        if (base.stream().allMatch(x -> x == 0)) {
            base.set((added + 1) % 7, 1);
        }
        int slot = -1;
        for (int k = 0; k < 7 && slot < 0; k++) {
            if (base.get((added + k) % 7) == 0) {
                slot = (added + k) % 7;
            }
        }
        if (slot < 0) {
            return; // every rule is set already: nothing to add
        }
        List<Integer> more = new ArrayList<>(base);
        more.set(slot, count);
        rules = base;
        assertThat(forgotten(build(rules), b)).containsAll(forgotten(build(more), b));
    }

    @Provide
    Arbitrary<List<Integer>> rules() {
        return Arbitraries.integers().between(0, 4).injectDuplicates(0.5).list().ofSize(7)
                .map(l -> l.stream().map(x -> x % 2 == 0 ? 0 : x).toList()); // about half the rules unset
    }

    // ------------------------------------------------------------------ the safety rules over a whole repository

    @Provide
    Arbitrary<List<ManifestHeader>> labelledTimelines() {
        Arbitrary<Long> offsets = Arbitraries.longs().between(-200L * 86400, 200L * 86400);
        Arbitrary<String> groups = Arbitraries.of("db", "files", "");
        return Combinators.combine(offsets, groups).as((o, g) -> new Object[] {o, g}).list().ofMinSize(1).ofMaxSize(50).map(list -> {
            List<ManifestHeader> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String g = (String) list.get(i)[1];
                out.add(at(BASE.plusSeconds((Long) list.get(i)[0]), i, g.isEmpty() ? Map.of() : Map.of("group", g)));
            }
            return out;
        });
    }

    @Property(tries = 300)
    void newestNewestVerifiedAndPinnedAreNeverForgotten(@ForAll("labelledTimelines") List<ManifestHeader> b,
                                                        @ForAll("repositoryPolicies") KeepPolicy p, @ForAll java.util.Random random) {
        Set<BackupId> verified = new HashSet<>();
        Set<BackupId> pinned = new HashSet<>();
        for (ManifestHeader h : b) {
            if (random.nextInt(4) == 0) {
                verified.add(h.id());
            }
            if (random.nextInt(10) == 0) {
                pinned.add(h.id());
            }
        }
        io.wlj.backup.retention.PrunePlan plan = planOrJustifiedRefusal(p, b, verified, Set.of(), pinned, BASE);
        if (plan == null) {
            return;
        }
        Set<BackupId> forget = new HashSet<>(plan.forget());
        pinned.forEach(id -> assertThat(forget).doesNotContain(id));
        Map<String, List<ManifestHeader>> byGroup = b.stream().collect(Collectors.groupingBy(io.wlj.backup.retention.PrunePlan::groupOf));
        byGroup.forEach((g, list) -> {
            java.util.Comparator<ManifestHeader> order = java.util.Comparator.comparing(ManifestHeader::createdAt).thenComparing(h -> h.id().value());
            assertThat(forget).doesNotContain(list.stream().max(order).orElseThrow().id());
            list.stream().filter(h -> verified.contains(h.id())).max(order).ifPresent(v -> assertThat(forget).doesNotContain(v.id()));
            assertThat(list.stream().map(ManifestHeader::id).filter(id -> !forget.contains(id))).as("group %s is never emptied", g).isNotEmpty();
        });
        plan.groups().values().stream().flatMap(List::stream).filter(RetentionPolicy.Decision::keep)
                .forEach(d -> assertThat(d.reasons()).isNotEmpty());
    }

    static ManifestHeader emptied(ManifestHeader h) {
        return new ManifestHeader(h.formatVersion(), h.id(), h.createdAt(), h.completedAt(), h.status(), h.kind(), h.labels(),
                h.toolVersion(), List.of(), 0, null, List.of(), h.sources());
    }

    @Property(tries = 300)
    void emptyAndFailedBackupsNeverCountAndPruningIsIdempotent(@ForAll("labelledTimelines") List<ManifestHeader> timeline,
                                                               @ForAll("repositoryPolicies") KeepPolicy p, @ForAll java.util.Random random) {
        List<ManifestHeader> b = new ArrayList<>();
        Set<BackupId> empty = new HashSet<>();
        Set<BackupId> verified = new HashSet<>();
        Set<BackupId> failed = new HashSet<>();
        Set<BackupId> pinned = new HashSet<>();
        for (ManifestHeader h : timeline) {
            int r = random.nextInt(12);
            if (r == 0) {
                empty.add(h.id());
                b.add(emptied(h));
            } else {
                b.add(h);
            }
            if (r == 1) {
                failed.add(h.id());
            } else if (r < 4) {
                verified.add(h.id());
            }
            if (random.nextInt(15) == 0) {
                pinned.add(h.id());
            }
        }
        io.wlj.backup.retention.PrunePlan plan = planOrJustifiedRefusal(p, b, verified, failed, pinned, LATER);
        if (plan == null) {
            return;
        }
        plan.groups().forEach((g, decisions) -> {
            List<RetentionPolicy.Decision> good = decisions.stream().filter(d -> !empty.contains(d.id()) && !failed.contains(d.id())).toList();
            if (!good.isEmpty()) {
                assertThat(good).as("group %s keeps a good backup", g).anyMatch(RetentionPolicy.Decision::keep);
            }
        });
        for (RetentionPolicy.Decision d : plan.groups().values().stream().flatMap(List::stream).toList()) {
            if (empty.contains(d.id()) || failed.contains(d.id())) {
                assertThat(d.reasons()).as("%s is not a good backup: no rule may count it", d.id())
                        .allMatch(r -> r.equals("newest") || r.equals("pinned") || r.startsWith("last verification failed")
                                || r.startsWith("empty"));
            }
            if (failed.contains(d.id())) {
                assertThat(d.keep()).as("a failed verification is kept as evidence").isTrue();
            }
        }
        Set<BackupId> gone = new HashSet<>(plan.forget());
        List<ManifestHeader> after = b.stream().filter(h -> !gone.contains(h.id())).toList();
        assertThat(io.wlj.backup.retention.PrunePlan.of(p, after, verified, failed, pinned, io.wlj.backup.retention.PrunePlan::groupOf, LATER)
                .forget()).as("planning again after applying forgets nothing more").isEmpty();
    }

    @Example
    void aFutureDatedBackupTakesNeitherSafetyMark() {
        List<ManifestHeader> b = timeline("2026-02-01T00:00:00Z", "2026-02-20T00:00:00Z", "2027-01-01T00:00:00Z");
        io.wlj.backup.retention.PrunePlan plan = io.wlj.backup.retention.PrunePlan.of(KeepPolicy.keep().last(1), b,
                Set.of(b.get(1).id(), b.get(2).id()), Set.of(), Set.of(), io.wlj.backup.retention.PrunePlan::groupOf, BASE);
        List<RetentionPolicy.Decision> d = plan.groups().get("default");
        assertThat(d.get(1).reasons()).containsExactly("last #1", "newest", "newest verified");
        assertThat(d.get(2).reasons()).containsExactly("future-dated");
        assertThat(d.get(0).reasons()).containsExactly("no rule keeps it");
        assertThat(d.get(0).keep()).isFalse();
    }

    @Example
    void theSafetyRulesShowInTheReasons() {
        List<ManifestHeader> b = timeline("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z");
        io.wlj.backup.retention.PrunePlan plan = io.wlj.backup.retention.PrunePlan.of(KeepPolicy.keep().last(1), b, Set.of(b.get(1).id()), Set.of(),
                Set.of(b.get(0).id()), io.wlj.backup.retention.PrunePlan::groupOf, LATER);
        List<RetentionPolicy.Decision> d = plan.groups().get("default");
        assertThat(d.get(0).reasons()).containsExactly("pinned");
        assertThat(d.get(1).reasons()).containsExactly("newest verified");
        assertThat(d.get(2).keep()).isFalse();
        assertThat(d.get(3).reasons()).containsExactly("last #1", "newest");
        assertThat(plan.forget()).containsExactly(b.get(2).id());
    }
}
