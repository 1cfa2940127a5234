package org.parley.benchmarks;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Websocket clients (Netty, RFC 6455 version 13, masked frames) on a few event-loop threads (daemons named
 * {@code bench-io-…}), bound to several loopback source addresses (127.0.0.1, 127.0.0.2, …) in turn, so that many
 * connections never exhaust one address's ephemeral ports. The JDK's NIO transport: Netty's native epoll transport
 * measured no cheaper here (docs/PERFORMANCE.md).
 */
final class ChatClients implements AutoCloseable {

    private static final int MAX_FRAME_BYTES = 1024 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_HANDSHAKE_RESPONSE_BYTES = 64 * 1024;

    private final URI chatUri;
    private final InetSocketAddress server;
    private final List<InetSocketAddress> sourceAddresses = new ArrayList<>();
    private final EventLoopGroup eventLoops;
    private final Bootstrap bootstrap;
    private final AtomicInteger next = new AtomicInteger();
    private final ChatConnection.Counters counters = new ChatConnection.Counters();
    private final boolean independent;

    ChatClients(URI wsBase, int sourceAddresses, int ioThreads) {
        this(wsBase, 1, sourceAddresses, ioThreads, false);
    }

    /**
     * With {@code independent}, each connection flushes every frame it sends at once (see {@link ChatConnection});
     * otherwise the frames sent while one read batch is handled share a flush.
     */
    ChatClients(URI wsBase, int sourceAddresses, int ioThreads, boolean independent) {
        this(wsBase, 1, sourceAddresses, ioThreads, independent);
    }

    /**
     * Clients whose connections come from 127.0.0.{@code firstAddress} onwards ({@code sourceAddresses} of them): the
     * abuse mode keeps 127.0.0.1 for the bystander and puts the abusers on the next ones.
     */
    ChatClients(URI wsBase, int firstAddress, int sourceAddresses, int ioThreads) {
        this(wsBase, firstAddress, sourceAddresses, ioThreads, false);
    }

    /** As above, and with {@code independent} each connection flushes every frame it sends at once. */
    ChatClients(URI wsBase, int firstAddress, int sourceAddresses, int ioThreads, boolean independent) {
        this.independent = independent;
        if (sourceAddresses < 1 || firstAddress < 1 || firstAddress + sourceAddresses - 1 > 254) {
            throw new IllegalArgumentException("source addresses must lie within 127.0.0.1..127.0.0.254");
        }
        this.chatUri = wsBase.resolve("/ws/chat/room/");
        this.server = new InetSocketAddress(wsBase.getHost(), wsBase.getPort());
        for (int i = firstAddress; i < firstAddress + sourceAddresses; i++) {
            this.sourceAddresses.add(new InetSocketAddress("127.0.0." + i, 0));
        }
        this.eventLoops = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("bench-io", true),
                NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap()
                .group(eventLoops)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true);
    }

    /** Opens a connection for the holder of {@code token}; {@code frames} receives every parsed frame. */
    CompletableFuture<ChatConnection> open(String token, Consumer<Frames.Incoming> frames) {
        ChatConnection connection = new ChatConnection(frames, counters, independent);
        URI uri = URI.create(chatUri + "?token=" + URLEncoder.encode(token, StandardCharsets.US_ASCII));
        InetSocketAddress source = sourceAddresses.get(Math.floorMod(next.getAndIncrement(), sourceAddresses.size()));
        ChannelFuture connecting = bootstrap.clone()
                .handler(pipeline(uri, connection))
                .connect(server, source);
        connecting.addListener(future -> {
            if (!future.isSuccess()) {
                connection.connectFailed(future.cause());
            }
        });
        return connection.opened();
    }

    private static ChannelInitializer<SocketChannel> pipeline(URI uri, ChatConnection connection) {
        WebSocketClientProtocolConfig websocket = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                .performMasking(true)
                .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS)
                .generateOriginHeader(false)
                .withUTF8Validator(false) // Frames.parse reads every text frame as UTF-8 anyway: unreadable is "?"
                .build();
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channel.pipeline().addLast(
                        new HttpClientCodec(),
                        new HttpObjectAggregator(MAX_HANDSHAKE_RESPONSE_BYTES),
                        new WebSocketClientProtocolHandler(websocket),
                        new WebSocketFrameAggregator(MAX_FRAME_BYTES),
                        connection);
            }
        };
    }

    /** Connections closed by the server or the network while the run still needed them. */
    int unexpectedCloses() {
        return counters.unexpectedCloses.get();
    }

    /** Connections open right now. */
    int openConnections() {
        return counters.open.get();
    }

    int sendFailures() {
        return counters.sendFailures.get();
    }

    /** From now on, closes are expected (the run is closing its connections). */
    void closing() {
        counters.closing = true;
    }

    @Override
    public void close() {
        counters.closing = true;
        eventLoops.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
