package io.wlj.backup.testkit.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * PostgreSQL run in Docker from the official {@code postgres:<major>} image, so that any major
 * version is available without per-version binaries on the classpath.
 *
 * <p>Only this class and {@link DockerProbe} touch Testcontainers, so the embedded path keeps
 * working for a user who leaves Testcontainers off the classpath.
 */
final class ContainerInstance implements PostgresInstance {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerInstance.class);

    private final PostgreSQLContainer<?> container;
    private final String image;

    private ContainerInstance(PostgreSQLContainer<?> container, String image) {
        this.container = container;
        this.image = image;
    }

    static ContainerInstance start(int majorVersion) {
        String image = "postgres:" + majorVersion;
        PostgreSQLContainer<?> container = new PostgreSQLContainer<>(DockerImageName.parse(image));
        // Test data need not survive a crash; skipping fsync makes setup several times faster.
        container.withCommand("postgres", "-c", "fsync=off", "-c", "max_connections=300");
        try {
            container.start();
        } catch (RuntimeException e) {
            container.stop();
            throw new IllegalStateException("Could not start PostgreSQL from Docker image " + image + ": " + e.getMessage(), e);
        }
        return new ContainerInstance(container, image);
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
    }

    @Override
    public String user() {
        return container.getUsername();
    }

    @Override
    public String password() {
        return container.getPassword();
    }

    @Override
    public String origin() {
        return "Docker image " + image;
    }

    @Override
    public String versionMismatch(int requestedMajor, ServerVersion running) {
        return "PostgreSQL " + requestedMajor + " was requested but Docker image " + image + " runs PostgreSQL " + running
                + "; pull a fresh " + image + " image.";
    }

    @Override
    public void close() {
        try {
            container.stop();
        } catch (RuntimeException e) {
            LOG.warn("Could not stop the PostgreSQL container cleanly", e);
        }
    }
}
