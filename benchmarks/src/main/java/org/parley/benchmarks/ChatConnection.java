package org.parley.benchmarks;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;

/**
 * One websocket connection of the benchmark, the last handler of its channel's pipeline. Every frame is parsed and
 * handed to the frame handler on the channel's event loop, so whatever that handler sends in reply leaves from the same
 * thread: by default such sends are written at once and flushed together when the read batch ends (several frames can
 * leave in one TCP write). An <em>independent</em> connection ({@code --independent}) flushes every frame it sends at
 * once, as a separate device would. A send from any other thread is flushed at once. Sends never block.
 */
final class ChatConnection extends ChannelInboundHandlerAdapter {

    private static final WebSocketCloseStatus BENCH_DONE = new WebSocketCloseStatus(1000, "bench done");

    private final Consumer<Frames.Incoming> frames;
    private final Counters counters;
    private final boolean independent;
    private final CompletableFuture<ChatConnection> opened = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final ChannelFutureListener countFailedSend;
    private volatile Channel channel;
    private volatile boolean open;
    private boolean inReadBatch;
    private boolean flushPending;

    /** A connection that flushes the frames it sends while handling a read batch together, when the batch ends. */
    ChatConnection(Consumer<Frames.Incoming> frames, Counters counters) {
        this(frames, counters, false);
    }

    /** With {@code independent}, every frame sent is flushed at once, also while a read batch is handled. */
    ChatConnection(Consumer<Frames.Incoming> frames, Counters counters, boolean independent) {
        this.frames = frames;
        this.counters = counters;
        this.independent = independent;
        this.countFailedSend = future -> {
            if (!future.isSuccess()) {
                counters.sendFailures.incrementAndGet();
            }
        };
    }

    /** Completes with this connection once the websocket handshake succeeded; fails if it or the connect fails. */
    CompletableFuture<ChatConnection> opened() {
        return opened;
    }

    /**
     * Completes when this connection, once open, is closed by either side or the network (the storm mode reconnects
     * then); never completes for a connection that never opened.
     */
    CompletableFuture<Void> closed() {
        return closed;
    }

    /** Whether the websocket is open (its handshake completed and it has not closed since). */
    boolean isOpen() {
        return open;
    }

    /** Sends a text frame holding {@code utf8Text}. */
    void send(byte[] utf8Text) {
        Channel current = channel;
        if (!open || current == null) {
            counters.sendFailures.incrementAndGet();
            return;
        }
        TextWebSocketFrame frame = new TextWebSocketFrame(Unpooled.wrappedBuffer(utf8Text));
        if (!independent && inReadBatch && current.eventLoop().inEventLoop()) {
            current.write(frame).addListener(countFailedSend);
            flushPending = true;
        } else {
            current.writeAndFlush(frame).addListener(countFailedSend);
        }
    }

    void close() {
        Channel current = channel;
        if (open && current != null) {
            current.writeAndFlush(new CloseWebSocketFrame(BENCH_DONE));
        }
    }

    /** The connect attempt failed before the channel became a websocket. */
    void connectFailed(Throwable cause) {
        opened.completeExceptionally(cause);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            open = true;
            counters.open.incrementAndGet();
            opened.complete(this);
        } else if (event == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            opened.completeExceptionally(new TimeoutException("the websocket handshake timed out"));
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        inReadBatch = true;
        try {
            if (message instanceof TextWebSocketFrame text) {
                frames.accept(Frames.parse(new ByteBufInputStream(text.content())));
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inReadBatch = false;
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        opened.completeExceptionally(cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (open) {
            open = false;
            counters.open.decrementAndGet();
            if (!counters.closing) {
                counters.unexpectedCloses.incrementAndGet();
            }
            closed.complete(null);
        } else {
            opened.completeExceptionally(new IOException("closed before the websocket handshake completed"));
        }
    }

    /** What the connections of one {@link ChatClients} count together. */
    static final class Counters {
        final AtomicInteger unexpectedCloses = new AtomicInteger();
        final AtomicInteger sendFailures = new AtomicInteger();
        final AtomicInteger open = new AtomicInteger();
        volatile boolean closing;
    }
}
