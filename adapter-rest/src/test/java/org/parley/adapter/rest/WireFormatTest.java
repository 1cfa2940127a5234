package org.parley.adapter.rest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WireFormatTest {

    @Test
    void timestampsHaveExactlySixFractionalDigitsInUtc() {
        assertThat(WireFormat.timestamp(Instant.parse("2025-03-14T10:07:31.270646Z"))).isEqualTo("2025-03-14T10:07:31.270646Z");
        assertThat(WireFormat.timestamp(Instant.parse("2025-03-14T10:07:31Z"))).isEqualTo("2025-03-14T10:07:31.000000Z");
        assertThat(WireFormat.timestamp(Instant.parse("2025-03-14T10:07:31.1Z"))).isEqualTo("2025-03-14T10:07:31.100000Z");
        assertThat(WireFormat.timestamp(Instant.parse("2025-03-14T23:59:59.999999999+00:00")))
                .isEqualTo("2025-03-14T23:59:59.999999Z");
        assertThat(WireFormat.timestamp(null)).isNull();
    }

    /** The digit-by-digit timestamps equal the formatter's, for instants all over the years 0000-9999 and beyond. */
    @Test
    void timestampsAreWhatTheWirePatternFormats() {
        DateTimeFormatter pattern = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT)
                .withZone(ZoneOffset.UTC);
        long first = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        SplittableRandom random = new SplittableRandom(16);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(first - 86_400 * 400L, last + 86_400 * 400L),
                    random.nextInt(1_000_000_000));
            assertThat(WireFormat.timestamp(instant)).as("%s", instant).isEqualTo(pattern.format(instant));
        }
        for (String edge : new String[] {"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z",
                "1969-12-31T23:59:59.000001Z", "2024-02-29T12:00:00.000000999Z", "-0001-12-31T23:59:59Z",
                "+10000-01-01T00:00:00Z"}) {
            Instant instant = Instant.parse(edge);
            assertThat(WireFormat.timestamp(instant)).as(edge).isEqualTo(pattern.format(instant));
        }
        assertThat(WireFormat.timestamp(Instant.parse("1969-12-31T23:59:59.000001Z")))
                .isEqualTo("1969-12-31T23:59:59.000001Z");
    }

    @Test
    void datesAreIsoLocalDates() {
        assertThat(WireFormat.date(LocalDate.of(2025, 3, 6))).isEqualTo("2025-03-06");
        assertThat(WireFormat.date(null)).isNull();
    }

    @Test
    void aMessageWithoutAFileHasTheSeedsZeroSize() {
        assertThat(WireFormat.noFileSize()).isEqualTo("0kb");
    }
}
