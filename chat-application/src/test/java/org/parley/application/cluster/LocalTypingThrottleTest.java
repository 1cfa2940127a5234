package org.parley.application.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.parley.application.testing.ManualTimeSource;
import org.parley.domain.user.UserId;

class LocalTypingThrottleTest {

    private final ManualTimeSource time = new ManualTimeSource();
    private final LocalTypingThrottle throttle = new LocalTypingThrottle(time);

    @Test
    void the_first_of_a_pair_passes_then_none_for_two_seconds() {
        UserId a = UserId.random();
        UserId b = UserId.random();
        assertThat(throttle.tryPass(a, b)).isTrue();
        assertThat(throttle.tryPass(a, b)).isFalse();
        assertThat(throttle.tryPass(b, a)).isTrue();
        time.advance(Duration.ofMillis(1_999));
        assertThat(throttle.tryPass(a, b)).isFalse();
        time.advance(Duration.ofMillis(1));
        assertThat(throttle.tryPass(a, b)).isTrue();
    }

    @Test
    void a_notice_refused_elsewhere_holds_the_pair_exactly_until_the_other_window_ends() {
        UserId a = UserId.random();
        UserId b = UserId.random();
        assertThat(throttle.tryPass(a, b)).isTrue();
        throttle.refusedElsewhere(a, b, Duration.ofMillis(300));
        assertThat(throttle.tryPass(a, b)).as("the other node's window still runs").isFalse();
        time.advance(Duration.ofMillis(299));
        assertThat(throttle.tryPass(a, b)).isFalse();
        time.advance(Duration.ofMillis(1));
        assertThat(throttle.tryPass(a, b)).as("its end, not a window of our own from the refused notice").isTrue();

        throttle.refusedElsewhere(a, b, Duration.ZERO);
        assertThat(throttle.tryPass(a, b)).as("no window left elsewhere: judged afresh").isTrue();
        throttle.refusedElsewhere(a, b, Duration.ofHours(1));
        time.advance(Duration.ofMillis(2_000));
        assertThat(throttle.tryPass(a, b)).as("held at most one window").isTrue();
    }

    @Test
    void pairs_outside_their_window_are_forgotten_so_memory_stays_bounded() {
        for (int i = 0; i < LocalTypingThrottle.SWEEP_EVERY - 1; i++) {
            throttle.tryPass(UserId.random(), UserId.random());
        }
        time.advance(Duration.ofSeconds(2));
        throttle.tryPass(UserId.random(), UserId.random());

        assertThat(throttle.remembered()).isEqualTo(1);
    }
}
