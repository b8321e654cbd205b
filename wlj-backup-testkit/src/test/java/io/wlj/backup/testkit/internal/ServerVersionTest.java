package io.wlj.backup.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerVersionTest {

    @Test
    void decodesServerVersionNum() {
        assertThat(ServerVersion.fromVersionNum(160010)).isEqualTo(new ServerVersion(16, 10));
        assertThat(ServerVersion.fromVersionNum(140019).major()).isEqualTo(14);
        assertThat(ServerVersion.fromVersionNum(170006)).hasToString("17.6");
    }

    @Test
    void refusesVersionsBeforeTen() {
        assertThatThrownBy(() -> ServerVersion.fromVersionNum(90624)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsTheRequestedMajor() {
        assertThat(ServerVersion.requestedMajor(null, 16)).isEqualTo(16);
        assertThat(ServerVersion.requestedMajor("  ", 16)).isEqualTo(16);
        assertThat(ServerVersion.requestedMajor("15", 16)).isEqualTo(15);
        assertThat(ServerVersion.requestedMajor(" 17 ", 16)).isEqualTo(17);
    }

    @Test
    void refusesARequestThatIsNotAMajorVersion() {
        assertThatThrownBy(() -> ServerVersion.requestedMajor("16.4", 16))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("System property wlj.test.postgres.version must be a PostgreSQL major version such as 16, not '16.4'.");
    }

    @Test
    void tellsHowToGetTheRequestedEmbeddedVersion() {
        String message = EmbeddedInstance.mismatchSentence(15, new ServerVersion(16, 10));

        assertThat(message)
                .startsWith("PostgreSQL 15 was requested but the embedded binaries on the classpath are PostgreSQL 16.10;")
                .contains("-Dwlj.test.postgres.version=15")
                .endsWith(".")
                .doesNotContain("\n");
    }
}
