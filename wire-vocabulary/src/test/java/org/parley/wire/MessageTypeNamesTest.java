package org.parley.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.parley.domain.chat.MessageType;

class MessageTypeNamesTest {

    @Test
    void the_seed_names() {
        assertThat(MessageTypeNames.of(MessageType.TEXT)).isEqualTo("text");
        assertThat(MessageTypeNames.of(MessageType.FILE)).isEqualTo("file");
        assertThat(MessageTypeNames.of(MessageType.USER_PROFILE)).isEqualTo("user_profile");
    }

    @Test
    void every_type_has_its_own_name() {
        assertThat(Arrays.stream(MessageType.values()).map(MessageTypeNames::of).distinct())
                .hasSize(MessageType.values().length);
    }
}
