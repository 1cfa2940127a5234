package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.parley.application.port.in.SendTextMessage;
import org.parley.application.port.in.Sent;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;
import org.parley.domain.user.UserProfile;

/**
 * A graceful stop ({@link ChatWebSocket#drain}) ends when no frame is unanswered and none arrived for
 * {@link ChatWebSocket#QUIET_BEFORE_CLOSING}. A hot {@code text_message} ({@link InboundFrames#handleFromMemory}) must
 * count from the moment it is past the {@code refusing} check, as {@link InboundFrames#handle} does: else a drain that
 * begins while the message is being queued sees nothing unanswered and closes the connection (1001) before its
 * {@code conf_message}, although the message is then stored.
 */
class HotPathInboundFramesTest {

    private static final User ALICE = User.joined(UserId.random(), new EmailAddress("alice@example.org"),
            UserProfile.named("Alice"), Instant.parse("2025-01-01T00:00:00Z"));
    private static final long QUIET = ChatWebSocket.QUIET_BEFORE_CLOSING.toNanos();

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final List<Boolean> drainWouldEnd = new ArrayList<>();
    private InboundFrames inbound;

    /** A send answerable from memory, during which the server starts draining, a quiet period after the last frame. */
    private final SendTextMessage sendText = new SendTextMessage() {
        @Override
        public CompletionStage<Sent> send(Command command) {
            return new CompletableFuture<>();
        }

        @Override
        public Optional<CompletionStage<Sent>> sendFromMemory(Command command) {
            clock.addAndGet(QUIET + 1);
            inbound.refuseNewFrames();
            // What ChatWebSocket.drain polls: it stops waiting once both hold.
            drainWouldEnd.add(inbound.unanswered() == 0 && inbound.nanosSinceLastFrame() >= QUIET);
            return Optional.of(new CompletableFuture<>());
        }
    };

    @Test
    void aHotMessageBeingQueuedWhenTheDrainBeginsIsWaitedFor() {
        inbound = new InboundFrames(TextOnlyUseCases.sending(sendText), clock::get,
                org.parley.application.port.out.ChatMetrics.none());
        clock.addAndGet(QUIET * 10);
        List<String> replies = new ArrayList<>();

        boolean handled = inbound.handleFromMemory(ALICE.id(), new ClientFrame(
                "{\"action\":\"text_message\",\"message_body\":\"hi\","
                + "\"receiver_id\":\"" + UserId.random() + "\",\"client_msg_id\":\"c1\"}"), replies::add);

        assertThat(handled).isTrue();
        assertThat(drainWouldEnd).containsExactly(false);
        assertThat(inbound.unanswered()).as("its conf_message is still to come").isEqualTo(1);

        boolean declined = !inbound.handleFromMemory(ALICE.id(), new ClientFrame(
                "{\"action\":\"text_message\",\"message_body\":\"hi\","
                + "\"receiver_id\":\"" + UserId.random() + "\"}"), replies::add);

        assertThat(declined).as("refused while stopping: handle() answers it").isTrue();
        assertThat(inbound.unanswered()).as("a declined frame leaves nothing counted").isEqualTo(1);
        assertThat(replies).isEmpty();
    }

    /**
     * docs/architecture.md, "Failure isolation": whatever a use case called by a frame throws, Errors included, that
     * frame gets {@code internal_error} and the connection stays open. On the hot path too: an Error must not escape to
     * Tyrus (which would report it to onError, and the connection would be closed with 1011).
     */
    @Test
    void anErrorThrownByTheUseCaseOnTheHotPathIsAnsweredInternalError() {
        SendTextMessage failing = new SendTextMessage() {
            @Override
            public CompletionStage<Sent> send(Command command) {
                throw new AssertionError("not here");
            }

            @Override
            public Optional<CompletionStage<Sent>> sendFromMemory(Command command) {
                throw new StackOverflowError("thrown by the use case");
            }
        };
        inbound = new InboundFrames(TextOnlyUseCases.sending(failing), clock::get,
                org.parley.application.port.out.ChatMetrics.none());
        List<String> replies = new ArrayList<>();

        boolean handled = inbound.handleFromMemory(ALICE.id(), new ClientFrame(
                "{\"action\":\"text_message\",\"message_body\":\"hi\","
                + "\"receiver_id\":\"" + UserId.random() + "\",\"client_msg_id\":\"c9\"}"), replies::add);

        assertThat(handled).isTrue();
        assertThat(replies).singleElement().satisfies(reply -> assertThat(reply).contains("\"internal_error\"")
                .contains("\"c9\"").contains("\"text_message\""));
        assertThat(inbound.unanswered()).isZero();
    }
}
