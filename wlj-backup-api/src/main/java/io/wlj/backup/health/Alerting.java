package io.wlj.backup.health;

import com.fasterxml.jackson.core.type.TypeReference;
import io.wlj.backup.BackupException;
import io.wlj.backup.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns health reports into alerts an on-call engineer wants: one per failing check and not
 * fifty (a cooldown per check, default 60 minutes, broken early only when the level gets worse),
 * and a recovery notice when a check that alerted is healthy again. Sinks that fail are reported;
 * the others still get the alert. The state (what alerted, when) lives in memory, or in
 * {@link #stateFile} so that separate runs (a cron job) share it. Settings are immutable, and
 * each configured instance keeps its own in-memory state; {@link #dispatch} is synchronised.
 */
public final class Alerting {
    private final List<AlertSink> sinks;
    private final Duration cooldown;
    private final Level minLevel;
    private final Clock clock;
    private final Path stateFile;
    private final Map<String, Sent> memory = new LinkedHashMap<>();

    /** What was last sent for a key. */
    record Sent(Level level, Instant time) {
    }

    /** What {@link #dispatch} did. */
    public record Dispatch(List<Alert> sent, List<Alert> suppressed, List<String> failures) {
        public Dispatch {
            sent = List.copyOf(sent);
            suppressed = List.copyOf(suppressed);
            failures = List.copyOf(failures);
        }
    }

    private Alerting(List<AlertSink> sinks, Duration cooldown, Level minLevel, Clock clock, Path stateFile) {
        this.sinks = List.copyOf(sinks);
        this.cooldown = cooldown;
        this.minLevel = minLevel;
        this.clock = clock;
        this.stateFile = stateFile;
    }

    public static Alerting to(AlertSink... sinks) {
        if (sinks.length == 0) {
            throw BackupException.badInput("Alerting needs at least one sink.");
        }
        return new Alerting(List.of(sinks), Duration.ofMinutes(60), Level.WARNING, Clock.systemUTC(), null);
    }

    /** No second alert for the same check within this time unless it gets worse (default 60 min). */
    public Alerting cooldown(Duration cooldown) {
        if (Objects.requireNonNull(cooldown, "cooldown").isNegative()) {
            throw BackupException.badInput("The cooldown cannot be negative.");
        }
        return new Alerting(sinks, cooldown, minLevel, clock, stateFile);
    }

    /** Checks at this level or worse alert (default WARNING). */
    public Alerting minLevel(Level level) {
        if (Objects.requireNonNull(level, "level") == Level.INFO) {
            throw BackupException.badInput("Alerting on INFO would page for every healthy check; the lowest level is WARNING.");
        }
        return new Alerting(sinks, cooldown, level, clock, stateFile);
    }

    public Alerting clock(Clock clock) {
        return new Alerting(sinks, cooldown, minLevel, Objects.requireNonNull(clock, "clock"), stateFile);
    }

    /** Keep the state in this JSON file, shared by runs. */
    public Alerting stateFile(Path file) {
        return new Alerting(sinks, cooldown, minLevel, clock, Objects.requireNonNull(file, "file"));
    }

    /** Sends what {@code report} calls for, and returns what was sent, held back by the cooldown, and failed. */
    public synchronized Dispatch dispatch(HealthReport report) {
        Map<String, Sent> state = load();
        Instant now = clock.instant();
        List<Alert> sent = new ArrayList<>();
        List<Alert> suppressed = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (HealthCheck c : report.checks()) {
            Sent last = state.get(c.name());
            if (c.level().compareTo(minLevel) >= 0) {
                Alert a = new Alert(c.name(), c.level(), c.message(), report.time(), false);
                boolean cooling = last != null && Duration.between(last.time(), now).compareTo(cooldown) < 0
                        && c.level().compareTo(last.level()) <= 0;
                if (cooling) {
                    suppressed.add(a);
                    continue;
                }
                if (deliver(a, failures)) {
                    sent.add(a);
                    state.put(c.name(), new Sent(c.level(), now));
                }
            } else if (last != null) {
                Alert a = new Alert(c.name(), c.level(), c.message(), report.time(), true);
                if (deliver(a, failures)) {
                    sent.add(a);
                    state.remove(c.name());
                }
            }
        }
        save(state);
        return new Dispatch(sent, suppressed, failures);
    }

    /** True when at least one sink took it (so the cooldown starts); every failure is listed. */
    private boolean deliver(Alert a, List<String> failures) {
        boolean any = false;
        for (AlertSink s : sinks) {
            try {
                s.send(a);
                any = true;
            } catch (IOException | RuntimeException e) {
                failures.add(s.name() + " could not deliver '" + a.key() + "': " + e.getMessage());
            }
        }
        return any;
    }

    private Map<String, Sent> load() {
        if (stateFile == null) {
            return memory;
        }
        if (!Files.exists(stateFile)) {
            return new LinkedHashMap<>();
        }
        try {
            return new LinkedHashMap<>(Json.MAPPER.readValue(stateFile.toFile(), new TypeReference<Map<String, Sent>>() { }));
        } catch (IOException e) {
            throw new BackupException(io.wlj.backup.ErrorCode.IO, "The alert state " + stateFile + " cannot be read: " + e.getMessage(), e);
        }
    }

    private void save(Map<String, Sent> state) {
        if (stateFile == null) {
            return; // memory is the state itself
        }
        try {
            Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            Json.MAPPER.writeValue(tmp.toFile(), state);
            Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BackupException(io.wlj.backup.ErrorCode.IO, "The alert state " + stateFile + " cannot be written: " + e.getMessage(), e);
        }
    }
}
