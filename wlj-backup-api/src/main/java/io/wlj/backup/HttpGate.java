package io.wlj.backup;

import io.wlj.backup.spi.GateContext;
import io.wlj.backup.spi.ValidationGate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * An HTTP smoke test, as the playbooks' {@code smoke_test.py} does after a restore: a GET of one
 * URL must answer with the expected status within the timeout. Redirects are not followed (a
 * login redirect is not a healthy page). Connection failures and timeouts are retried three
 * times with exponential backoff before they count. Immutable; made by {@link Gates#http}.
 */
public final class HttpGate implements ValidationGate {
    private final URI uri;
    private final int expectedStatus;
    private final Duration timeout;
    private final Duration backoff;

    HttpGate(URI uri, int expectedStatus, Duration timeout, Duration backoff) {
        this.uri = uri;
        this.expectedStatus = expectedStatus;
        this.timeout = timeout;
        this.backoff = backoff;
    }

    /** How long one request may take, connecting included (default 10 s). */
    public HttpGate timeout(Duration timeout) {
        if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
            throw BackupException.badInput("The HTTP gate's timeout must be positive.");
        }
        return new HttpGate(uri, expectedStatus, timeout, backoff);
    }

    /** The first wait before retrying; doubled for each of three retries (default 1 s). */
    public HttpGate retryBackoff(Duration backoff) {
        if (Objects.requireNonNull(backoff, "backoff").isNegative()) {
            throw BackupException.badInput("The retry backoff cannot be negative.");
        }
        return new HttpGate(uri, expectedStatus, timeout, backoff);
    }

    @Override
    public String name() {
        return "http " + uri.getPath();
    }

    @Override
    public GateResult evaluate(GateContext context) {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        long wait = backoff.toMillis();
        String last = null;
        for (int attempt = 1; attempt <= 4; attempt++) {
            long start = System.nanoTime();
            try {
                HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                long millis = (System.nanoTime() - start) / 1_000_000;
                String evidence = "GET " + uri + " answered " + response.statusCode() + " in " + millis + " ms";
                return new GateResult(name(), context.stage(), response.statusCode() == expectedStatus ? GateResult.Status.PASS
                        : GateResult.Status.FAIL, response.statusCode() == expectedStatus ? evidence
                        : evidence + ", not " + expectedStatus + redirect(response));
            } catch (IOException e) {
                last = e instanceof java.net.http.HttpTimeoutException ? "no answer within " + timeout.toMillis() + " ms"
                        : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new GateResult(name(), context.stage(), GateResult.Status.FAIL, "interrupted");
            }
            if (attempt < 4) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new GateResult(name(), context.stage(), GateResult.Status.FAIL, "interrupted while retrying: " + last);
                }
                wait *= 2;
            }
        }
        return new GateResult(name(), context.stage(), GateResult.Status.FAIL, "GET " + uri + " failed 4 times (3 retries): " + last);
    }

    private static String redirect(HttpResponse<Void> response) {
        return response.headers().firstValue("location").map(l -> " (a redirect to " + l + ", not followed)").orElse("");
    }

    @Override
    public String toString() {
        return "gate GET " + uri + " expecting " + expectedStatus;
    }
}
