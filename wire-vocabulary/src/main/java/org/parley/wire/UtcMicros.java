package org.parley.wire;

import java.time.Instant;
import java.time.LocalDate;

/**
 * The part both APIs' timestamps share: an instant in UTC as ISO-8601 date and time with exactly six fractional
 * digits, truncated to the microsecond, {@code 2025-03-14T10:36:22.680911} ({@value #LENGTH} characters), as Django
 * REST framework's {@code DateTimeField} and Python's {@code datetime.isoformat()} write it. Each adapter adds its own
 * zone suffix ({@code Z} in REST, {@code +00:00} in frames), so the suffix stays with the adapter that says it.
 *
 * <p>Written digit by digit into the caller's array for the years 0000 to 9999: {@code DateTimeFormatter.format}
 * allocated about 1 KB per call (a {@code BigDecimal} for the fraction, a print context, a builder), and every message
 * carries several timestamps in each frame and history page. Other years, which {@code uuuu} writes with a sign, are
 * refused ({@link #write} answers false) and left to the caller's formatter.
 */
public final class UtcMicros {

    /** Characters written by {@link #write}. */
    public static final int LENGTH = 26;

    private static final long SECONDS_PER_DAY = 86_400;
    private static final long FIRST_FOUR_DIGIT_DAY = LocalDate.of(0, 1, 1).toEpochDay();
    private static final long LAST_FOUR_DIGIT_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

    private UtcMicros() {
    }

    /**
     * Writes {@code instant} at {@code text[at]} … {@code text[at + LENGTH - 1]}.
     *
     * @return false, with nothing written, when the instant's year is outside 0000–9999
     * @throws ArrayIndexOutOfBoundsException when {@code text} has fewer than {@link #LENGTH} characters from {@code at}
     */
    public static boolean write(char[] text, int at, Instant instant) {
        long seconds = instant.getEpochSecond();
        long day = Math.floorDiv(seconds, SECONDS_PER_DAY);
        if (day < FIRST_FOUR_DIGIT_DAY || day > LAST_FOUR_DIGIT_DAY) {
            return false;
        }
        if (text.length - at < LENGTH) {
            throw new ArrayIndexOutOfBoundsException("A timestamp needs " + LENGTH + " characters from " + at);
        }
        int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
        LocalDate date = LocalDate.ofEpochDay(day);
        digits(text, at, date.getYear(), 4);
        text[at + 4] = '-';
        digits(text, at + 5, date.getMonthValue(), 2);
        text[at + 7] = '-';
        digits(text, at + 8, date.getDayOfMonth(), 2);
        text[at + 10] = 'T';
        digits(text, at + 11, secondOfDay / 3600, 2);
        text[at + 13] = ':';
        digits(text, at + 14, secondOfDay / 60 % 60, 2);
        text[at + 16] = ':';
        digits(text, at + 17, secondOfDay % 60, 2);
        text[at + 19] = '.';
        digits(text, at + 20, instant.getNano() / 1000, 6);
        return true;
    }

    /** Writes {@code value} (not negative) as {@code count} decimal digits, zero-padded, at {@code at}. */
    private static void digits(char[] text, int at, int value, int count) {
        for (int i = at + count - 1; i >= at; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
