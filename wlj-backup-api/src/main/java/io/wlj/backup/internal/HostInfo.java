package io.wlj.backup.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Facts about this process used in lock records and the audit journal. */
public final class HostInfo {
    private static final String HOST = resolveHost();

    private HostInfo() {
    }

    public static String host() {
        return HOST;
    }

    public static long pid() {
        return ProcessHandle.current().pid();
    }

    public static String user() {
        return System.getProperty("user.name", "unknown");
    }

    /** When a process started, used to tell a live owner from a reused pid. */
    public static Optional<java.time.Instant> startOf(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().startInstant());
    }

    private static String resolveHost() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            String name = Files.readString(Path.of("/etc/hostname")).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the JDK's lookup
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
