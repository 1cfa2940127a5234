package org.parley.application.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void waits_one_second_then_twice_as_long_each_time_up_to_ten_minutes() {
        Backoff backoff = Backoff.CONTRACT;

        assertThat(backoff.after(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.after(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.after(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.after(10)).isEqualTo(Duration.ofSeconds(512));
        assertThat(backoff.after(11)).isEqualTo(Duration.ofMinutes(10));
        assertThat(backoff.after(5_000)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void refuses_nonsense() {
        assertThatThrownBy(() -> Backoff.CONTRACT.after(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
