package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Finding the texts that have no UTF-8 form, as the JDK's encoder (which Tyrus uses) sees them. */
class SendableTextTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "caf\u00e9", "\u20ac", "\ud83d\ude00 emoji", "two \ud83d\ude00\ud83d\ude00",
            "\uffff", "\ud7ff\ue000"})
    void wellFormedTextIsSendableAndEncodes(String text) throws CharacterCodingException {
        assertThat(SendableText.firstUnpairedSurrogate(text)).isEqualTo(-1);
        assertThat(SendableText.require(text)).isSameAs(text);
        StandardCharsets.UTF_8.newEncoder().encode(java.nio.CharBuffer.wrap(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\ud83d", "x\ud83d", "\ud83dx", "\ude00", "x\ude00\ud83d", "ok \ud83d\ude00 then \udbff"})
    void anUnpairedSurrogateIsFoundAndTheEncoderAgrees(String text) {
        int index = SendableText.firstUnpairedSurrogate(text);

        assertThat(index).isNotNegative();
        assertThat(Character.isSurrogate(text.charAt(index))).isTrue();
        assertThatThrownBy(() -> StandardCharsets.UTF_8.newEncoder().encode(java.nio.CharBuffer.wrap(text)))
                .isInstanceOf(CharacterCodingException.class);
        assertThatThrownBy(() -> SendableText.require(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index " + index);
    }
}
