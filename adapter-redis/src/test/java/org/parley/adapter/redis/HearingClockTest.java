package org.parley.adapter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What counts towards a node's deafness: time it ran without hearing itself, not time it stood still. */
class HearingClockTest {

    private static final long MS = 1_000_000;
    private static final long COUNTED = 1_000 * MS;

    @Test
    void roundsOfTheUsualLengthCountInFull() {
        HearingClock clock = new HearingClock(COUNTED, 0);
        for (long now = 250 * MS; now <= 6_000 * MS; now += 250 * MS) {
            clock.roundBegins(now, 0);
        }
        assertThat(clock.countedFrom(0)).isZero();
        assertThat(clock.countedFrom(5_500 * MS)).as("a later hearing").isEqualTo(5_500 * MS);
    }

    @Test
    void timeTheNodeStoodStillIsLeftOut() {
        HearingClock clock = new HearingClock(COUNTED, 0);
        clock.roundBegins(250 * MS, 0);
        clock.roundBegins(500 * MS, 0);
        // Still from 1,500 ms (the round's first second counts) until 10,500 ms.
        clock.roundBegins(10_500 * MS, 0);

        assertThat(10_500 * MS - clock.countedFrom(0)).as("counted at 10,500 ms").isEqualTo(1_500 * MS);
    }

    /**
     * Lettuce's threads may read the node's own publications, sent before the pause, before the heartbeat thread runs
     * again: the count then starts at that hearing, not at a moment in the future (which once hid a real deafness for
     * as long as the pause had lasted).
     */
    @Test
    void aHearingDuringTheStillTimeIsCountedFromAndNeverMovedIntoTheFuture() {
        HearingClock clock = new HearingClock(COUNTED, 0);
        clock.roundBegins(500 * MS, 0);
        long heardAfterThePause = 10_400 * MS;
        clock.roundBegins(10_500 * MS, heardAfterThePause);

        assertThat(clock.countedFrom(heardAfterThePause)).isEqualTo(heardAfterThePause);
        for (long now = 10_750 * MS; now <= 15_500 * MS; now += 250 * MS) {
            clock.roundBegins(now, heardAfterThePause);
        }
        assertThat(15_500 * MS - clock.countedFrom(heardAfterThePause)).as("deaf 5 s after that hearing")
                .isEqualTo(5_100 * MS);
    }

    @Test
    void pausesOneAfterAnotherAreEachLeftOutOnce() {
        HearingClock clock = new HearingClock(COUNTED, 0);
        clock.roundBegins(8_000 * MS, 0); // 7 s still
        clock.roundBegins(8_250 * MS, 0);
        clock.roundBegins(20_250 * MS, 0); // 11 s still
        assertThat(20_250 * MS - clock.countedFrom(0)).isEqualTo(2_250 * MS);
        assertThat(clock.countedFrom(0)).isLessThanOrEqualTo(20_250 * MS);
    }

    @Test
    void aNodeThatOnlyRunsSlowlyStillCountsASecondARound() {
        HearingClock clock = new HearingClock(COUNTED, 0);
        long now = 0;
        for (int round = 1; round <= 5; round++) {
            now += 3_000 * MS;
            clock.roundBegins(now, 0);
            assertThat(now - clock.countedFrom(0)).as("after round %d", round).isEqualTo(round * COUNTED);
        }
    }

    @Test
    void theClockMayWrap() {
        long start = Long.MAX_VALUE - 2_000 * MS;
        HearingClock clock = new HearingClock(COUNTED, start);
        long now = start + 500 * MS;
        clock.roundBegins(now, start);
        now += 9_000 * MS; // past Long.MAX_VALUE
        clock.roundBegins(now, start);
        assertThat(now - clock.countedFrom(start)).isEqualTo(1_500 * MS);
        long heard = now + 100 * MS;
        assertThat(clock.countedFrom(heard)).isEqualTo(heard);
    }

    @Test
    void refusesANonPositiveLength() {
        assertThatThrownBy(() -> new HearingClock(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
