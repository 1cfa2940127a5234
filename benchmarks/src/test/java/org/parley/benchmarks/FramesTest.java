package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class FramesTest {

    @Test
    void aTextMessageIsTheSeedsFrameAndItsBodyNamesTheClientId() throws Exception {
        JsonNode frame = new ObjectMapper().readTree(Frames.textMessage("u-2", "r1-7"));

        assertThat(frame.path("action").asText()).isEqualTo("text_message");
        assertThat(frame.path("receiver_id").asText()).isEqualTo("u-2");
        assertThat(frame.path("client_msg_id").asText()).isEqualTo("r1-7");
        assertThat(frame.path("message_body").asText()).isEqualTo("bench r1-7");
    }

    @Test
    void aPaddedBodyReachesItsLengthAndStillNamesTheClientId() throws Exception {
        JsonNode frame = new ObjectMapper().readTree(Frames.textMessage("u-2", "r1-7", 100));
        String body = frame.path("message_body").asText();
        Frames.Incoming delivered = parse("{\"message\":" + new ObjectMapper().writeValueAsString(body)
                + ",\"created_msg_id\":42,\"action\":\"re_message\"}");

        assertThat(body).hasSize(100).startsWith("bench r1-7 x");
        assertThat(delivered.clientMsgId()).isEqualTo("r1-7");
        assertThat(new ObjectMapper().readTree(Frames.textMessage("u-2", "r1-7", 3)).path("message_body").asText())
                .isEqualTo("bench r1-7");
        assertThat(new ObjectMapper().readTree(Frames.textMessage("u-2", "r1-7", 10)).path("message_body").asText())
                .isEqualTo("bench r1-7");
        assertThat(new ObjectMapper().readTree(Frames.textMessage("u-2", "r1-7", 11)).path("message_body").asText())
                .isEqualTo("bench r1-7 ");
    }

    @Test
    void aConfirmationCarriesTheClientIdAndTheStoredId() {
        Frames.Incoming frame = parse("{\"sender_id\":\"u-1\",\"message\":\"bench r1-7\",\"created_msg_id\":42,"
                + "\"message_type\":\"text\",\"action\":\"conf_message\",\"client_msg_id\":\"r1-7\"}");

        assertThat(frame).isEqualTo(new Frames.Incoming("conf_message", "r1-7", 42, null));
    }

    @Test
    void aDeliveryIsMatchedByTheBody() {
        Frames.Incoming frame = parse(
                "{\"message\":\"bench r1-7\",\"created_msg_id\":42,\"action\":\"re_message\"}");

        assertThat(frame).isEqualTo(new Frames.Incoming("re_message", "r1-7", 42, null));
    }

    @Test
    void errorsAndGarbageAreRecognised() {
        assertThat(parse("{\"action\":\"error\",\"code\":\"invalid_receiver\"}").errorCode())
                .isEqualTo("invalid_receiver");
        assertThat(parse("not json").action()).isEqualTo("?");
    }

    @Test
    void nestedObjectsAreSkippedAndOnlyTopLevelFieldsCount() {
        Frames.Incoming frame = parse("{\"attached_profile\":{\"id\":\"u-3\",\"message\":\"bench x-1\","
                + "\"action\":\"nested\",\"list\":[1,{\"a\":2}]},\"message\":null,\"created_msg_id\":7,"
                + "\"action\":\"re_message\",\"client_msg_id\":\"p-1\"}");

        assertThat(frame).isEqualTo(new Frames.Incoming("re_message", "p-1", 7, null));
    }

    @Test
    void framesThatAreNotObjectsOrAreCutShortAreUnreadable() {
        assertThat(parse("[1,2]").action()).isEqualTo("?");
        assertThat(parse("\"text\"").action()).isEqualTo("?");
        assertThat(parse("{\"action\":\"re_message\",\"created_msg_id\":").action()).isEqualTo("?");
        assertThat(parse("{}").action()).isEqualTo("?");
    }

    @Test
    void aWrittenMessageEscapesWhatItMust() throws Exception {
        JsonNode frame = new ObjectMapper().readTree(Frames.textMessage("u-\"2\"", "r\\1"));

        assertThat(frame.path("receiver_id").asText()).isEqualTo("u-\"2\"");
        assertThat(frame.path("client_msg_id").asText()).isEqualTo("r\\1");
    }

    @Test
    void framesAreUtf8BothWays() throws Exception {
        JsonNode written = new ObjectMapper().readTree(Frames.textMessage("u-2", "r-é€"));
        Frames.Incoming read = parse("{\"action\":\"re_message\",\"message\":\"bench r-é€\",\"created_msg_id\":3}");

        assertThat(written.path("client_msg_id").asText()).isEqualTo("r-é€");
        assertThat(read.clientMsgId()).isEqualTo("r-é€");
    }

    private static Frames.Incoming parse(String json) {
        return Frames.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }
}
