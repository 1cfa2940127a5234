package org.parley.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ClosestNameTest {

    private static final List<String> KNOWN = List.of("PARLEY_PORT", "PARLEY_HOST", "PARLEY_DB_URL", "PARLEY_DB_USER",
            "PARLEY_DB_PASSWORD", "PARLEY_MAX_UPLOAD_BYTES", "PARLEY_SEND_RATE_PER_SECOND", "PARLEY_SEND_BURST");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "PARLEY_POTR, PARLEY_PORT",                         // two letters swapped: one edit
            "PARLEY_PROT, PARLEY_PORT",
            "PARLEY_PORTS, PARLEY_PORT",                        // one letter too many
            "PARLEY_HOSTNAME, PARLEY_HOST",
            "parley_port, PARLEY_PORT",                         // case does not matter
            "PORT, PARLEY_PORT",                                // a file's key without the prefix
            "PARLEY_DB_PASSWROD, PARLEY_DB_PASSWORD",
            "PARLEY_DB_PASS, PARLEY_DB_PASSWORD",
            "PARLEY_MAX_UPLOAD, PARLEY_MAX_UPLOAD_BYTES",
            "PARLEY_MAX_UPLOAD_SIZE, PARLEY_MAX_UPLOAD_BYTES",
            "PARLEY_SEND_RATE, PARLEY_SEND_RATE_PER_SECOND",
            "PARLEY_DATABASE_URL, PARLEY_DB_URL",
    })
    void aLikelyTypoGetsTheClosestSetting(String typed, String meant) {
        assertThat(ClosestName.among(typed, KNOWN)).contains(meant);
    }

    @ParameterizedTest
    @CsvSource({"PARLEY_XYZ", "PARLEY_DEBUG", "PARLEY_CI_PG_ADMIN", "PARLEY_", "SOMETHING_ELSE_ENTIRELY"})
    void aNameLikeNoSettingGetsNoSuggestion(String typed) {
        assertThat(ClosestName.among(typed, KNOWN)).isEmpty();
    }

    @Test
    void ofEquallyCloseNamesTheFirstKnownWins() {
        // POST is one substitution from PORT and from HOST.
        assertThat(ClosestName.among("PARLEY_POST", List.of("PARLEY_PORT", "PARLEY_HOST"))).contains("PARLEY_PORT");
        assertThat(ClosestName.among("PARLEY_POST", List.of("PARLEY_HOST", "PARLEY_PORT"))).contains("PARLEY_HOST");
    }

    @ParameterizedTest(name = "{0} / {1}: {2}")
    @CsvSource({
            "PORT, PORT, 0",
            "POTR, PORT, 1",       // a swap of neighbours is one edit (Levenshtein alone counts 2)
            "PORT, PORTS, 1",
            "PORT, PRT, 1",
            "PORT, HOST, 2",
            "CA, ABC, 3",          // optimal string alignment: no substring edited twice (unrestricted Damerau: 2)
            "'', PORT, 4",
            "KITTEN, SITTING, 3",
    })
    void theDistanceCountsInsertionsDeletionsSubstitutionsAndSwaps(String a, String b, int distance) {
        assertThat(ClosestName.distance(a, b)).isEqualTo(distance);
        assertThat(ClosestName.distance(b, a)).isEqualTo(distance);
    }
}
