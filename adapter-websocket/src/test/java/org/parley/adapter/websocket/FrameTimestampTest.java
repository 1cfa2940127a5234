package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import org.parley.domain.user.UserId;

/**
 * {@link Frames#timestamp} and {@link Frames#writeTimestamp}, which write the seed's frame timestamp digit by digit,
 * against {@link Frames#TIMESTAMP}, the {@code DateTimeFormatter} they stand in for: the same text for any instant,
 * whether around today, anywhere in the years 0000–9999 (before 1970 included), at the edges of those years, or outside
 * them (where the formatter itself is used). {@link Frames#writeUserId} likewise against {@code UUID.toString}.
 */
class FrameTimestampTest {

    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z in epoch seconds. */
    private static final long FIRST_SECOND = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long LAST_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    /**
     * About a million years in seconds: the formatter itself fails near {@link Instant#MIN} (beyond
     * {@code LocalDate}'s range), as it always did.
     */
    private static final long MILLION_YEARS = 31_556_952_000_000L;

    @Property(tries = 5000)
    void writesWhatTheFormatterWrites(@ForAll("instants") Instant instant) {
        assertThat(Frames.timestamp(instant)).isEqualTo(Frames.TIMESTAMP.format(instant));
    }

    /** What a frame carries: written into the generator without a {@code String}, the same text as above. */
    @Property(tries = 2000)
    void framesCarryTheSameTimestampAndIds(@ForAll("instants") Instant instant, @ForAll long high, @ForAll long low) {
        UUID id = new UUID(high, low);
        String expected = "{\"id\":\"" + id + "\",\"timestamp\":\"" + Frames.TIMESTAMP.format(instant) + "\"}";

        FrameJson.Body body = frame -> {
            frame.writeStartObject();
            Frames.writeUserId(frame, "id", new UserId(id));
            Frames.writeTimestamp(frame, "timestamp", instant);
            frame.writeEndObject();
        };

        assertThat(FrameJson.render(body)).isEqualTo(expected);
        assertThat(FrameJson.frame(body).text()).isEqualTo(expected);
    }

    @Property
    void writesThirtyTwoCharactersInTheFourDigitYears(@ForAll("instants") Instant instant) {
        String text = Frames.timestamp(instant);
        if (instant.getEpochSecond() >= FIRST_SECOND && instant.getEpochSecond() <= LAST_SECOND) {
            assertThat(text).hasSize(32).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}\\+00:00");
        }
    }

    @Provide
    Arbitrary<Instant> instants() {
        Arbitrary<Long> nearToday = Arbitraries.longs().between(1_500_000_000L, 2_500_000_000L);
        Arbitrary<Long> fourDigitYears = Arbitraries.longs().between(FIRST_SECOND, LAST_SECOND);
        Arbitrary<Long> edges = Arbitraries.of(FIRST_SECOND - 1, FIRST_SECOND, FIRST_SECOND + 86_399,
                FIRST_SECOND + 86_400, -1L, 0L, 1L, 86_399L, 86_400L, 951_782_400L /* 2000-02-29 */,
                LAST_SECOND - 86_400, LAST_SECOND, LAST_SECOND + 1);
        Arbitrary<Long> otherYears = Arbitraries.oneOf(
                Arbitraries.longs().between(-MILLION_YEARS, FIRST_SECOND - 1),
                Arbitraries.longs().between(LAST_SECOND + 1, MILLION_YEARS));
        Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.integers().between(0, 999_999_999),
                Arbitraries.of(0, 1, 999, 1_000, 999_999_999));
        return Combinators.combine(
                        Arbitraries.frequencyOf(
                                Tuple.of(4, nearToday),
                                Tuple.of(4, fourDigitYears),
                                Tuple.of(2, edges),
                                Tuple.of(1, otherYears)),
                        nanos)
                .as(Instant::ofEpochSecond);
    }
}
