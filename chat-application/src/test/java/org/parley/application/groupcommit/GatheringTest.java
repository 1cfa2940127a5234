package org.parley.application.groupcommit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The gathering wait's rule, on a clock the test moves (nanoseconds). */
class GatheringTest {

    private static final long MS = 1_000_000L;
    private static final Duration ONE_MS = Duration.ofMillis(1);

    @Test
    void without_a_wait_configured_a_batch_never_waits() {
        Gathering gathering = new Gathering(Duration.ZERO, 8);
        for (int i = 0; i < 50; i++) {
            gathering.taken(i * 100_000L);
        }
        assertThat(gathering.waits()).isFalse();
        assertThat(gathering.waitNanos(1, 49 * 100_000L, 49 * 100_000L)).isLessThanOrEqualTo(0);
    }

    @Test
    void the_first_message_ever_and_a_lone_message_after_a_pause_are_committed_at_once() {
        Gathering gathering = new Gathering(ONE_MS, 8);
        gathering.taken(0);
        assertThat(gathering.waitNanos(1, 0, 0)).isLessThanOrEqualTo(0);

        long t = steady(gathering, 1, 200, MS / 2);
        assertThat(gathering.waitNanos(1, t, t)).as("steady at 2,000/s").isPositive();

        long afterPause = t + 8 * MS;
        gathering.taken(afterPause);
        assertThat(gathering.waitNanos(1, afterPause, afterPause)).as("the first message after an 8 ms pause")
                .isLessThanOrEqualTo(0);

        Gathering long30s = new Gathering(Duration.ofSeconds(30), 8);
        long30s.taken(0);
        assertThat(long30s.waitNanos(1, 0, 0)).as("the first message ever, with a 30 s wait").isLessThanOrEqualTo(0);
    }

    @Test
    void while_messages_arrive_closer_than_the_wait_a_small_batch_waits_until_its_first_has_waited_the_wait() {
        Gathering gathering = new Gathering(ONE_MS, 8);
        long first = steady(gathering, 0, 200, MS / 2);

        assertThat(gathering.waitNanos(1, first, first)).isEqualTo(MS);
        assertThat(gathering.waitNanos(3, first, first + MS / 4)).isEqualTo(3 * MS / 4);
        assertThat(gathering.waitNanos(3, first, first + MS)).as("the first has waited 1 ms").isLessThanOrEqualTo(0);
        assertThat(gathering.waitNanos(1, first - 2 * MS, first))
                .as("queued 2 ms ago: the writer was busy, so nothing is added").isNegative();
    }

    @Test
    void a_batch_that_holds_enough_messages_is_committed_at_once() {
        Gathering gathering = new Gathering(ONE_MS, 8);
        long first = steady(gathering, 0, 200, MS / 10);

        assertThat(gathering.waitNanos(7, first, first)).isPositive();
        assertThat(gathering.waitNanos(8, first, first)).isLessThanOrEqualTo(0);
        assertThat(gathering.waitNanos(100, first, first)).isLessThanOrEqualTo(0);
    }

    @Test
    void messages_arriving_further_apart_than_the_wait_are_not_held_back() {
        Gathering gathering = new Gathering(ONE_MS, 8);
        long last = steady(gathering, 0, 200, 2 * MS);

        assertThat(gathering.waitNanos(1, last, last)).as("500 messages/s with a 1 ms wait").isLessThanOrEqualTo(0);
    }

    @Test
    void messages_taken_out_of_their_clocks_order_count_as_no_gap() {
        Gathering gathering = new Gathering(ONE_MS, 8);
        long t = steady(gathering, 0, 200, MS / 2);
        for (int i = 0; i < 50; i++) {
            gathering.taken(t - i);
        }
        assertThat(gathering.waitNanos(1, t, t)).isEqualTo(MS);
    }

    @Test
    void a_negative_wait_or_no_batch_size_is_refused() {
        assertThatThrownBy(() -> new Gathering(Duration.ofNanos(-1), 8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Gathering(ONE_MS, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Counts {@code count} messages {@code gap} apart from {@code start}; the last one's enqueue time. */
    private static long steady(Gathering gathering, long start, int count, long gap) {
        long t = start;
        for (int i = 0; i < count; i++) {
            t = start + i * gap;
            gathering.taken(t);
        }
        return t;
    }
}
