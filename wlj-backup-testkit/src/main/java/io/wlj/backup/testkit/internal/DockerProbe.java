package io.wlj.backup.testkit.internal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Tells whether a Docker engine answers, so that the testkit can choose between Testcontainers
 * and embedded PostgreSQL.
 *
 * <p>Asking Testcontainers alone would do, but where no engine runs it tries each of its
 * strategies in turn and logs every failure as an error, which buries a test run's output in
 * noise about an expected situation. So a cheap check runs first: when nothing configures
 * Docker and no engine socket accepts a connection, the answer is "no" without asking
 * Testcontainers. Anything configured, or a socket that answers, goes to Testcontainers, which
 * has the final word.
 */
final class DockerProbe {
    private static final Logger LOG = LoggerFactory.getLogger(DockerProbe.class);

    private DockerProbe() {
    }

    /** True when Testcontainers can reach a Docker engine; any failure to find out means false. */
    static boolean isDockerAvailable() {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        Path home = Path.of(System.getProperty("user.home", "/nonexistent"));
        // On Windows the engine listens on a named pipe, not a socket: leave it to Testcontainers.
        if (!windows && !engineMayBeReachable(System.getenv(), System.getProperties(), home, Path.of("/"))) {
            LOG.debug("No Docker configuration and no Docker socket answering; not asking Testcontainers");
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            // LinkageError: Testcontainers is not on the classpath, so Docker is no option.
            LOG.debug("Docker is not available", e);
            return false;
        }
    }

    /**
     * False only when it is certain that Testcontainers would find no engine: no Docker or
     * Testcontainers setting in the environment, system properties or home directory, and no
     * socket at the places Testcontainers looks that accepts a connection.
     *
     * @param root the file system root, a parameter so tests can stand in a directory for it
     */
    static boolean engineMayBeReachable(Map<String, String> environment, Properties systemProperties, Path home, Path root) {
        if (isSet(environment.get("DOCKER_HOST")) || isSet(environment.get("DOCKER_CONTEXT"))
                || isSet(systemProperties.getProperty("docker.host"))) {
            return true;
        }
        // Testcontainers reads TESTCONTAINERS_* variables and ~/.testcontainers.properties, which
        // may point at a remote engine or Testcontainers Cloud; a Docker context lives in
        // ~/.docker/config.json.
        if (environment.keySet().stream().anyMatch(name -> name.startsWith("TESTCONTAINERS_"))
                || Files.exists(home.resolve(".testcontainers.properties"))
                || namesDockerContext(home.resolve(".docker/config.json"))) {
            return true;
        }
        return socketCandidates(environment, home, root).stream().anyMatch(DockerProbe::acceptsConnection);
    }

    private static List<Path> socketCandidates(Map<String, String> environment, Path home, Path root) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(root.resolve("var/run/docker.sock"));
        candidates.add(root.resolve("run/docker.sock"));
        String runtimeDirectory = environment.get("XDG_RUNTIME_DIR");
        if (isSet(runtimeDirectory)) {
            candidates.add(Path.of(runtimeDirectory, "docker.sock"));
        }
        candidates.add(home.resolve(".docker/run/docker.sock"));
        candidates.add(home.resolve(".docker/desktop/docker.sock"));
        Path userRuntimeDirectories = root.resolve("run/user");
        if (Files.isDirectory(userRuntimeDirectories)) {
            try (DirectoryStream<Path> users = Files.newDirectoryStream(userRuntimeDirectories)) {
                users.forEach(user -> candidates.add(user.resolve("docker.sock")));
            } catch (IOException | RuntimeException e) {
                LOG.debug("Could not list {}", userRuntimeDirectories, e);
            }
        }
        return candidates;
    }

    private static boolean namesDockerContext(Path dockerConfig) {
        try {
            return Files.isRegularFile(dockerConfig) && Files.readString(dockerConfig).contains("\"currentContext\"");
        } catch (IOException | RuntimeException e) {
            return true; // unreadable: let Testcontainers decide
        }
    }

    /** A socket file can outlive its engine, so only a connection proves one listens. */
    private static boolean acceptsConnection(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            LOG.debug("Docker socket {} does not accept connections: {}", socket, e.toString());
            return false;
        }
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
