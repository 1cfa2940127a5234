package org.parley.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class UtcMicrosTest {

    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS", Locale.ROOT).withZone(ZoneOffset.UTC);

    @Test
    void writesWhatTheFormatterWritesForAnyInstantOfTheFourDigitYears() {
        long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        SplittableRandom random = new SplittableRandom(16);
        char[] text = new char[UtcMicros.LENGTH + 3];
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(first, last + 1), random.nextInt(1_000_000_000));
            assertThat(UtcMicros.write(text, 3, instant)).isTrue();
            assertThat(new String(text, 3, UtcMicros.LENGTH)).as("%s", instant).isEqualTo(REFERENCE.format(instant));
        }
    }

    @Test
    void edgesOfTheDayTheEpochAndTheFourDigitYears() {
        for (String instant : new String[] {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z",
                "2024-02-29T12:34:56.000001Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z"}) {
            char[] text = new char[UtcMicros.LENGTH];
            assertThat(UtcMicros.write(text, 0, Instant.parse(instant))).isTrue();
            assertThat(new String(text)).isEqualTo(REFERENCE.format(Instant.parse(instant)));
        }
        assertThat(new String(write(Instant.parse("2025-03-14T10:36:22.680911999Z"))))
                .isEqualTo("2025-03-14T10:36:22.680911");
    }

    @Test
    void otherYearsAreLeftToTheCallerWithNothingWritten() {
        char[] text = new char[UtcMicros.LENGTH];
        Arrays.fill(text, '#');
        assertThat(UtcMicros.write(text, 0, Instant.parse("+10000-01-01T00:00:00Z"))).isFalse();
        assertThat(UtcMicros.write(text, 0, Instant.parse("-0001-12-31T23:59:59Z"))).isFalse();
        assertThat(new String(text)).isEqualTo("#".repeat(UtcMicros.LENGTH));
    }

    @Test
    void anArrayTooShortIsRefused() {
        assertThatThrownBy(() -> UtcMicros.write(new char[UtcMicros.LENGTH], 1, Instant.EPOCH))
                .isInstanceOf(ArrayIndexOutOfBoundsException.class);
    }

    private static char[] write(Instant instant) {
        char[] text = new char[UtcMicros.LENGTH];
        UtcMicros.write(text, 0, instant);
        return text;
    }
}
