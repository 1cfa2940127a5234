package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import org.junit.jupiter.api.Test;

class ChatConnectionTest {

    private static final String CONFIRMATION =
            "{\"action\":\"conf_message\",\"client_msg_id\":\"r-1\",\"created_msg_id\":5}";

    private final ChatConnection.Counters counters = new ChatConnection.Counters();
    private final List<Frames.Incoming> received = new ArrayList<>();

    @Test
    void theHandshakeOpensTheConnection() {
        ChatConnection connection = new ChatConnection(received::add, counters);
        EmbeddedChannel channel = new EmbeddedChannel(connection);
        assertThat(connection.opened()).isNotDone();

        channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);

        assertThat(connection.opened()).isCompletedWithValue(connection);
        assertThat(counters.open).hasValue(1);
    }

    @Test
    void aHandshakeThatTimesOutOrIsCutShortFailsTheOpening() {
        ChatConnection timedOut = new ChatConnection(received::add, counters);
        new EmbeddedChannel(timedOut).pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT);
        ChatConnection cutShort = new ChatConnection(received::add, counters);
        new EmbeddedChannel(cutShort).close();

        assertThatThrownBy(timedOut.opened()::join).hasCauseInstanceOf(TimeoutException.class);
        assertThat(cutShort.opened()).isCompletedExceptionally();
        assertThat(counters.open).hasValue(0);
        assertThat(counters.unexpectedCloses).hasValue(0);
    }

    @Test
    void aClosedConnectionSaysSoToItsSenderAndToWhoeverWaitsToReconnect() {
        ChatConnection connection = new ChatConnection(received::add, counters);
        Sender sender = new Sender("r", "peer", new Ledger());
        assertThat(sender.connected()).as("no connection yet").isFalse();
        sender.attach(connection);
        EmbeddedChannel channel = new EmbeddedChannel(connection);
        assertThat(sender.connected()).as("handshake not complete").isFalse();

        channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        assertThat(connection.isOpen()).isTrue();
        assertThat(sender.connected()).isTrue();
        assertThat(connection.closed()).isNotDone();

        channel.close();
        assertThat(connection.isOpen()).isFalse();
        assertThat(sender.connected()).isFalse();
        assertThat(connection.closed()).isDone();
    }

    @Test
    void aConnectionThatNeverOpenedNeverCountsAsClosed() {
        ChatConnection connection = new ChatConnection(received::add, counters);
        new EmbeddedChannel(connection).close();

        assertThat(connection.closed()).isNotDone();
        assertThat(connection.opened()).isCompletedExceptionally();
    }

    @Test
    void framesAreParsedAndHandedOn() {
        EmbeddedChannel channel = openChannel(new ChatConnection(received::add, counters));

        channel.writeInbound(new TextWebSocketFrame(CONFIRMATION));

        assertThat(received).containsExactly(new Frames.Incoming("conf_message", "r-1", 5, null));
    }

    @Test
    void sendsMadeWhileHandlingAReadLeaveTogetherWhenTheReadBatchEnds() {
        ChatConnection[] self = new ChatConnection[1];
        self[0] = new ChatConnection(frame -> self[0].send(utf8("reply to " + frame.clientMsgId())), counters);
        EmbeddedChannel channel = openChannel(self[0]);

        channel.pipeline().fireChannelRead(new TextWebSocketFrame(CONFIRMATION));
        channel.pipeline().fireChannelRead(new TextWebSocketFrame(CONFIRMATION));
        assertThat(channel.outboundMessages()).isEmpty();

        channel.pipeline().fireChannelReadComplete();
        assertThat(sentTexts(channel)).containsExactly("reply to r-1", "reply to r-1");
    }

    @Test
    void byDefaultTheFramesSentInOneReadBatchShareOneFlush() {
        Flushes flushes = new Flushes();
        EmbeddedChannel channel = repliesToEveryFrame(flushes, false);

        channel.pipeline().fireChannelRead(new TextWebSocketFrame(CONFIRMATION));
        channel.pipeline().fireChannelRead(new TextWebSocketFrame(CONFIRMATION));
        channel.pipeline().fireChannelRead(new TextWebSocketFrame(CONFIRMATION));
        assertThat(flushes.writesPerFlush).as("nothing flushed before the batch ends").isEmpty();
        channel.pipeline().fireChannelReadComplete();

        assertThat(flushes.writesPerFlush).containsExactly(3);
        assertThat(sentTexts(channel)).hasSize(3);
    }

    @Test
    void anIndependentConnectionFlushesEveryFrameItSendsAtOnce() {
        Flushes flushes = new Flushes();
        EmbeddedChannel channel = repliesToEveryFrame(flushes, true);

        channel.pipeline().fireChannelRead(new TextWebSocketFrame(CONFIRMATION));
        assertThat(flushes.writesPerFlush).as("flushed within the read, before the batch ends").containsExactly(1);
        channel.pipeline().fireChannelRead(new TextWebSocketFrame(CONFIRMATION));
        channel.pipeline().fireChannelRead(new TextWebSocketFrame(CONFIRMATION));
        channel.pipeline().fireChannelReadComplete();

        assertThat(flushes.writesPerFlush).containsExactly(1, 1, 1);
        assertThat(sentTexts(channel)).containsExactly("reply to r-1", "reply to r-1", "reply to r-1");
        assertThat(counters.sendFailures).hasValue(0);
    }

    @Test
    void anIndependentConnectionSendingOutsideAReadBatchAlsoFlushesEachFrame() {
        Flushes flushes = new Flushes();
        ChatConnection connection = new ChatConnection(received::add, counters, true);
        EmbeddedChannel channel = openChannel(flushes, connection);

        connection.send(utf8("one"));
        connection.send(utf8("two"));

        assertThat(flushes.writesPerFlush).containsExactly(1, 1);
        assertThat(sentTexts(channel)).containsExactly("one", "two");
    }

    @Test
    void aSendOutsideAReadBatchLeavesAtOnce() {
        ChatConnection connection = new ChatConnection(received::add, counters);
        EmbeddedChannel channel = openChannel(connection);

        connection.send(utf8("hello"));

        assertThat(sentTexts(channel)).containsExactly("hello");
        assertThat(counters.sendFailures).hasValue(0);
    }

    @Test
    void aSendOnAConnectionThatIsNotOpenCountsAsAFailure() {
        ChatConnection connection = new ChatConnection(received::add, counters);
        EmbeddedChannel channel = new EmbeddedChannel(connection);

        connection.send(utf8("too early"));

        assertThat(channel.outboundMessages()).isEmpty();
        assertThat(counters.sendFailures).hasValue(1);
    }

    @Test
    void aCloseBeforeTheRunIsClosingIsUnexpected() {
        EmbeddedChannel channel = openChannel(new ChatConnection(received::add, counters));

        channel.close();

        assertThat(counters.unexpectedCloses).hasValue(1);
        assertThat(counters.open).hasValue(0);
    }

    @Test
    void closingSendsACloseFrameAndTheCloseThatFollowsIsExpected() {
        ChatConnection connection = new ChatConnection(received::add, counters);
        EmbeddedChannel channel = openChannel(connection);
        counters.closing = true;

        connection.close();
        CloseWebSocketFrame close = channel.readOutbound();
        channel.close();

        assertThat(close.statusCode()).isEqualTo(1000);
        close.release();
        assertThat(counters.unexpectedCloses).hasValue(0);
        assertThat(counters.open).hasValue(0);
    }

    private static EmbeddedChannel openChannel(ChatConnection connection) {
        EmbeddedChannel channel = new EmbeddedChannel(connection);
        channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        return channel;
    }

    private static EmbeddedChannel openChannel(Flushes flushes, ChatConnection connection) {
        EmbeddedChannel channel = new EmbeddedChannel(flushes, connection);
        channel.pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        return channel;
    }

    /** A connection that answers every frame it reads with a frame of its own, as a throughput sender does. */
    private EmbeddedChannel repliesToEveryFrame(Flushes flushes, boolean independent) {
        ChatConnection[] self = new ChatConnection[1];
        self[0] = new ChatConnection(frame -> self[0].send(utf8("reply to " + frame.clientMsgId())), counters,
                independent);
        return openChannel(flushes, self[0]);
    }

    /** Counts the frames written between flushes: one entry per flush, with the writes it carried. */
    private static final class Flushes extends ChannelOutboundHandlerAdapter {
        final List<Integer> writesPerFlush = new ArrayList<>();
        private int writes;

        @Override
        public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
            if (message instanceof TextWebSocketFrame) {
                writes++;
            }
            ctx.write(message, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (writes > 0) {
                writesPerFlush.add(writes);
                writes = 0;
            }
            ctx.flush();
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> sentTexts(EmbeddedChannel channel) {
        List<String> texts = new ArrayList<>();
        TextWebSocketFrame frame;
        while ((frame = channel.readOutbound()) != null) {
            texts.add(frame.text());
            frame.release();
        }
        return texts;
    }
}
