package io.wlj.backup.crypto;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The gpg oracle skips when gpg is missing, visibly, and fails instead under WLJ_REQUIRE_TOOLS=1. */
class GpgOracleTest {
    @Test
    void missingGpgSkipsWithAReason() {
        assertThatThrownBy(() -> Gpg.require("/nonexistent-dir", null))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("'gpg' is not installed");
    }

    @Test
    void missingGpgFailsWhenToolsAreRequired() {
        assertThatThrownBy(() -> Gpg.require("/nonexistent-dir", "1"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("WLJ_REQUIRE_TOOLS=1");
    }

    @Test
    void presentGpgPasses() {
        Gpg.require(); // skips here when gpg is absent, so this test documents the real environment
        assertThatCode(() -> Gpg.require(System.getenv("PATH"), "1")).doesNotThrowAnyException();
    }
}
