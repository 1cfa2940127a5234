package org.parley.adapter.rest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How values look on the wire (contract §3). */
final class WireFormat {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private WireFormat() {
    }

    /** ISO-8601 in UTC with exactly six fractional digits and {@code Z}: {@code 2025-03-14T10:07:31.270646Z}. */
    static String timestamp(Instant instant) {
        return instant == null ? null : TIMESTAMP.format(instant);
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
