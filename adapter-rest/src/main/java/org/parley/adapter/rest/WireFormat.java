package org.parley.adapter.rest;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How values look on the wire (contract §3). */
final class WireFormat {

    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final int TIMESTAMP_LENGTH = 27;
    private static final long SECONDS_PER_DAY = 86_400;
    private static final long FIRST_FOUR_DIGIT_DAY = LocalDate.of(0, 1, 1).toEpochDay();
    private static final long LAST_FOUR_DIGIT_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

    private WireFormat() {
    }

    /**
     * ISO-8601 in UTC with exactly six fractional digits (truncated) and {@code Z}: {@code 2025-03-14T10:07:31.270646Z};
     * null for null. A history page of 200 messages carries 1,200 to 1,600 of them (each message and both its users
     * have several), so the years 0000 to 9999 are written digit by digit: {@link DateTimeFormatter#format} allocated 956 B
     * per call (a {@code BigDecimal} for the fraction, a print context, a builder; 120 B now), 14 % of all bytes
     * allocated on the request threads in a loop of catch-up pages. Other years (which {@code uuuu} writes with a sign) go through the
     * formatter. The websocket adapter's frames do the same with their own suffix ({@code +00:00}).
     */
    static String timestamp(Instant instant) {
        if (instant == null) {
            return null;
        }
        long seconds = instant.getEpochSecond();
        long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
        if (day < FIRST_FOUR_DIGIT_DAY || day > LAST_FOUR_DIGIT_DAY) {
            return TIMESTAMP.format(instant);
        }
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        LocalDate date = LocalDate.ofEpochDay(day);
        byte[] text = new byte[TIMESTAMP_LENGTH];
        digits(text, 0, date.getYear(), 4);
        text[4] = '-';
        digits(text, 5, date.getMonthValue(), 2);
        text[7] = '-';
        digits(text, 8, date.getDayOfMonth(), 2);
        text[10] = 'T';
        digits(text, 11, secondOfDay / 3600, 2);
        text[13] = ':';
        digits(text, 14, secondOfDay / 60 % 60, 2);
        text[16] = ':';
        digits(text, 17, secondOfDay % 60, 2);
        text[19] = '.';
        digits(text, 20, instant.getNano() / 1000, 6);
        text[26] = 'Z';
        return new String(text, StandardCharsets.ISO_8859_1);
    }

    /** Writes {@code value} (not negative) as {@code count} decimal digits, zero-padded, at {@code at}. */
    private static void digits(byte[] text, int at, int value, int count) {
        for (int i = at + count - 1; i >= at; i--) {
            text[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
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
