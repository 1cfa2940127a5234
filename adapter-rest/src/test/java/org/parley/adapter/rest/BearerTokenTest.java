package org.parley.adapter.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.parley.application.error.AuthenticationFailed;

/** How {@link BearerTokenFilter} reads the token out of an {@code Authorization} header, and what that costs. */
class BearerTokenTest {

    @ParameterizedTest
    @ValueSource(strings = {"Bearer abc.def.ghi", "bearer abc.def.ghi", "BEARER abc.def.ghi", "BeArEr abc.def.ghi",
            "  Bearer   abc.def.ghi  ", "Bearer \tabc.def.ghi\t"})
    void theSchemeIsReadIgnoringCaseAndTheTokenWithoutSurroundingSpace(String header) {
        assertThat(BearerTokenFilter.bearerToken(header)).isEqualTo("abc.def.ghi");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "Bearer ", "Bearer    \t", "Basic abc", "Bearerabc", "Token abc", "Bear abc"})
    void anythingElseIsAnInvalidToken(String header) {
        assertThatThrownBy(() -> BearerTokenFilter.bearerToken(header))
                .isInstanceOfSatisfying(AuthenticationFailed.class,
                        e -> assertThat(e.reason()).isEqualTo(AuthenticationFailed.Reason.INVALID_TOKEN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void noHeaderIsAMissingToken(String header) {
        assertThatThrownBy(() -> BearerTokenFilter.bearerToken(header))
                .isInstanceOfSatisfying(AuthenticationFailed.class,
                        e -> assertThat(e.reason()).isEqualTo(AuthenticationFailed.Reason.MISSING_TOKEN));
        assertThatThrownBy(() -> BearerTokenFilter.bearerToken(null)).isInstanceOf(AuthenticationFailed.class);
    }

    /**
     * A catch-up's header (a 300-character token) is copied once: lowercasing the whole header to find the scheme and
     * cutting the token out twice made three copies (about 1 KB per request; a copy of 307 Latin-1 characters is
     * about 330 B).
     */
    @Test
    void theTokenIsCopiedOnce() {
        String header = "Bearer " + "x".repeat(300);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++) {
            BearerTokenFilter.bearerToken(header);
        }
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1_000; i++) {
                if (BearerTokenFilter.bearerToken(header).length() != 300) {
                    throw new AssertionError();
                }
            }
            least = Math.min(least, (threads.getCurrentThreadAllocatedBytes() - before) / 1_000);
        }
        assertThat(least).isPositive().isLessThan(2 * 300);
    }
}
