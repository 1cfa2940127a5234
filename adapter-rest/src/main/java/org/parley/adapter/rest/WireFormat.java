package org.parley.adapter.rest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import org.parley.wire.UtcMicros;

/** How values look on the wire (contract §3). */
final class WireFormat {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final int TIMESTAMP_LENGTH = UtcMicros.LENGTH + 1;

    private WireFormat() {
    }

    /**
     * ISO-8601 in UTC with exactly six fractional digits (truncated) and {@code Z}: {@code 2025-03-14T10:07:31.270646Z};
     * null for null. A history page of 200 messages carries 1,200 to 1,600 of them (each message and both its users
     * have several), so the years 0000 to 9999 are written digit by digit ({@link UtcMicros}): {@link DateTimeFormatter#format} allocated 956 B
     * per call (a {@code BigDecimal} for the fraction, a print context, a builder; 120 B now), 14 % of all bytes
     * allocated on the request threads in a loop of catch-up pages. Other years (which {@code uuuu} writes with a sign) go through the
     * formatter. The websocket adapter's frames do the same with their own suffix ({@code +00:00}).
     */
    static String timestamp(Instant instant) {
        if (instant == null) {
            return null;
        }
        char[] text = new char[TIMESTAMP_LENGTH];
        if (!UtcMicros.write(text, 0, instant)) {
            return TIMESTAMP.format(instant);
        }
        text[UtcMicros.LENGTH] = 'Z';
        return new String(text);
    }

    /** {@code YYYY-MM-DD}. */
    static String date(LocalDate date) {
        return date == null ? null : date.toString();
    }

    /** The seed's size of a message without a file. */
    static String noFileSize() {
        return "0kb";
    }
}
