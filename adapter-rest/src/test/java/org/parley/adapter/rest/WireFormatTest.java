package org.parley.adapter.rest;

import java.time.Instant;
import java.time.LocalDate;

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
