package org.parley.domain.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageTypeTest {

    @Test
    void wire_names_are_the_seeds() {
        assertThat(MessageType.TEXT.wireName()).isEqualTo("text");
        assertThat(MessageType.FILE.wireName()).isEqualTo("file");
        assertThat(MessageType.USER_PROFILE.wireName()).isEqualTo("user_profile");
    }

    @Test
    void parses_wire_names_exactly() {
        for (MessageType type : MessageType.values()) {
            assertThat(MessageType.fromWireName(type.wireName())).contains(type);
        }
        assertThat(MessageType.fromWireName("TEXT")).isEmpty();
        assertThat(MessageType.fromWireName("image")).isEmpty();
        assertThat(MessageType.fromWireName(null)).isEmpty();
    }
}
