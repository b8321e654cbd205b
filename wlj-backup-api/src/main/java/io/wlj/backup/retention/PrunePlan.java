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
 * override: the newest backup of each group, its newest backup with a successful verification,
 * and pinned backups are kept, and say so in their reasons. Only planning: nothing is deleted
 * here. Immutable.
 *
 * @param groups the decisions per group (group key to decisions, oldest first)
 */
public record PrunePlan(Map<String, List<RetentionPolicy.Decision>> groups) {
    public PrunePlan {
        Map<String, List<RetentionPolicy.Decision>> copy = new TreeMap<>();
        groups.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        groups = java.util.Collections.unmodifiableMap(copy);
    }

    /** The default grouping: the {@code group} label, else {@code default}. */
    public static String groupOf(ManifestHeader h) {
        return h.labels().getOrDefault("group", "default");
    }

    /**
     * Plans over {@code backups} (sealed ones; restores' safety backups count as their own group
     * {@code pre-restore}), where {@code verified} are the backups with a successful verification
     * and {@code pinned} those pinned.
     */
    public static PrunePlan of(RetentionPolicy policy, List<ManifestHeader> backups, Set<BackupId> verified, Set<BackupId> pinned,
                               Function<ManifestHeader, String> grouping, Instant now) {
        Objects.requireNonNull(policy, "policy");
        Map<String, List<ManifestHeader>> byGroup = new LinkedHashMap<>();
        for (ManifestHeader h : backups) {
            if (!ManifestHeader.SEALED.equals(h.status())) {
                continue; // not a good backup: never counts as one kept
            }
            String g = "pre-restore".equals(h.labels().get("kind")) ? "pre-restore" : grouping.apply(h);
            byGroup.computeIfAbsent(g, k -> new ArrayList<>()).add(h);
        }
        Map<String, List<RetentionPolicy.Decision>> out = new LinkedHashMap<>();
        byGroup.forEach((group, list) -> {
            list.sort(Comparator.comparing(ManifestHeader::createdAt).thenComparing(h -> h.id().value()));
            RetentionPolicy.Plan plan = policy.plan(list, now);
            BackupId newest = list.get(list.size() - 1).id();
            BackupId newestVerified = null;
            for (ManifestHeader h : list) {
                if (verified.contains(h.id())) {
                    newestVerified = h.id();
                }
            }
            List<RetentionPolicy.Decision> decisions = new ArrayList<>();
            for (RetentionPolicy.Decision d : plan.decisions()) {
                List<String> reasons = new ArrayList<>(d.reasons());
                if (d.id().equals(newest)) {
                    reasons.add("newest");
                }
                if (d.id().equals(newestVerified)) {
                    reasons.add("newest verified");
                }
                if (pinned.contains(d.id())) {
                    reasons.add("pinned");
                }
                decisions.add(new RetentionPolicy.Decision(d.id(), !reasons.isEmpty(), reasons));
            }
            if (decisions.stream().noneMatch(RetentionPolicy.Decision::keep)) {
                throw BackupException.badInput("The policy would empty group '" + group + "'; nothing is planned.");
            }
            out.put(group, decisions);
        });
        return new PrunePlan(out);
    }

    /** Every backup to forget, across groups. */
    public List<BackupId> forget() {
        return groups.values().stream().flatMap(List::stream).filter(d -> !d.keep()).map(RetentionPolicy.Decision::id).toList();
    }
}
