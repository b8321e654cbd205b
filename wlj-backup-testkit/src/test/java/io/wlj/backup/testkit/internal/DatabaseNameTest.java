package io.wlj.backup.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DatabaseNameTest {

    @Test
    void makesPlainLowerCaseNames() {
        assertThat(DatabaseName.unique("SharedServerTest")).matches("sharedservertest_[0-9a-f]{8}");
        assertThat(DatabaseName.unique("a-b.c")).matches("a_b_c_[0-9a-f]{8}");
    }

    @Test
    void startsWithALetter() {
        assertThat(DatabaseName.unique("1st")).matches("db_1st_[0-9a-f]{8}");
        assertThat(DatabaseName.unique("")).matches("db__[0-9a-f]{8}");
        assertThat(DatabaseName.unique(null)).matches("db__[0-9a-f]{8}");
    }

    @Test
    void staysWithinPostgresLimitForLongPrefixes() {
        String name = DatabaseName.unique("x".repeat(200));
        assertThat(name.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(DatabaseName.MAX_BYTES);
        DatabaseName.requireValid(name);
    }

    @Test
    void quotesIdentifiers() {
        assertThat(DatabaseName.quoted("plain")).isEqualTo("\"plain\"");
        assertThat(DatabaseName.quoted("a\"b")).isEqualTo("\"a\"\"b\"");
    }

    @Test
    void refusesNamesPostgresCannotKeep() {
        assertThatThrownBy(() -> DatabaseName.quoted("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DatabaseName.quoted("a\0b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DatabaseName.quoted("é".repeat(32))).isInstanceOf(IllegalArgumentException.class);
        assertThat(DatabaseName.quoted("é".repeat(31))).hasSize(33);
    }
}
