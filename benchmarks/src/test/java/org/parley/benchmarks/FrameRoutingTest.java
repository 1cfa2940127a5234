package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import org.junit.jupiter.api.Test;

/**
 * The throughput mode's frame routing, on real {@link ChatConnection}s in Netty's embedded channels: which frame enters
 * the ledger as what, and which sender's window a confirmation releases.
 */
class FrameRoutingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Traffic traffic = new Traffic();
    private final ChatConnection.Counters counters = new ChatConnection.Counters();
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private final List<Sender> senders = List.of(
            new Sender("r-0", "u-receiver-0", traffic.ledger()),
            new Sender("r-1", "u-receiver-1", traffic.ledger()));
    private final List<EmbeddedChannel> senderChannels = new ArrayList<>();
    private final EmbeddedChannel receiverChannel = open(new ChatConnection(traffic.handler(), counters));

    FrameRoutingTest() {
        IntFunction<Consumer<Frames.Incoming>> handlers = PairedRuns.senderHandlers(traffic, senders,
                sender -> PairedRuns.nextMessage(sender, sending::get));
        for (int i = 0; i < senders.size(); i++) {
            ChatConnection connection = new ChatConnection(handlers.apply(i), counters);
            senderChannels.add(open(connection));
            senders.get(i).attach(connection);
        }
    }

    @Test
    void aSenderNumbersItsMessagesEntersThemInTheLedgerAndAddressesItsReceiver() {
        senders.get(0).send(1);
        senders.get(0).send(2);
        senders.get(1).send(3);

        assertThat(sent(0)).extracting(frame -> frame.path("client_msg_id").asText()).containsExactly("r-0-1", "r-0-2");
        assertThat(sent(1)).singleElement().satisfies(frame -> {
            assertThat(frame.path("action").asText()).isEqualTo("text_message");
            assertThat(frame.path("client_msg_id").asText()).isEqualTo("r-1-1");
            assertThat(frame.path("receiver_id").asText()).isEqualTo("u-receiver-1");
            assertThat(frame.path("message_body").asText()).isEqualTo("bench r-1-1");
        });
        assertThat(traffic.ledger().reconcile()).isEqualTo(new Ledger.Reconciliation(3, 0, 0, 3, 0, 0, 0));
        assertThat(senders.get(1).prefix()).isEqualTo("r-1-");
    }

    @Test
    void aConfirmationReleasesTheNextMessageOfItsOwnSenderOnly() {
        fillWindows(2);

        receive(senderChannels.get(0), confirmation("r-0-1", 10));

        assertThat(sent(0)).extracting(frame -> frame.path("client_msg_id").asText()).containsExactly("r-0-3");
        assertThat(sent(1)).isEmpty();
        assertThat(outbound(receiverChannel)).isEmpty();

        receive(senderChannels.get(1), confirmation("r-1-1", 11), confirmation("r-1-2", 12));

        assertThat(sent(0)).isEmpty();
        assertThat(sent(1)).extracting(frame -> frame.path("client_msg_id").asText())
                .containsExactly("r-1-3", "r-1-4");
        Ledger.Reconciliation accounting = traffic.ledger().reconcile();
        assertThat(accounting.sent()).isEqualTo(7);
        assertThat(accounting.confirmed()).isEqualTo(3);
        assertThat(accounting.received()).isZero();
    }

    @Test
    void deliveriesEnterTheLedgerAndReleaseNothing() {
        fillWindows(1);

        receive(receiverChannel, delivery("r-0-1", 10));
        receive(senderChannels.get(0), delivery("r-1-1", 11));

        assertThat(sent(0)).isEmpty();
        assertThat(sent(1)).isEmpty();
        assertThat(traffic.ledger().delivered()).isEqualTo(2);
        assertThat(traffic.ledger().reconcile()).isEqualTo(new Ledger.Reconciliation(2, 0, 2, 2, 0, 0, 0));
    }

    @Test
    void aConfirmationAndADeliveryOfOneMessageMakeItCompleteWithTheirIds() {
        fillWindows(1);

        receive(senderChannels.get(0), confirmation("r-0-1", 10));
        receive(receiverChannel, delivery("r-0-1", 10));
        receive(senderChannels.get(1), confirmation("r-1-1", 11));
        receive(receiverChannel, delivery("r-1-1", 12));

        assertThat(traffic.ledger().reconcile()).isEqualTo(new Ledger.Reconciliation(4, 2, 2, 2, 0, 1, 0));
        assertThat(traffic.errorFrames()).isZero();
    }

    @Test
    void errorAndUnreadableFramesAreCountedAndReleaseNothing() {
        fillWindows(1);

        receive(senderChannels.get(0), "{\"action\":\"error\",\"code\":\"validation_error\",\"client_msg_id\":\"r-0-1\"}");
        receive(senderChannels.get(1), "not json");
        receive(receiverChannel, "{\"action\":\"error\",\"code\":\"internal_error\"}");

        assertThat(traffic.errorFrames()).isEqualTo(3);
        assertThat(sent(0)).isEmpty();
        assertThat(sent(1)).isEmpty();
        assertThat(traffic.ledger().reconcile()).isEqualTo(new Ledger.Reconciliation(2, 0, 0, 2, 0, 0, 0));
    }

    @Test
    void presenceNoticesAreCountedApartFromErrors() {
        receive(receiverChannel, "{\"action\":\"presence\",\"user_id\":\"x\",\"online\":true,\"last_seen\":null}");
        receive(senderChannels.get(0), "{\"action\":\"presence\",\"user_id\":\"y\",\"online\":false}");

        assertThat(traffic.presenceFrames()).isEqualTo(2);
        assertThat(traffic.errorFrames()).isZero();
        assertThat(traffic.ledger().reconcile().unknown()).isZero();
    }

    @Test
    void framesNamingNoMessageOfTheRunAreUnknown() {
        fillWindows(1);

        receive(senderChannels.get(0), "{\"action\":\"conf_message\",\"created_msg_id\":10}");
        receive(receiverChannel, "{\"action\":\"re_message\",\"message\":\"hello\",\"created_msg_id\":11}");
        receive(receiverChannel, delivery("r-9-1", 12));

        assertThat(traffic.ledger().reconcile().unknown()).isEqualTo(3);
        assertThat(traffic.errorFrames()).isZero();
    }

    @Test
    void onceTheRunStopsSendingConfirmationsStillCountButReleaseNothing() {
        fillWindows(1);
        sending.set(false);

        receive(senderChannels.get(0), confirmation("r-0-1", 10));

        assertThat(sent(0)).isEmpty();
        assertThat(traffic.ledger().reconcile().confirmed()).isEqualTo(1);
    }

    @Test
    void onlyTheFirstDeliveriesOfMessagesSentFromTheStartOfMeasuringAreTimed() {
        traffic.ledger().sent("early", 99);
        traffic.ledger().sent("on-time", 100);
        traffic.ledger().sent("late", 101);
        traffic.ledger().sent("later", 102);
        traffic.startMeasuring(100);

        receive(receiverChannel, delivery("early", 1), delivery("on-time", 2), delivery("late", 3),
                delivery("later", 4), delivery("never-sent", 5));
        receive(senderChannels.get(0), confirmation("late", 3));
        receive(receiverChannel, delivery("late", 3), delivery("later", 6));

        assertThat(traffic.latencies().count()).isEqualTo(3);
        assertThat(traffic.ledger().reconcile()).isEqualTo(new Ledger.Reconciliation(5, 1, 4, 4, 2, 1, 1));
    }

    @Test
    void aRateLimitedRefusalIsExplainedOnce() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            receive(senderChannels.get(0), "{\"action\":\"error\",\"code\":\"validation_error\"}");
            assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("rate_limited");

            String refusal = "{\"action\":\"error\",\"code\":\"rate_limited\"}";
            receive(senderChannels.get(0), refusal, refusal);
            receive(senderChannels.get(1), refusal);
        } finally {
            System.setErr(stderr);
        }

        assertThat(captured.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains("PARLEY_SEND_RATE_PER_SECOND=0"))).hasSize(1);
        assertThat(traffic.errorFrames()).isEqualTo(4);
    }

    private void fillWindows(int window) {
        for (Sender sender : senders) {
            for (int i = 0; i < window; i++) {
                sender.send(System.nanoTime());
            }
        }
        for (int i = 0; i < senders.size(); i++) {
            assertThat(sent(i)).hasSize(window);
        }
    }

    private static String confirmation(String clientMsgId, long createdMsgId) {
        return "{\"sender_id\":\"u-s\",\"receiver_id\":\"u-r\",\"message\":\"bench " + clientMsgId + "\",\"created_msg_id\":"
                + createdMsgId + ",\"message_type\":\"text\",\"action\":\"conf_message\",\"client_msg_id\":\""
                + clientMsgId + "\"}";
    }

    private static String delivery(String clientMsgId, long createdMsgId) {
        return "{\"sender_id\":\"u-s\",\"receiver_id\":\"u-r\",\"message\":\"bench " + clientMsgId + "\",\"created_msg_id\":"
                + createdMsgId + ",\"message_type\":\"text\",\"action\":\"re_message\"}";
    }

    /** Hands the frames to the channel as one read batch. */
    private static void receive(EmbeddedChannel channel, String... frames) {
        Object[] texts = new Object[frames.length];
        for (int i = 0; i < frames.length; i++) {
            texts[i] = new TextWebSocketFrame(frames[i]);
        }
        channel.writeInbound(texts);
    }

    private List<JsonNode> sent(int sender) {
        return outbound(senderChannels.get(sender));
    }

    private static List<JsonNode> outbound(EmbeddedChannel channel) {
        List<JsonNode> frames = new ArrayList<>();
        TextWebSocketFrame frame;
        while ((frame = channel.readOutbound()) != null) {
            try {
                frames.add(JSON.readTree(frame.text()));
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            } finally {
                frame.release();
            }
        }
        return frames;
    }

    private static EmbeddedChannel open(ChatConnection connection) {
        EmbeddedChannel channel = new EmbeddedChannel(connection);
        channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        return channel;
    }
}
