package io.wlj.backup.health;

import io.wlj.backup.BackupException;
import io.wlj.backup.internal.Verifier;
import io.wlj.backup.repository.FileSystemRepository;
import io.wlj.backup.repository.ManifestHeader;
import io.wlj.backup.repository.VerificationRecord;
import io.wlj.backup.spi.BackupRepository;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Looks at a repository as an on-call engineer would: is there a recent backup in every group,
 * was the newest verified and drilled, are its stored bytes intact, did its size collapse, is the
 * disk filling up, does the database answer. Needs read access only and no key, so it can run on
 * a separate monitoring host. Immutable; {@link #check()} returns a {@link HealthReport}.
 * <pre>{@code
 * HealthReport r = HealthMonitor.of(repository).maxAge(Duration.ofHours(26)).check();
 * }</pre>
 */
public final class HealthMonitor {
    private final BackupRepository repository;
    private final Duration maxAge;
    private final Duration maxVerificationAge;
    private final Duration maxDrillAge;
    private final double diskThreshold;
    private final Clock clock;
    private final Map<String, Supplier<HealthCheck>> probes;

    private HealthMonitor(BackupRepository repository, Duration maxAge, Duration maxVerificationAge, Duration maxDrillAge,
                          double diskThreshold, Clock clock, Map<String, Supplier<HealthCheck>> probes) {
        this.repository = repository;
        this.maxAge = maxAge;
        this.maxVerificationAge = maxVerificationAge;
        this.maxDrillAge = maxDrillAge;
        this.diskThreshold = diskThreshold;
        this.clock = clock;
        this.probes = Map.copyOf(probes);
    }

    /** Monitors {@code repository} with the defaults: 26 h, verification within 7 d, a drill within 92 d, disk 85%. */
    public static HealthMonitor of(BackupRepository repository) {
        return new HealthMonitor(Objects.requireNonNull(repository, "repository"), Duration.ofHours(26), Duration.ofDays(7),
                Duration.ofDays(92), 0.85, Clock.systemUTC(), new LinkedHashMap<>());
    }

    /** The newest sealed backup of each group must be younger than this (default 26 h). */
    public HealthMonitor maxAge(Duration maxAge) {
        return new HealthMonitor(repository, positive(maxAge, "maximum age"), maxVerificationAge, maxDrillAge, diskThreshold, clock, probes);
    }

    /** The newest backup's last verification must be younger than this (default 7 d). */
    public HealthMonitor maxVerificationAge(Duration age) {
        return new HealthMonitor(repository, maxAge, positive(age, "verification age"), maxDrillAge, diskThreshold, clock, probes);
    }

    /** The last restore drill must be younger than this (default 92 d, a quarter). */
    public HealthMonitor maxDrillAge(Duration age) {
        return new HealthMonitor(repository, maxAge, maxVerificationAge, positive(age, "drill age"), diskThreshold, clock, probes);
    }

    /** Warn when the repository's file system is fuller than this fraction (default 0.85). */
    public HealthMonitor diskThreshold(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw BackupException.badInput("The disk threshold is a fraction between 0 and 1 (0.85 for 85%), not " + fraction + ".");
        }
        return new HealthMonitor(repository, maxAge, maxVerificationAge, maxDrillAge, fraction, clock, probes);
    }

    /** The clock ages are measured with (tests inject one). */
    public HealthMonitor clock(Clock clock) {
        return new HealthMonitor(repository, maxAge, maxVerificationAge, maxDrillAge, diskThreshold, Objects.requireNonNull(clock, "clock"), probes);
    }

    /** An extra check, such as database connectivity; a probe that throws is an ERROR. */
    public HealthMonitor probe(String name, Supplier<HealthCheck> probe) {
        Map<String, Supplier<HealthCheck>> p = new LinkedHashMap<>(probes);
        p.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(probe, "probe"));
        return new HealthMonitor(repository, maxAge, maxVerificationAge, maxDrillAge, diskThreshold, clock, p);
    }

    private static Duration positive(Duration d, String what) {
        if (Objects.requireNonNull(d, what).isNegative() || d.isZero()) {
            throw BackupException.badInput("The " + what + " must be positive.");
        }
        return d;
    }

    /** Looks. A repository that cannot be listed is CRITICAL, never "no backups". */
    public HealthReport check() {
        Instant now = clock.instant();
        List<HealthCheck> checks = new ArrayList<>();
        List<ManifestHeader> all;
        try {
            all = repository.list();
        } catch (RuntimeException e) {
            checks.add(new HealthCheck("repository", Level.CRITICAL, "The repository at " + repository.location()
                    + " cannot be listed: " + e.getMessage()));
            return report(now, checks);
        }
        List<ManifestHeader> regular = all.stream().filter(h -> !h.safetyBackup()).toList();
        if (regular.isEmpty()) {
            checks.add(new HealthCheck("freshness", Level.CRITICAL, "The repository at " + repository.location() + " holds no backup at all."));
        } else {
            freshness(regular, now, checks);
            ManifestHeader newest = regular.stream().max(Comparator.comparing(ManifestHeader::createdAt)).orElseThrow();
            verification(newest, now, checks);
            integrity(newest, checks);
            sizeAnomaly(regular, newest, checks);
        }
        drill(all, now, checks);
        leftovers(now, checks);
        disk(checks);
        probes.forEach((name, probe) -> {
            try {
                checks.add(probe.get());
            } catch (RuntimeException e) {
                checks.add(new HealthCheck(name, Level.ERROR, name + " could not be checked: " + e.getMessage()));
            }
        });
        return report(now, checks);
    }

    private static HealthReport report(Instant now, List<HealthCheck> checks) {
        Level worst = checks.stream().map(HealthCheck::level).max(Comparator.naturalOrder()).orElse(Level.INFO);
        return new HealthReport(now, worst, checks);
    }

    private void freshness(List<ManifestHeader> regular, Instant now, List<HealthCheck> checks) {
        Map<String, ManifestHeader> newestByGroup = new java.util.TreeMap<>();
        for (ManifestHeader h : regular) {
            newestByGroup.merge(h.labels().getOrDefault("group", "default"), h, (a, b) -> a.createdAt().isAfter(b.createdAt()) ? a : b);
        }
        newestByGroup.forEach((group, h) -> {
            Duration age = Duration.between(h.createdAt(), now);
            boolean stale = age.compareTo(maxAge) > 0;
            checks.add(new HealthCheck("freshness " + group, stale ? Level.ERROR : Level.INFO, (stale ? "No backup of group '" + group
                    + "' for " : "The newest backup of group '" + group + "' is ") + hours(age) + " old (" + h.id() + "); the limit is "
                    + hours(maxAge) + "."));
        });
    }

    private void verification(ManifestHeader newest, Instant now, List<HealthCheck> checks) {
        Optional<VerificationRecord> last = repository.verifications(newest.id()).stream()
                .filter(r -> !VerificationRecord.RESTORE_TEST.equals(r.kind())).max(Comparator.comparing(VerificationRecord::time));
        if (last.isEmpty()) {
            checks.add(new HealthCheck("verification", Level.WARNING, "The newest backup " + newest.id() + " has never been verified."));
        } else if (!last.get().passed()) {
            checks.add(new HealthCheck("verification", Level.ERROR, "The last verification of " + newest.id() + " failed: "
                    + String.join("; ", last.get().problems())));
        } else {
            Duration age = Duration.between(last.get().time(), now);
            checks.add(new HealthCheck("verification", age.compareTo(maxVerificationAge) > 0 ? Level.WARNING : Level.INFO,
                    "The newest backup was last verified (" + last.get().kind() + ") " + hours(age) + " ago and passed."));
        }
    }

    private void drill(List<ManifestHeader> all, Instant now, List<HealthCheck> checks) {
        Optional<VerificationRecord> last = all.stream().flatMap(h -> repository.verifications(h.id()).stream())
                .filter(r -> VerificationRecord.RESTORE_TEST.equals(r.kind())).max(Comparator.comparing(VerificationRecord::time));
        if (last.isEmpty()) {
            checks.add(new HealthCheck("restore drill", Level.WARNING, "No restore drill has been run (verify --restore-test)."));
        } else if (!last.get().passed()) {
            checks.add(new HealthCheck("restore drill", Level.ERROR, "The last restore drill (" + last.get().backupId() + ", "
                    + hours(Duration.between(last.get().time(), now)) + " ago) failed: " + String.join("; ", last.get().problems())));
        } else {
            Duration age = Duration.between(last.get().time(), now);
            checks.add(new HealthCheck("restore drill", age.compareTo(maxDrillAge) > 0 ? Level.WARNING : Level.INFO,
                    "The last restore drill (" + last.get().backupId() + ") passed " + hours(age) + " ago."));
        }
    }

    private void integrity(ManifestHeader newest, List<HealthCheck> checks) {
        try {
            VerificationRecord r = Verifier.check(repository, repository.read(newest.id()), false, io.wlj.backup.ProgressMonitor.NONE);
            checks.add(r.passed() ? new HealthCheck("integrity", Level.INFO, "The " + r.artifacts() + " stored file(s) of the newest backup "
                    + newest.id() + " match their checksums.")
                    : new HealthCheck("integrity", Level.CRITICAL, "The newest backup " + newest.id() + " is damaged: " + String.join("; ", r.problems())));
        } catch (RuntimeException e) {
            checks.add(new HealthCheck("integrity", Level.CRITICAL, "The newest backup " + newest.id() + " cannot be read: " + e.getMessage()));
        }
    }

    private static void sizeAnomaly(List<ManifestHeader> regular, ManifestHeader newest, List<HealthCheck> checks) {
        String group = newest.labels().get("group");
        List<Long> earlier = regular.stream().filter(h -> h.createdAt().isBefore(newest.createdAt()))
                .filter(h -> Objects.equals(group, h.labels().get("group"))).map(ManifestHeader::storedBytes).toList();
        List<Long> last = new ArrayList<>(earlier.subList(Math.max(0, earlier.size() - 5), earlier.size()));
        if (last.isEmpty()) {
            return;
        }
        last.sort(null);
        long median = last.get(last.size() / 2);
        if (newest.storedBytes() < median / 2) {
            checks.add(new HealthCheck("size", Level.WARNING, "The newest backup stores " + newest.storedBytes() + " bytes, less than half the "
                    + "median of the " + last.size() + " before it (" + median + "): did a source lose data?"));
        } else {
            checks.add(new HealthCheck("size", Level.INFO, "The newest backup stores " + newest.storedBytes() + " bytes (median before: " + median + ")."));
        }
    }

    /** What interrupted operations left, and whether prune should have removed it by now. */
    private void leftovers(Instant now, List<HealthCheck> checks) {
        List<io.wlj.backup.repository.Leftover> all;
        try {
            all = repository.leftovers();
        } catch (RuntimeException e) {
            checks.add(new HealthCheck("leftovers", Level.WARNING, "The leftovers of interrupted operations cannot be listed: " + e.getMessage()));
            return;
        }
        List<io.wlj.backup.repository.Leftover> due = all.stream()
                .filter(l -> l.dueForRemoval(now, io.wlj.backup.retention.Prune.DEFAULT_GRACE)).toList();
        if (!due.isEmpty()) {
            long bytes = due.stream().mapToLong(io.wlj.backup.repository.Leftover::bytes).sum();
            checks.add(new HealthCheck("leftovers", Level.WARNING, due.size() + " leftover(s) of interrupted operations (" + bytes
                    + " bytes: " + due.stream().map(l -> l.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')).distinct().toList()
                    + ") are due for removal; run prune."));
        } else {
            checks.add(new HealthCheck("leftovers", Level.INFO, all.isEmpty() ? "No leftovers of interrupted operations."
                    : all.size() + " recent unsealed leftover(s): a backup may be running."));
        }
    }

    private void disk(List<HealthCheck> checks) {
        if (!(repository instanceof FileSystemRepository fs)) {
            return;
        }
        try {
            FileStore store = Files.getFileStore(fs.root());
            double used = 1.0 - (double) store.getUsableSpace() / store.getTotalSpace();
            Level level = used >= Math.max(diskThreshold, 0.95) ? Level.ERROR : used >= diskThreshold ? Level.WARNING : Level.INFO;
            checks.add(new HealthCheck("disk", level, String.format(java.util.Locale.ROOT, "The repository's file system is %.0f%% full "
                    + "(warning at %.0f%%).", used * 100, diskThreshold * 100)));
        } catch (IOException e) {
            checks.add(new HealthCheck("disk", Level.WARNING, "The repository's disk usage cannot be read: " + e.getMessage()));
        }
    }

    private static String hours(Duration d) {
        long h = d.toHours();
        return h >= 48 ? d.toDays() + "d" + (h % 24 == 0 ? "" : " " + h % 24 + "h") : h > 0 ? h + "h " + d.toMinutesPart() + "m"
                : d.toMinutes() + "m";
    }
}
