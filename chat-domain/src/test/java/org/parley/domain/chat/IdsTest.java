package org.parley.domain.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IdsTest {

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void ids_are_positive(long value) {
        assertThatThrownBy(() -> new ThreadId(value)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageId(value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ids_print_as_plain_numbers() {
        assertThat(new ThreadId(1)).hasToString("1");
        assertThat(new MessageId(Long.MAX_VALUE)).hasToString(Long.toString(Long.MAX_VALUE));
    }

    @Test
    void message_ids_order_by_value() {
        assertThat(new MessageId(2)).isGreaterThan(new MessageId(1));
        assertThat(new MessageId(7).compareTo(new MessageId(7))).isZero();
    }
}
