package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.parley.application.port.in.SendTextMessage;
import org.parley.application.port.in.Sent;
import org.parley.application.port.out.ChatMetrics;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;

/**
 * A {@code text_message} is read as JSON on the selector thread to try the hot path
 * ({@link InboundFrames#handleFromMemory}); when the hot path declines it (here: the use case cannot answer from
 * memory), the connection's lane handles the same {@link ClientFrame} ({@link InboundFrames#handle}) without reading
 * its JSON again. Before, a declined frame was parsed twice, once on each thread.
 */
class FrameReadOnceTest {

    private static final User ALICE = User.joined(UserId.random(), new EmailAddress("alice@example.org"),
            UserProfile.named("Alice"), Instant.parse("2025-01-01T00:00:00Z"));
    private static final UserId BOB = UserId.random();

    private final AtomicInteger reads = new AtomicInteger();
    private final List<SendTextMessage.Command> sent = new ArrayList<>();
    private final List<String> replies = new ArrayList<>();

    /** Declines every send from memory (as with a thread not held, or a full queue); {@code send} takes it. */
    private final SendTextMessage declining = new SendTextMessage() {
        @Override
        public CompletionStage<Sent> send(Command command) {
            sent.add(command);
            return new CompletableFuture<>();
        }

        @Override
        public Optional<CompletionStage<Sent>> sendFromMemory(Command command) {
            return Optional.empty();
        }
    };

    private final InboundFrames inbound = new InboundFrames(TextOnlyUseCases.sending(declining), System::nanoTime,
            ChatMetrics.none(), text -> {
                reads.incrementAndGet();
                return Json.MAPPER.readTree(text);
            });

    @Test
    void aDeclinedHotFrameIsReadOnceAndSentByTheLane() {
        ClientFrame frame = new ClientFrame("{\"action\":\"text_message\",\"message_body\":\"hi\",\"receiver_id\":\""
                + BOB + "\",\"client_msg_id\":\"c1\"}");

        boolean handled = inbound.handleFromMemory(ALICE.id(), frame, replies::add);
        assertThat(handled).isFalse();
        assertThat(reads).as("read on the selector thread").hasValue(1);

        inbound.handle(ALICE.id(), frame, replies::add);

        assertThat(reads).as("not read again in the lane").hasValue(1);
        assertThat(sent).singleElement().satisfies(command -> {
            assertThat(command.body()).isEqualTo("hi");
            assertThat(command.receiver()).isEqualTo(BOB);
            assertThat(command.clientMessageId()).hasValueSatisfying(id -> assertThat(id.value()).isEqualTo("c1"));
        });
        assertThat(replies).isEmpty();
        assertThat(inbound.unanswered()).as("its answer is still to come").isEqualTo(1);
    }

    /** A frame that is not JSON is refused once read: the lane answers invalid_json from the same failed read. */
    @Test
    void aDeclinedBrokenFrameIsReadOnceAndAnsweredInvalidJson() {
        ClientFrame frame = new ClientFrame("{\"action\":\"text_message\",\"message_body\":");

        assertThat(inbound.handleFromMemory(ALICE.id(), frame, replies::add)).isFalse();
        inbound.handle(ALICE.id(), frame, replies::add);

        assertThat(reads).hasValue(1);
        assertThat(replies).singleElement().satisfies(reply -> assertThat(reply).contains("\"invalid_json\""));
        assertThat(sent).isEmpty();
        assertThat(inbound.unanswered()).isZero();
    }

    /**
     * Whatever a frame that mentions {@code text_message} holds, the answer of the lane to it once the hot path has
     * declined it (reading it there) is the answer of a lane that reads it itself, as before frames were read once.
     */
    @Test
    void aDeclinedFrameIsAnsweredAsAFrameReadInTheLaneOnly() {
        String bob = "\"receiver_id\":\"" + BOB + "\"";
        List<String> texts = List.of(
                "{\"action\":\"text_message\",\"message_body\":\"hi\"," + bob + "} {}",
                "{\"action\":\"text_message\",\"message_body\":\"hi\"," + bob + "} x",
                "[\"text_message\"]",
                "\"text_message\"",
                "{\"action\":\"text_message\",\"message_body\":\"hi\"," + bob + ",\"client_msg_id\":\""
                        + "x".repeat(65) + "\"}",
                "{\"action\":\"text_message\",\"message_body\":\"hi\"," + bob + ",\"client_msg_id\":7}",
                "{\"action\":\"text_message\",\"message_body\":\"\\ud800\"," + bob + "}",
                "{\"action\":\"text_message\",\"\\ud800\":1," + bob + "}",
                "{\"action\":\"text_message\",\"message_body\":5," + bob + "}",
                "{\"action\":\"text_message\",\"message_body\":\"hi\",\"receiver_id\":\"nobody\"}",
                "{\"action\":\"text_message\"}",
                "{\"action\":\"text_messages\",\"note\":\"text_message\"}",
                "{\"action\":\"seen\",\"message_id\":5,\"note\":\"text_message\"}",
                "{\"action\":\"text_message\",\"message_body\":",
                "text_message");
        for (String text : texts) {
            List<String> once = new ArrayList<>();
            ClientFrame frame = new ClientFrame(text);
            reads.set(0);
            sent.clear();
            assertThat(inbound.handleFromMemory(ALICE.id(), frame, once::add)).as(text).isFalse();
            inbound.handle(ALICE.id(), frame, once::add);
            assertThat(reads).as(text).hasValueLessThanOrEqualTo(1);
            List<SendTextMessage.Command> sentOnce = new ArrayList<>(sent);

            List<String> before = new ArrayList<>();
            sent.clear();
            inbound.handle(ALICE.id(), new ClientFrame(text), before::add);

            assertThat(once).as(text).isEqualTo(before);
            assertThat(sentOnce).as(text).isEqualTo(sent);
        }
    }

    /** A frame of another action is not read on the selector thread at all: once, in the lane. */
    @Test
    void anotherActionIsReadOnlyInTheLane() {
        ClientFrame frame = new ClientFrame("{\"action\":\"seen\",\"message_id\":5}");

        assertThat(inbound.handleFromMemory(ALICE.id(), frame, replies::add)).isFalse();
        assertThat(reads).hasValue(0);
        inbound.handle(ALICE.id(), frame, replies::add);

        assertThat(reads).hasValue(1);
        assertThat(replies).singleElement().satisfies(reply -> assertThat(reply).contains("\"not_found\""));
    }
}
