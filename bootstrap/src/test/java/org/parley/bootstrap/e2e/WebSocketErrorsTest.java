package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.e2e.People.Person;

/** Every bad frame gets an error frame (contract §8) and the connection stays usable; oversized frames get 1009. */
class WebSocketErrorsTest {

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley();

    private Person alice;
    private Person bob;

    /**
     * Two new people for each test: in cluster mode the confirmation of a test's last message, on its way to Alice's
     * other node through the bus, could otherwise reach the next test's new connection of the same Alice there.
     */
    @BeforeEach
    void twoPeople() {
        People people = new People(new HttpApi(SERVER.httpBase()));
        alice = people.register("Alice");
        bob = people.register("Bob");
    }

    private void assertErrorThenStillWorks(Object badFrame, String code, String requestAction) {
        try (ChatSocket socket = ChatSocket.connect(SERVER.wsBase(), alice.access())) {
            socket.send(badFrame);
            JsonNode error = socket.next();
            assertThat(error.get("action").asText()).isEqualTo("error");
            assertThat(error.get("code").asText()).isEqualTo(code);
            assertThat(error.get("message").asText()).isNotBlank();
            if (requestAction == null) {
                assertThat(error.get("request_action").isNull()).isTrue();
            } else {
                assertThat(error.get("request_action").asText()).isEqualTo(requestAction);
            }

            socket.send(Frames.text(bob.id(), "still here"));
            JsonNode confirmation = socket.next();
            assertThat(confirmation.get("action").asText()).isEqualTo("conf_message");
            assertThat(confirmation.get("message").asText()).isEqualTo("still here");
        }
    }

    @Test
    void notJsonIsInvalidJson() {
        assertErrorThenStillWorks("this is not json", "invalid_json", null);
    }

    @Test
    void aJsonArrayIsInvalidJson() {
        assertErrorThenStillWorks("[1,2,3]", "invalid_json", null);
    }

    @Test
    void anUnknownActionIsReported() {
        assertErrorThenStillWorks(Map.of("action", "dance"), "unknown_action", "dance");
    }

    @Test
    void aMissingActionIsReported() {
        assertErrorThenStillWorks(Map.of("message_body", "hi"), "unknown_action", null);
    }

    @Test
    void aBlankMessageIsAValidationError() {
        assertErrorThenStillWorks(Frames.text(bob.id(), "   "), "validation_error", "text_message");
    }

    @Test
    void aMissingBodyIsAValidationError() {
        Map<String, Object> frame = new LinkedHashMap<>(Frames.text(bob.id(), "x"));
        frame.remove("message_body");
        assertErrorThenStillWorks(frame, "validation_error", "text_message");
    }

    @Test
    void aTooLongMessageIsAValidationError() {
        assertErrorThenStillWorks(Frames.text(bob.id(), "x".repeat(10_001)), "validation_error", "text_message");
    }

    @Test
    void messagingYourselfIsAValidationError() {
        assertErrorThenStillWorks(Frames.text(alice.id(), "me, myself"), "validation_error", "text_message");
    }

    @Test
    void aTooLongClientMessageIdIsAValidationError() {
        assertErrorThenStillWorks(Frames.text(bob.id(), "hi", "x".repeat(65)), "validation_error", "text_message");
    }

    /** Contract §10: a receiver_id that is not a user id at all is a validation error, not an unknown receiver. */
    @Test
    void aMalformedOrMissingReceiverIsAValidationError() {
        assertErrorThenStillWorks(Frames.text("not-a-uuid", "hi"), "validation_error", "text_message");
        assertErrorThenStillWorks(Map.of("action", "text_message", "message_body", "no receiver"), "validation_error",
                "text_message");
    }

    @Test
    void anUnknownReceiverIsAnInvalidReceiver() {
        assertErrorThenStillWorks(Frames.text("00000000-0000-0000-0000-000000000001", "hi"), "invalid_receiver", "text_message");
    }

    @Test
    void errorFramesEchoTheClientMessageId() {
        try (ChatSocket socket = ChatSocket.connect(SERVER.wsBase(), alice.access())) {
            socket.send(Frames.text(alice.id(), "to me", "req-7"));
            JsonNode error = socket.next();
            assertThat(error.get("code").asText()).isEqualTo("validation_error");
            assertThat(error.get("client_msg_id").asText()).isEqualTo("req-7");
        }
    }

    @Test
    void aFrameAboveTheMaximumClosesTheConnectionWith1009() {
        try (ChatSocket socket = ChatSocket.connect(SERVER.wsBase(), alice.access())) {
            socket.send(Frames.text(bob.id(), "x".repeat(70 * 1024)));
            assertThat(socket.awaitClose().code()).isEqualTo(1009);
        }
    }
}
