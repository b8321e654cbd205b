package io.wlj.backup.testkit.internal;

import io.wlj.backup.testkit.PostgresServer;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one PostgreSQL server of this JVM: started on first use, stopped by a shutdown hook.
 *
 * <p>Starting PostgreSQL takes seconds, so every test class and every caller of
 * {@link PostgresServer#shared()} gets the same server. Starting lazily means test runs that
 * never touch PostgreSQL never pay for it. A failed start is remembered and reported again to
 * later callers instead of being retried once per test class.
 */
public final class SharedPostgres {
    private static final Logger LOG = LoggerFactory.getLogger(SharedPostgres.class);
    private static final Object LOCK = new Object();

    private static RunningServer server;
    private static RuntimeException startFailure;

    private SharedPostgres() {
    }

    /** The server, started by the first caller; concurrent first callers wait for that start. */
    public static PostgresServer server() {
        synchronized (LOCK) {
            if (server != null) {
                return server;
            }
            if (startFailure != null) {
                throw new IllegalStateException("PostgreSQL failed to start earlier in this JVM: " + startFailure.getMessage(), startFailure);
            }
            try {
                server = start();
                return server;
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
    }

    private static RunningServer start() {
        int requestedMajor = ServerVersion.requestedMajor(
                System.getProperty(PostgresServer.VERSION_PROPERTY), Integer.parseInt(PostgresServer.DEFAULT_VERSION));
        boolean docker = useDocker(System.getProperty(PostgresServer.SERVER_PROPERTY, "auto"));
        LOG.info("Starting PostgreSQL {} {}", requestedMajor, docker ? "in Docker" : "from embedded binaries");
        long startedAt = System.nanoTime();
        PostgresInstance instance = docker ? ContainerInstance.start(requestedMajor) : EmbeddedInstance.start();
        Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "wlj-testkit-postgres-stop"));
        RunningServer running = RunningServer.checked(instance, requestedMajor);
        LOG.info("{} ready in {} ms", running, (System.nanoTime() - startedAt) / 1_000_000);
        return running;
    }

    private static boolean useDocker(String choice) {
        switch (choice.strip().toLowerCase(Locale.ROOT)) {
            case "embedded":
                return false;
            case "docker":
                if (!DockerProbe.isDockerAvailable()) {
                    throw new IllegalStateException(PostgresServer.SERVER_PROPERTY + "=docker was set but no Docker engine answers.");
                }
                return true;
            case "auto":
            case "":
                return DockerProbe.isDockerAvailable();
            default:
                throw new IllegalStateException("System property " + PostgresServer.SERVER_PROPERTY
                        + " must be auto, docker or embedded, not '" + choice + "'.");
        }
    }
}
