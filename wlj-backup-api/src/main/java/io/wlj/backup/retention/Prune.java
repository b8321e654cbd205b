package io.wlj.backup.retention;

import io.wlj.backup.BackupException;
import io.wlj.backup.BackupId;
import io.wlj.backup.ErrorCode;
import io.wlj.backup.audit.AuditEntry;
import io.wlj.backup.internal.HostInfo;
import io.wlj.backup.repository.Leftover;
import io.wlj.backup.repository.LockMode;
import io.wlj.backup.repository.ManifestHeader;
import io.wlj.backup.repository.Pin;
import io.wlj.backup.repository.VerificationRecord;
import io.wlj.backup.spi.BackupRepository;
import io.wlj.backup.spi.RepositoryLock;
import io.wlj.backup.spi.RetentionPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a retention policy to a repository, as a porcelain command: configure, then
 * {@link #call()}. Under an exclusive lock it first reads everything it decides on (the
 * listing, every backup's verifications, the pins, the leftovers), so that a listing or read
 * error stops it before anything is deleted. Then it forgets what the {@link PrunePlan} says,
 * each backup unsealed before its files go, and removes leftovers: those of interrupted
 * forgets at once, unsealed backups and temporary files once older than the grace period.
 * Needs no key. Not thread-safe; make one per run.
 */
public final class Prune {
    private static final Logger LOG = LoggerFactory.getLogger(Prune.class);
    /** How old an unsealed leftover must be before prune removes it (default). */
    public static final Duration DEFAULT_GRACE = Duration.ofHours(24);

    private final BackupRepository repository;
    private final RetentionPolicy policy;
    private GroupBy grouping = GroupBy.standard();
    private Duration grace = DEFAULT_GRACE;
    private Clock clock = Clock.systemUTC();
    private boolean dryRun;

    private Prune(BackupRepository repository, RetentionPolicy policy) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** A prune of {@code repository} by {@code policy}. */
    public static Prune of(BackupRepository repository, RetentionPolicy policy) {
        return new Prune(repository, policy);
    }

    /** How backups are grouped before the policy applies (default {@link GroupBy#standard()}). */
    public Prune groupBy(GroupBy grouping) {
        this.grouping = Objects.requireNonNull(grouping, "grouping");
        return this;
    }

    /** How old an unsealed backup or temporary file must be before it is removed as garbage (default 24h). */
    public Prune grace(Duration grace) {
        if (Objects.requireNonNull(grace, "grace").isNegative()) {
            throw BackupException.badInput("The grace period cannot be negative.");
        }
        this.grace = grace;
        return this;
    }

    /** The clock that "now" comes from (tests). */
    public Prune clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Plans only: reports what would be forgotten and removed, and deletes nothing. */
    public Prune dryRun(boolean dryRun) {
        this.dryRun = dryRun;
        return this;
    }

    /** Runs the prune; throws {@link BackupException} (nothing more deleted) on the first error. */
    public PruneResult call() {
        Instant start = clock.instant();
        List<String> steps = new ArrayList<>();
        // A preview only reads, so it does not stop backups; deleting needs the repository alone.
        try (RepositoryLock lock = repository.lock(dryRun ? LockMode.SHARED : LockMode.EXCLUSIVE, dryRun ? "prune (dry run)" : "prune")) {
            // Everything decided on is read first: a failure here leaves the repository untouched.
            List<ManifestHeader> backups = repository.list();
            Set<BackupId> verified = new HashSet<>();
            Set<BackupId> failed = new HashSet<>();
            for (ManifestHeader h : backups) {
                List<VerificationRecord> records = repository.verifications(h.id());
                if (!records.isEmpty()) {
                    (records.get(records.size() - 1).passed() ? verified : failed).add(h.id());
                }
            }
            Set<BackupId> pinned = new HashSet<>();
            for (Pin p : repository.pins()) {
                pinned.add(p.backupId());
            }
            List<Leftover> leftovers = repository.leftovers();
            Instant now = clock.instant();
            PrunePlan plan = PrunePlan.of(policy, backups, verified, failed, pinned, grouping::keyOf, now);

            Map<BackupId, ManifestHeader> headers = new HashMap<>();
            backups.forEach(h -> headers.put(h.id(), h));
            List<PruneResult.Entry> keep = new ArrayList<>();
            List<PruneResult.Entry> forget = new ArrayList<>();
            plan.groups().forEach((group, decisions) -> decisions.forEach(d -> (d.keep() ? keep : forget)
                    .add(new PruneResult.Entry(d.id(), headers.get(d.id()).createdAt(), group, d.reasons()))));
            if (dryRun) {
                List<Leftover> due = leftovers.stream().filter(l -> l.dueForRemoval(now, grace)).toList();
                return new PruneResult(policy.toString(), grouping.toString(), true, keep, forget, due, Duration.between(start, clock.instant()));
            }
            for (PruneResult.Entry e : forget) {
                repository.forget(e.id());
                steps.add("forgot " + e.id() + " (" + e.group() + ")");
                LOG.info("Forgot backup {} ({})", e.id(), e.group());
            }
            List<Leftover> garbage = repository.removeLeftovers(grace, now);
            garbage.forEach(l -> steps.add("removed leftover " + l.path() + " (" + l.kind() + ", " + l.bytes() + " bytes)"));
            PruneResult result = new PruneResult(policy.toString(), grouping.toString(), false, keep, forget, garbage,
                    Duration.between(start, clock.instant()));
            audit(start, "SUCCESS", steps, Map.of("policy", policy.toString(), "groupBy", grouping.toString(),
                    "kept", String.valueOf(keep.size()), "forgotten", String.valueOf(forget.size()),
                    "leftoversRemoved", String.valueOf(garbage.size())));
            return result;
        } catch (RuntimeException e) {
            BackupException failure = e instanceof BackupException be ? be
                    : new BackupException(ErrorCode.IO, "The prune failed: " + e, e);
            if (!dryRun && failure.code() != ErrorCode.LOCKED) {
                audit(start, "FAILED", steps, Map.of("policy", policy.toString(), "error", failure.code().name(),
                        "message", failure.getMessage()));
            }
            throw failure;
        }
    }

    private void audit(Instant start, String outcome, List<String> steps, Map<String, String> details) {
        try {
            repository.journal().append(new AuditEntry("prune", start, clock.instant(), outcome, steps, List.of(), details,
                    HostInfo.host(), HostInfo.user()));
        } catch (RuntimeException e) {
            LOG.warn("Could not write the prune to the audit journal: {}", e.getMessage());
        }
    }
}
