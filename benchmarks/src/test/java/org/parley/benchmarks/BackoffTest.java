package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LongSummaryStatistics;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The storm mode's reconnect schedule: no pause first, then full jitter under a doubling, capped ceiling. */
class BackoffTest {

    private final Backoff backoff = new Backoff(100, 2_000);

    @Test
    void theFirstAttemptGoesAtOnceAndTheCeilingDoublesUpToTheCap() {
        assertThat(IntStream.rangeClosed(0, 8).mapToLong(backoff::ceilingMillis).toArray())
                .containsExactly(0, 100, 200, 400, 800, 1_600, 2_000, 2_000, 2_000);
        assertThat(new Backoff(7, 7).ceilingMillis(1)).isEqualTo(7);
        assertThat(new Backoff(7, 7).ceilingMillis(30)).isEqualTo(7);
    }

    @Test
    void theFirstAttemptIsNeverJittered() {
        Random random = new Random(16);
        for (int i = 0; i < 1_000; i++) {
            assertThat(backoff.pauseMillis(0, random)).isZero();
        }
    }

    @Test
    void farAttemptsStayAtTheCapWithoutOverflow() {
        Backoff wide = new Backoff(1, Backoff.LONGEST_MILLIS);
        assertThat(wide.ceilingMillis(27)).isEqualTo(1L << 26);
        assertThat(wide.ceilingMillis(28)).isEqualTo(Backoff.LONGEST_MILLIS);
        assertThat(wide.ceilingMillis(64)).isEqualTo(Backoff.LONGEST_MILLIS);
        assertThat(wide.ceilingMillis(Integer.MAX_VALUE)).isEqualTo(Backoff.LONGEST_MILLIS);
        assertThat(wide.pauseMillis(Integer.MAX_VALUE, new Random(1))).isBetween(0L, Backoff.LONGEST_MILLIS);
        assertThat(new Backoff(3_000, 600_000).ceilingMillis(Integer.MAX_VALUE)).isEqualTo(600_000);
        assertThat(new Backoff(3_000, 600_000).ceilingMillis(8)).isEqualTo(384_000);
        assertThat(new Backoff(3_000, 600_000).ceilingMillis(9)).isEqualTo(600_000);
    }

    /**
     * Full jitter: with a seeded generator every pause lies in {@code [0, ceiling]} and the pauses spread over the
     * whole range (the lowest near 0, the highest near the ceiling, the mean near half of it), so clients refused
     * together do not retry together.
     */
    @Test
    void pausesAreDrawnUniformlyFromZeroToTheCeiling() {
        Random random = new Random(42);
        for (int attempt = 1; attempt <= 8; attempt++) {
            long ceiling = backoff.ceilingMillis(attempt);
            int attemptNumber = attempt;
            LongSummaryStatistics pauses = IntStream.range(0, 10_000)
                    .mapToLong(i -> backoff.pauseMillis(attemptNumber, random)).summaryStatistics();
            assertThat(pauses.getMin()).as("attempt %d", attempt).isBetween(0L, ceiling / 50);
            assertThat(pauses.getMax()).as("attempt %d", attempt).isBetween(ceiling - ceiling / 50, ceiling);
            assertThat(pauses.getAverage()).as("attempt %d", attempt)
                    .isBetween(ceiling * 0.47, ceiling * 0.53);
        }
    }

    /** Both ends are included: every whole millisecond from 0 to the ceiling is drawn, nothing else. */
    @Test
    void everyWholeMillisecondFromZeroToTheCeilingInclusiveCanBeDrawn() {
        Backoff small = new Backoff(1, 4);
        Random random = new Random(3);

        assertThat(IntStream.range(0, 1_000).mapToLong(i -> small.pauseMillis(1, random)).distinct().sorted()
                .toArray()).containsExactly(0, 1);
        assertThat(IntStream.range(0, 1_000).mapToLong(i -> small.pauseMillis(3, random)).distinct().sorted()
                .toArray()).containsExactly(0, 1, 2, 3, 4);
    }

    /** For any attempt the ceiling lies between the first pause and the cap, and never falls: no overflow anywhere. */
    @Test
    void theCeilingNeverFallsAndStaysWithinItsBoundsForEveryAttempt() {
        for (Backoff schedule : new Backoff[] {backoff, new Backoff(3_000, 600_000), new Backoff(1, 1),
                new Backoff(7, Backoff.LONGEST_MILLIS), new Backoff(Backoff.LONGEST_MILLIS, Backoff.LONGEST_MILLIS)}) {
            long previous = schedule.firstMillis();
            for (int attempt = 1; attempt <= 200; attempt++) {
                long ceiling = schedule.ceilingMillis(attempt);
                assertThat(ceiling).as("%s attempt %d", schedule, attempt)
                        .isBetween(previous, schedule.maxMillis());
                previous = ceiling;
            }
            assertThat(previous).isEqualTo(schedule.maxMillis());
        }
    }

    /** The same seed gives the same schedule (a run's pauses can be replayed); another seed another one. */
    @Test
    void aSeededGeneratorGivesARepeatableSchedule() {
        long[] first = schedule(new Random(7));
        long[] again = schedule(new Random(7));
        long[] other = schedule(new Random(8));

        assertThat(again).containsExactly(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(first[0]).isZero();
        for (int attempt = 1; attempt < first.length; attempt++) {
            assertThat(first[attempt]).isBetween(0L, backoff.ceilingMillis(attempt));
        }
    }

    @Test
    void aScheduleNeedsAPositiveFirstCeilingNotAboveTheCap() {
        assertThatThrownBy(() -> new Backoff(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(20, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(1, Backoff.LONGEST_MILLIS + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> backoff.ceilingMillis(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private long[] schedule(Random random) {
        return IntStream.range(0, 12).mapToLong(attempt -> backoff.pauseMillis(attempt, random)).toArray();
    }
}
