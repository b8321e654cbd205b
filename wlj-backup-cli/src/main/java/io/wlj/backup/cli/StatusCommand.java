package io.wlj.backup.cli;

import io.wlj.backup.GateResult;
import io.wlj.backup.health.HealthCheck;
import io.wlj.backup.health.HealthMonitor;
import io.wlj.backup.health.HealthReport;
import io.wlj.backup.health.Level;
import io.wlj.backup.internal.Durations;
import io.wlj.backup.internal.Json;
import io.wlj.backup.postgres.PostgresGates;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", description = {"Health of the repository: freshness of the newest backup per group, its last verification "
        + "and restore drill, its stored checksums, its size against the ones before, disk usage, and the database when --db is given.",
        "Needs no key. Exit 0 when nothing is ERROR or worse, else 3."})
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    RepositoryOption repository;
    @Mixin
    OutputOptions output;

    @Option(names = "--max-age", paramLabel = "DURATION", defaultValue = "26h",
            description = "The newest backup of each group must be younger (default: ${DEFAULT-VALUE}).")
    String maxAge;

    @Option(names = "--disk-threshold", paramLabel = "PERCENT", defaultValue = "85",
            description = "Warn when the repository's file system is fuller than this (default: ${DEFAULT-VALUE}%%).")
    int diskThreshold;

    @Option(names = "--db", paramLabel = "JDBC_URL", description = "Also check that this database answers (retried 3 times).")
    String db;

    @Mixin
    DatabaseLogin login;

    @Option(names = "--webhook", paramLabel = "URL", description = "Send alerts (WARNING or worse, and recoveries) as JSON POSTs here.")
    java.net.URI webhook;

    @Option(names = "--alert-command", paramLabel = "PROGRAM", description = "Run this program for each alert, the alert as JSON on its stdin "
            + "(repeat the option for its arguments: --alert-command /usr/local/bin/page --alert-command oncall).")
    List<String> alertCommand = new java.util.ArrayList<>();

    @Option(names = "--cooldown", paramLabel = "DURATION", defaultValue = "60m",
            description = "No second alert for the same check within this time unless it gets worse (default: ${DEFAULT-VALUE}).")
    String cooldown;

    @Option(names = "--alert-state", paramLabel = "FILE", description = "Where alerts remember what they sent, between runs "
            + "(default: alerts.json in the repository's directory when alerting).")
    java.nio.file.Path alertState;

    @Override
    public Integer call() throws Exception {
        if (diskThreshold < 1 || diskThreshold > 100) {
            throw io.wlj.backup.BackupException.badInput("--disk-threshold is a percentage between 1 and 100, not " + diskThreshold + ".");
        }
        HealthMonitor monitor = HealthMonitor.of(repository.open()).maxAge(Durations.parse(maxAge)).diskThreshold(diskThreshold / 100.0);
        if (db != null) {
            var gate = PostgresGates.connectivity().on(login.database(db));
            monitor = monitor.probe("database", () -> {
                GateResult r = gate.evaluate(io.wlj.backup.spi.GateContext.detached(io.wlj.backup.Stage.BEFORE_BACKUP));
                return new HealthCheck("database", r.failed() ? Level.ERROR : Level.INFO, "The database " + r.evidence() + ".");
            });
        }
        HealthReport report = monitor.check();
        PrintWriter out = spec.commandLine().getOut();
        io.wlj.backup.health.Alerting.Dispatch alerts = null;
        if (webhook != null || !alertCommand.isEmpty()) {
            List<io.wlj.backup.health.AlertSink> sinks = new java.util.ArrayList<>();
            if (webhook != null) {
                sinks.add(io.wlj.backup.health.AlertSinks.webhook(webhook));
            }
            if (!alertCommand.isEmpty()) {
                sinks.add(io.wlj.backup.health.AlertSinks.command(alertCommand, java.time.Duration.ofSeconds(60)));
            }
            java.nio.file.Path state = alertState != null ? alertState : repository.open().root().resolve("alerts.json");
            alerts = io.wlj.backup.health.Alerting.to(sinks.toArray(io.wlj.backup.health.AlertSink[]::new))
                    .cooldown(Durations.parse(cooldown)).stateFile(state).dispatch(report);
        }
        if (output.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("time", report.time().toString());
            m.put("level", report.level().name());
            m.put("checks", report.checks().stream().map(c -> Map.of("name", c.name(), "level", c.level().name(), "message", c.message())).toList());
            out.println(Json.PRETTY.writeValueAsString(m));
        } else {
            for (HealthCheck c : report.checks()) {
                out.printf("%-9s %-22s %s%n", c.level(), c.name(), c.message());
            }
            out.println("Overall: " + report.level());
        }
        if (alerts != null) {
            spec.commandLine().getErr().println("alerts: " + alerts.sent().size() + " sent, " + alerts.suppressed().size()
                    + " held back by the cooldown" + (alerts.failures().isEmpty() ? "" : "; failed: " + String.join("; ", alerts.failures())));
        }
        return report.healthy() ? WljBackup.OK : WljBackup.CHECK_FAILED;
    }
}
