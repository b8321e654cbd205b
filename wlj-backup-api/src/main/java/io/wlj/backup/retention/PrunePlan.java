package io.wlj.backup.retention;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupId;
import io.wlj.backup.repository.ManifestHeader;
import io.wlj.backup.spi.RetentionPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A policy applied to a whole repository, group by group, with the safety rules no policy can
 * override: the newest backup of each group, its newest backup whose last verification passed,
 * and pinned backups are kept, and say so in their reasons. Backups that are not good ones
 * count for no rule: an empty backup (no stored bytes) is forgotten unless a safety rule keeps
 * it, and one whose last verification failed is kept as evidence but counted for nothing. A
 * policy whose rules keep no good backup of a group is refused. Future-dated backups are kept
 * and never take the newest or newest verified mark. Forgotten backups say why ("no rule keeps
 * it", "empty (no stored bytes)"). Only planning: nothing is deleted here. Immutable.
 *
 * @param groups the decisions per group (group key to decisions, oldest first)
 */
public record PrunePlan(Map<String, List<RetentionPolicy.Decision>> groups) {
    public PrunePlan {
        Map<String, List<RetentionPolicy.Decision>> copy = new TreeMap<>();
        groups.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        groups = java.util.Collections.unmodifiableMap(copy);
    }

    static final String NOT_COUNTED = "last verification failed (kept, counts for no rule)";
    static final String EMPTY = "empty (no stored bytes)";
    static final String NO_RULE = "no rule keeps it";
    static final String FUTURE = "future-dated";

    /** A simple grouping by the {@code group} label, else {@code default}; see {@link GroupBy} for the standard one. */
    public static String groupOf(ManifestHeader h) {
        return h.labels().getOrDefault("group", "default");
    }

    /**
     * Plans over {@code backups}, where {@code verified} are the backups whose last verification
     * passed, {@code failed} those whose last verification failed, and {@code pinned} those
     * pinned. Only sealed backups take part; restores' safety backups are grouped apart.
     */
    public static PrunePlan of(RetentionPolicy policy, List<ManifestHeader> backups, Set<BackupId> verified, Set<BackupId> failed,
                               Set<BackupId> pinned, Function<ManifestHeader, String> grouping, Instant now) {
        Objects.requireNonNull(policy, "policy");
        Map<String, List<ManifestHeader>> byGroup = new LinkedHashMap<>();
        for (ManifestHeader h : backups) {
            if (!ManifestHeader.SEALED.equals(h.status())) {
                continue; // not a good backup: never counts as one kept
            }
            String g = h.safetyBackup() ? "kind=" + ManifestHeader.PRE_RESTORE + " " + grouping.apply(h) : grouping.apply(h);
            byGroup.computeIfAbsent(g, k -> new ArrayList<>()).add(h);
        }
        if (policy instanceof KeepPolicy kp) {
            // A label is checked against the whole repository: matching nothing anywhere is a typo.
            for (String label : kp.labels()) {
                if (!byGroup.isEmpty() && byGroup.values().stream().flatMap(List::stream).noneMatch(h -> KeepPolicy.carries(h, label))) {
                    throw BackupException.badInput("keep-label '" + label + "' matches no backup in the repository; a filter that "
                            + "matches nothing is taken as a mistake, not as keeping nothing.");
                }
            }
        }
        Map<String, List<RetentionPolicy.Decision>> out = new LinkedHashMap<>();
        byGroup.forEach((group, list) -> {
            list.sort(Comparator.comparing(ManifestHeader::createdAt).thenComparing(h -> h.id().value()));
            List<ManifestHeader> counted = list.stream().filter(h -> !failed.contains(h.id()) && !isEmpty(h)).toList();
            Map<BackupId, List<String>> ruled = new LinkedHashMap<>();
            if (!counted.isEmpty()) {
                RetentionPolicy.Plan plan = policy instanceof KeepPolicy kp ? kp.plan(counted, now, false) : policy.plan(counted, now);
                plan.decisions().forEach(d -> ruled.put(d.id(), d.keep() ? d.reasons() : List.of()));
                if (ruled.values().stream().allMatch(List::isEmpty)) {
                    // As restic refuses a --keep-tag that would remove a whole group: only the
                    // safety rules would keep anything here, and they may keep a broken backup.
                    throw BackupException.badInput("The policy (" + policy + ") keeps no good backup of group '" + group
                            + "'; add a rule such as keep-last, or group differently. Nothing was deleted.");
                }
            }
            // The safety markers ignore future-dated backups: a wrong clock must not move them off the real newest.
            ManifestHeader newest = null;
            ManifestHeader newestVerified = null;
            for (ManifestHeader h : list) {
                if (h.createdAt().isAfter(now)) {
                    continue;
                }
                newest = h;
                if (verified.contains(h.id()) && counted.contains(h)) { // an empty backup "verifies" trivially
                    newestVerified = h;
                }
            }
            List<RetentionPolicy.Decision> decisions = new ArrayList<>();
            for (ManifestHeader h : list) {
                List<String> reasons = new ArrayList<>(ruled.getOrDefault(h.id(), List.of()));
                if (h.createdAt().isAfter(now) && !reasons.contains(FUTURE)) {
                    reasons.add(FUTURE);
                }
                if (failed.contains(h.id())) {
                    reasons.add(NOT_COUNTED);
                }
                if (h == newest) {
                    reasons.add("newest");
                }
                if (h == newestVerified) {
                    reasons.add("newest verified");
                }
                if (pinned.contains(h.id())) {
                    reasons.add("pinned");
                }
                decisions.add(!reasons.isEmpty() ? new RetentionPolicy.Decision(h.id(), true, reasons)
                        : new RetentionPolicy.Decision(h.id(), false, List.of(isEmpty(h) ? EMPTY : NO_RULE)));
            }
            if (decisions.stream().noneMatch(RetentionPolicy.Decision::keep)) {
                throw BackupException.badInput("The policy would empty group '" + group + "'; nothing is planned.");
            }
            out.put(group, decisions);
        });
        return new PrunePlan(out);
    }

    /** A sealed backup that stores nothing: never a good one. */
    private static boolean isEmpty(ManifestHeader h) {
        return h.storedBytes() <= 0 || h.artifacts().isEmpty();
    }

    /** Every backup to forget, across groups. */
    public List<BackupId> forget() {
        return groups.values().stream().flatMap(List::stream).filter(d -> !d.keep()).map(RetentionPolicy.Decision::id).toList();
    }

    /** Every backup to keep, across groups. */
    public List<BackupId> keep() {
        return groups.values().stream().flatMap(List::stream).filter(RetentionPolicy.Decision::keep).map(RetentionPolicy.Decision::id).toList();
    }
}
