package io.wlj.backup.health;

import io.wlj.backup.BackupException;
import io.wlj.backup.internal.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The built-in alert sinks: SLF4J, a JSON webhook, a command reading the alert on stdin. */
public final class AlertSinks {
    private static final Logger LOG = LoggerFactory.getLogger("io.wlj.backup.alerts");

    private AlertSinks() {
    }

    /** The alert as JSON: key, level, message, time, recovered, host. */
    static byte[] json(Alert a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", a.key());
        m.put("level", a.level().name());
        m.put("message", a.message());
        m.put("time", a.time().toString());
        m.put("recovered", a.recovered());
        m.put("host", io.wlj.backup.internal.HostInfo.host());
        try {
            return Json.MAPPER.writeValueAsBytes(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Logs each alert: ERROR and CRITICAL at error level, WARNING at warn, recoveries at info. */
    public static AlertSink slf4j() {
        return new AlertSink() {
            @Override
            public String name() {
                return "slf4j";
            }

            @Override
            public void send(Alert a) {
                if (a.recovered()) {
                    LOG.info("RECOVERED {}: {}", a.key(), a.message());
                } else if (a.level().compareTo(Level.ERROR) >= 0) {
                    LOG.error("{} {}: {}", a.level(), a.key(), a.message());
                } else {
                    LOG.warn("{} {}: {}", a.level(), a.key(), a.message());
                }
            }
        };
    }

    /**
     * POSTs each alert as JSON to {@code uri}; any 2xx status is delivered. A timeout, a failed
     * connection or another status is tried again three times (waits of 1, 2 and 4 s times
     * {@code backoff} / 1 s), then the send fails.
     */
    public static AlertSink webhook(URI uri, Duration timeout, Duration backoff) {
        Objects.requireNonNull(uri, "uri");
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw BackupException.badInput("A webhook is an http or https URL, not '" + uri + "'.");
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        return new AlertSink() {
            @Override
            public String name() {
                return "webhook " + uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
            }

            @Override
            public void send(Alert a) throws IOException {
                HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(json(a))).build();
                long wait = backoff.toMillis();
                String last = null;
                for (int attempt = 1; attempt <= 4; attempt++) {
                    try {
                        int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        if (status / 100 == 2) {
                            return;
                        }
                        last = "status " + status;
                    } catch (java.net.http.HttpTimeoutException e) {
                        last = "no answer within " + timeout.toMillis() + " ms";
                    } catch (IOException e) {
                        last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                    if (attempt < 4) {
                        try {
                            Thread.sleep(wait);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException("interrupted", e);
                        }
                        wait *= 2;
                    }
                }
                throw new IOException("the webhook failed 4 times (3 retries): " + last);
            }
        };
    }

    /** A webhook with a 10 s timeout and 1 s first backoff. */
    public static AlertSink webhook(URI uri) {
        return webhook(uri, Duration.ofSeconds(10), Duration.ofSeconds(1));
    }

    /**
     * Runs {@code command} (no shell) for each alert with the alert's JSON on its standard input,
     * so users can wire mail or chat: {@code command(List.of("/usr/local/bin/page-oncall"))}. It
     * must exit 0 within {@code timeout}.
     */
    public static AlertSink command(List<String> command, Duration timeout) {
        List<String> argv = List.copyOf(command);
        if (argv.isEmpty()) {
            throw BackupException.badInput("An alert command needs a program to run.");
        }
        return new AlertSink() {
            @Override
            public String name() {
                return "command " + argv.get(0);
            }

            @Override
            public void send(Alert a) throws IOException {
                Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                IOException unread = null;
                try (OutputStream in = p.getOutputStream()) {
                    in.write(json(a));
                    in.write('\n');
                } catch (IOException e) {
                    unread = e; // it exited without reading; its exit status says more
                }
                try {
                    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        p.destroyForcibly();
                        throw new IOException(argv.get(0) + " did not finish within " + timeout.toMillis() + " ms");
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                if (p.exitValue() != 0) {
                    throw new IOException(argv.get(0) + " exited with status " + p.exitValue());
                }
                if (unread != null) {
                    throw new IOException(argv.get(0) + " did not read the alert: " + unread.getMessage());
                }
            }
        };
    }

}
