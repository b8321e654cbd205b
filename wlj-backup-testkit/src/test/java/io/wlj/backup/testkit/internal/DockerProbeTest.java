package io.wlj.backup.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cheap check in front of Testcontainers: it may only say "no Docker" when nothing could
 * lead Testcontainers to an engine. A temporary directory stands in for the home directory and
 * the file system root.
 */
@DisabledOnOs(OS.WINDOWS)
class DockerProbeTest {
    @TempDir
    Path temp;
    private Path home;
    private Path root;

    @BeforeEach
    void createDirectories() throws IOException {
        home = Files.createDirectories(temp.resolve("h"));
        root = Files.createDirectories(temp.resolve("r"));
    }

    private boolean mayBeReachable(Map<String, String> environment) {
        return DockerProbe.engineMayBeReachable(environment, new Properties(), home, root);
    }

    @Test
    void saysNoWhenNothingPointsToAnEngine() {
        assertThat(mayBeReachable(Map.of("HOME", home.toString()))).isFalse();
    }

    @Test
    void defersToTestcontainersWhenDockerIsConfigured() throws IOException {
        assertThat(mayBeReachable(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375"))).isTrue();
        assertThat(mayBeReachable(Map.of("TESTCONTAINERS_DOCKER_CLIENT_STRATEGY", "x"))).isTrue();
        Properties properties = new Properties();
        properties.setProperty("docker.host", "unix:///elsewhere.sock");
        assertThat(DockerProbe.engineMayBeReachable(Map.of(), properties, home, root)).isTrue();

        Files.writeString(home.resolve(".testcontainers.properties"), "docker.host=tcp://127.0.0.1:2375\n");
        assertThat(mayBeReachable(Map.of())).isTrue();
    }

    @Test
    void readsTheDockerContextFromTheClientConfiguration() throws IOException {
        Path config = Files.createDirectories(home.resolve(".docker")).resolve("config.json");
        Files.writeString(config, "{\"auths\": {}}");
        assertThat(mayBeReachable(Map.of())).isFalse();

        Files.writeString(config, "{\"currentContext\": \"colima\"}");
        assertThat(mayBeReachable(Map.of())).isTrue();
    }

    @Test
    void saysYesWhenASocketAcceptsConnections() throws IOException {
        Path socket = Files.createDirectories(root.resolve("var/run")).resolve("docker.sock");
        try (ServerSocketChannel engine = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            engine.bind(UnixDomainSocketAddress.of(socket));
            assertThat(mayBeReachable(Map.of())).isTrue();
        }
    }

    @Test
    void looksForRootlessAndDesktopSockets() throws IOException {
        Path rootless = Files.createDirectories(root.resolve("run/user/1000")).resolve("docker.sock");
        try (ServerSocketChannel engine = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            engine.bind(UnixDomainSocketAddress.of(rootless));
            assertThat(mayBeReachable(Map.of())).isTrue();
        }
        Path desktop = Files.createDirectories(home.resolve(".docker/desktop")).resolve("docker.sock");
        try (ServerSocketChannel engine = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            engine.bind(UnixDomainSocketAddress.of(desktop));
            assertThat(mayBeReachable(Map.of())).isTrue();
        }
    }

    @Test
    void ignoresASocketFileNoEngineListensOn() throws IOException {
        Path socket = Files.createDirectories(root.resolve("var/run")).resolve("docker.sock");
        try (ServerSocketChannel engine = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            engine.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        assertThat(mayBeReachable(Map.of())).isFalse();
    }
}
