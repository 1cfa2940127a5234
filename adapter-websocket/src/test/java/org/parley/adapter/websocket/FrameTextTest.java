package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

/** Where {@link FrameText#firstRefused} says the refused text is, at every depth, and that it passes good frames. */
class FrameTextTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LONE_SURROGATE = "\ud83d";

    @Test
    void anAcceptableFrameOfEveryKindOfValueHasNoRefusedText() throws Exception {
        JsonNode frame = JSON.readTree("{\"action\":\"text_message\",\"n\":1,\"f\":1.5,\"b\":true,\"z\":null,"
                + "\"o\":{\"a\":[1,\"x\",{\"y\":\"\ud83d\ude00\"}]},\"e\":{},\"l\":[]}");

        assertThat(FrameText.firstRefused(frame)).isEmpty();
    }

    @Test
    void aRefusedValueIsNamedByItsPathAtEveryDepth() {
        ObjectNode frame = JsonNodeFactory.instance.objectNode();
        frame.put("message_body", "fine");
        frame.putObject("a").putArray("b").add("ok").add(1).add("bad\0");

        assertThat(FrameText.firstRefused(frame)).contains("a.b[2] holds a null character (U+0000), which is not "
                + "allowed");
        assertThat(FrameText.firstRefused(JsonNodeFactory.instance.objectNode().put("message_body", LONE_SURROGATE)))
                .contains("message_body" + FrameText.NOT_UNICODE);
        assertThat(FrameText.firstRefused(JsonNodeFactory.instance.textNode("x" + LONE_SURROGATE)))
                .contains(FrameText.NOT_UNICODE);
    }

    @Test
    void aRefusedFieldNameIsNamedByWhereItIs() {
        ObjectNode top = JsonNodeFactory.instance.objectNode();
        top.put("bad" + LONE_SURROGATE, 1);
        ObjectNode nested = JsonNodeFactory.instance.objectNode();
        nested.putObject("outer").putObject("inner").put("\0", "v");

        assertThat(FrameText.firstRefused(top)).contains("A field name" + FrameText.NOT_UNICODE);
        assertThat(FrameText.firstRefused(nested)).contains("A field name in outer.inner holds a null character "
                + "(U+0000), which is not allowed");
    }

    @Test
    void theFirstRefusedTextInTheFramesOrderIsTheOneNamed() {
        ObjectNode frame = JsonNodeFactory.instance.objectNode();
        frame.put("first", "a\0");
        frame.put("second", LONE_SURROGATE);

        assertThat(FrameText.firstRefused(frame)).contains("first holds a null character (U+0000), which is not "
                + "allowed");
    }
}
