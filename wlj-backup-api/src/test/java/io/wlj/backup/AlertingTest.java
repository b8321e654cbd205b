package io.wlj.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.wlj.backup.health.Alert;
import io.wlj.backup.health.AlertSink;
import io.wlj.backup.health.AlertSinks;
import io.wlj.backup.health.Alerting;
import io.wlj.backup.health.HealthCheck;
import io.wlj.backup.health.HealthReport;
import io.wlj.backup.health.Level;
import io.wlj.backup.internal.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alerts: webhook delivery to a real HTTP server on loopback, a server that times out, a command, cooldowns and recoveries. */
class AlertingTest {
    @TempDir
    Path tmp;

    static final Instant T0 = Instant.parse("2026-11-23T03:00:00Z");

    static HealthReport report(Instant t, Level level) {
        return new HealthReport(t, level, List.of(new HealthCheck("freshness default", level, "No backup of group 'default' for 27h."),
                new HealthCheck("disk", Level.INFO, "40% full.")));
    }

    static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    @Test
    void webhookDeliveryCooldownEscalationAndRecovery() throws Exception {
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/hook", x -> {
            received.add(Json.MAPPER.readTree(x.getRequestBody()));
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        http.start();
        try {
            AlertSink hook = AlertSinks.webhook(URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/hook"));
            Alerting alerting = Alerting.to(hook).clock(at(T0));
            Alerting.Dispatch first = alerting.dispatch(report(T0, Level.WARNING));
            assertThat(first.sent()).extracting(Alert::key).containsExactly("freshness default");
            assertThat(first.failures()).isEmpty();
            assertThat(received).singleElement().satisfies(j -> {
                assertThat(j.get("key").asText()).isEqualTo("freshness default");
                assertThat(j.get("level").asText()).isEqualTo("WARNING");
                assertThat(j.get("message").asText()).contains("27h");
                assertThat(j.get("recovered").asBoolean()).isFalse();
                assertThat(j.get("host").asText()).isNotEmpty();
            });

            Alerting.Dispatch recovered = alerting.dispatch(report(T0.plus(Duration.ofMinutes(5)), Level.INFO));
            assertThat(recovered.sent()).singleElement().satisfies(a -> assertThat(a.recovered()).isTrue());
            assertThat(received).hasSize(2);
            assertThat(received.get(1).get("recovered").asBoolean()).isTrue();
        } finally {
            http.stop(0);
        }
    }

    @Test
    void cooldownPerKeyAcrossRunsThroughTheStateFile() throws Exception {
        List<Alert> got = new CopyOnWriteArrayList<>();
        AlertSink memory = new AlertSink() {
            @Override
            public String name() {
                return "memory";
            }

            @Override
            public void send(Alert a) {
                got.add(a);
            }
        };
        Path state = tmp.resolve("alerts.json");
        assertThat(Alerting.to(memory).stateFile(state).clock(at(T0)).dispatch(report(T0, Level.ERROR)).sent()).hasSize(1);
        Alerting.Dispatch cooling = Alerting.to(memory).stateFile(state).clock(at(T0.plus(Duration.ofMinutes(59))))
                .dispatch(report(T0.plus(Duration.ofMinutes(59)), Level.ERROR));
        assertThat(cooling.sent()).isEmpty();
        assertThat(cooling.suppressed()).extracting(Alert::key).containsExactly("freshness default");
        Alerting.Dispatch worse = Alerting.to(memory).stateFile(state).clock(at(T0.plus(Duration.ofMinutes(59))))
                .dispatch(report(T0.plus(Duration.ofMinutes(59)), Level.CRITICAL));
        assertThat(worse.sent()).as("getting worse breaks the cooldown").extracting(Alert::level).containsExactly(Level.CRITICAL);
        Alerting.Dispatch later = Alerting.to(memory).stateFile(state).clock(at(T0.plus(Duration.ofMinutes(121))))
                .dispatch(report(T0.plus(Duration.ofMinutes(121)), Level.CRITICAL));
        assertThat(later.sent()).as("after the cooldown it pages again").hasSize(1);
        Alerting.Dispatch recovered = Alerting.to(memory).stateFile(state).clock(at(T0.plus(Duration.ofMinutes(130))))
                .dispatch(report(T0.plus(Duration.ofMinutes(130)), Level.INFO));
        assertThat(recovered.sent()).singleElement().satisfies(a -> {
            assertThat(a.recovered()).isTrue();
            assertThat(a.key()).isEqualTo("freshness default");
        });
        Alerting.Dispatch quiet = Alerting.to(memory).stateFile(state).clock(at(T0.plus(Duration.ofMinutes(140))))
                .dispatch(report(T0.plus(Duration.ofMinutes(140)), Level.INFO));
        assertThat(quiet.sent()).as("one recovery notice, not one per run").isEmpty();
        assertThat(got).hasSize(4);
    }

    @Test
    void aWebhookThatTimesOutIsReportedAndRetriedNextTime() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        CountDownLatch release = new CountDownLatch(1);
        http.createContext("/hook", x -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        http.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        http.start();
        try {
            AlertSink slow = AlertSinks.webhook(URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/hook"),
                    Duration.ofMillis(200), Duration.ofMillis(10));
            Alerting alerting = Alerting.to(slow, AlertSinks.slf4j()).clock(at(T0));
            Alerting.Dispatch d = alerting.dispatch(report(T0, Level.ERROR));
            assertThat(d.failures()).singleElement().satisfies(f -> assertThat(f).contains("webhook http://127.0.0.1")
                    .contains("failed 4 times (3 retries): no answer within 200 ms"));
            assertThat(d.sent()).as("the log sink took it").hasSize(1);

            Alerting onlyHook = Alerting.to(slow).clock(at(T0));
            Alerting.Dispatch none = onlyHook.dispatch(report(T0, Level.ERROR));
            assertThat(none.sent()).isEmpty();
            assertThat(onlyHook.dispatch(report(T0, Level.ERROR)).suppressed()).as("undelivered alerts do not start a cooldown").isEmpty();
        } finally {
            release.countDown();
            http.stop(0);
        }
    }

    @Test
    void aCommandGetsTheAlertOnStandardInput() throws Exception {
        Path out = tmp.resolve("page.json");
        AlertSink page = AlertSinks.command(List.of("sh", "-c", "cat > '" + out + "'"), Duration.ofSeconds(10));
        Alerting.Dispatch d = Alerting.to(page).clock(at(T0)).dispatch(report(T0, Level.CRITICAL));
        assertThat(d.failures()).isEmpty();
        JsonNode j = Json.MAPPER.readTree(Files.readString(out));
        assertThat(j.get("level").asText()).isEqualTo("CRITICAL");
        assertThat(j.get("key").asText()).isEqualTo("freshness default");
        AlertSink broken = AlertSinks.command(List.of("sh", "-c", "exit 7"), Duration.ofSeconds(10));
        assertThat(Alerting.to(broken).clock(at(T0)).dispatch(report(T0, Level.ERROR)).failures()).singleElement()
                .satisfies(f -> assertThat(f).contains("exited with status 7"));
    }
}
