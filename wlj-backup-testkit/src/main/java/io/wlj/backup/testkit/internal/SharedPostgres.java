package io.wlj.backup.testkit.internal;

import io.wlj.backup.testkit.PostgresServer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL servers of this JVM: the shared one, and one per major version asked for
 * through {@link PostgresServer#version(int)}; each started on first use, stopped by a shutdown
 * hook.
 *
 * <p>Starting PostgreSQL takes seconds, so every test class and every caller gets the same
 * server of a version. Starting lazily means test runs that never touch a version never pay for
 * it. A failed start is remembered and reported again to later callers instead of being
 * retried once per test class.
 */
public final class SharedPostgres {
    private static final Logger LOG = LoggerFactory.getLogger(SharedPostgres.class);

    private static final Lazy SHARED = new Lazy(() -> start(requestedMajor(), null));
    private static final Map<Integer, Lazy> BY_VERSION = new ConcurrentHashMap<>();

    private SharedPostgres() {
    }

    /** The shared server, started by the first caller; concurrent first callers wait for that start. */
    public static PostgresServer server() {
        return SHARED.get();
    }

    /**
     * The server of {@code major}: the shared one when that is the version it runs, otherwise
     * a server of its own, started by the first caller.
     *
     * @throws IllegalArgumentException if {@code major} is not supported
     */
    public static PostgresServer server(int major) {
        if (!PostgresServer.SUPPORTED_VERSIONS.contains(major)) {
            throw new IllegalArgumentException("PostgreSQL " + major + " is not supported; the testkit runs "
                    + PostgresServer.SUPPORTED_VERSIONS + ".");
        }
        if (major == requestedMajor()) {
            return server();
        }
        return BY_VERSION.computeIfAbsent(major, m -> new Lazy(() -> start(m, EmbeddedBinaries.PROPERTY_PREFIX + m))).get();
    }

    private static int requestedMajor() {
        return ServerVersion.requestedMajor(
                System.getProperty(PostgresServer.VERSION_PROPERTY), Integer.parseInt(PostgresServer.DEFAULT_VERSION));
    }

    /**
     * Starts a server of {@code major} in Docker or, without Docker, from the embedded binaries
     * on the classpath ({@code binariesProperty} null) or from the jar that system property
     * names.
     */
    private static RunningServer start(int major, String binariesProperty) {
        boolean docker = useDocker(System.getProperty(PostgresServer.SERVER_PROPERTY, "auto"));
        // Looked up before logging the start, so a missing jar fails with its own message at once.
        Path jar = docker || binariesProperty == null ? null : EmbeddedBinaries.jarFor(major, System.getProperty(binariesProperty));
        LOG.info("Starting PostgreSQL {} {}", major, docker ? "in Docker" : "from embedded binaries" + (jar == null ? "" : " " + jar));
        long startedAt = System.nanoTime();
        PostgresInstance instance = docker ? ContainerInstance.start(major) : jar == null ? EmbeddedInstance.start() : EmbeddedInstance.startFrom(jar);
        Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "wlj-testkit-postgres-" + major + "-stop"));
        RunningServer running = RunningServer.checked(instance, major);
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

    /** A server started once, by the first caller; a failed start is remembered. */
    private static final class Lazy {
        private final Supplier<RunningServer> starter;
        private RunningServer server;
        private RuntimeException startFailure;

        Lazy(Supplier<RunningServer> starter) {
            this.starter = starter;
        }

        synchronized RunningServer get() {
            if (server != null) {
                return server;
            }
            if (startFailure != null) {
                throw new IllegalStateException("PostgreSQL failed to start earlier in this JVM: " + startFailure.getMessage(), startFailure);
            }
            try {
                server = starter.get();
                return server;
            } catch (RuntimeException e) {
                startFailure = e;
                throw e;
            }
        }
    }
}
