package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The websocket clients against a small Netty websocket server that echoes every text frame, refuses the token
 * {@code bad} and accepts only masked frames (as a server must, RFC 6455).
 */
class ChatClientsTest {

    private static final String CONFIRMATION =
            "{\"action\":\"conf_message\",\"client_msg_id\":\"r-1\",\"created_msg_id\":5}";

    private final List<String> requestUris = new CopyOnWriteArrayList<>();
    private final List<String> sourceAddresses = new CopyOnWriteArrayList<>();
    private final List<Channel> serverSides = new CopyOnWriteArrayList<>();
    private EventLoopGroup serverLoop;
    private URI wsBase;

    @BeforeEach
    void startEchoServer() throws InterruptedException {
        serverLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Channel listening = new ServerBootstrap()
                .group(serverLoop)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new RecordOrRefuse(),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/ws/chat/room/").checkStartsWith(true).build()),
                                new Echo());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        wsBase = URI.create("ws://127.0.0.1:" + ((InetSocketAddress) listening.localAddress()).getPort());
    }

    @AfterEach
    void stopEchoServer() {
        serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void connectionsTakeTheSourceAddressesInTurnAndCarryTheTokenInTheQuery() throws Exception {
        try (ChatClients clients = new ChatClients(wsBase, 2, 1)) {
            for (String token : List.of("t-1", "t+2", "t-3")) {
                clients.open(token, frame -> { }).get(5, TimeUnit.SECONDS);
            }

            assertThat(sourceAddresses).containsExactly("127.0.0.1", "127.0.0.2", "127.0.0.1");
            assertThat(requestUris).containsExactly("/ws/chat/room/?token=t-1", "/ws/chat/room/?token=t%2B2",
                    "/ws/chat/room/?token=t-3");
            assertThat(clients.openConnections()).isEqualTo(3);
        }
    }

    @Test
    void maskedFramesGoOutAndEveryFrameThatComesBackIsParsed() throws Exception {
        Queue<Frames.Incoming> received = new ConcurrentLinkedQueue<>();
        try (ChatClients clients = new ChatClients(wsBase, 1, 1)) {
            ChatConnection connection = clients.open("t-1", received::add).get(5, TimeUnit.SECONDS);

            connection.send(CONFIRMATION.getBytes(StandardCharsets.UTF_8));

            assertThat(Crowd.await(() -> !received.isEmpty(), Duration.ofSeconds(5))).isTrue();
            assertThat(received).containsExactly(new Frames.Incoming("conf_message", "r-1", 5, null));
            assertThat(clients.sendFailures()).isZero();
            assertThat(clients.unexpectedCloses()).isZero();
        }
    }

    @Test
    void aRefusedHandshakeFailsTheOpening() {
        try (ChatClients clients = new ChatClients(wsBase, 1, 1)) {
            assertThatThrownBy(() -> clients.open("bad", frame -> { }).get(5, TimeUnit.SECONDS))
                    .hasMessageContaining("401");
            assertThat(clients.openConnections()).isZero();
        }
    }

    @Test
    void closesAreUnexpectedUntilTheRunIsClosing() throws Exception {
        try (ChatClients clients = new ChatClients(wsBase, 1, 1)) {
            ChatConnection first = clients.open("t-1", frame -> { }).get(5, TimeUnit.SECONDS);
            clients.open("t-2", frame -> { }).get(5, TimeUnit.SECONDS);

            serverSides.get(1).close();
            assertThat(Crowd.await(() -> clients.openConnections() == 1, Duration.ofSeconds(5))).isTrue();
            clients.closing();
            first.close();
            assertThat(Crowd.await(() -> clients.openConnections() == 0, Duration.ofSeconds(5))).isTrue();

            assertThat(clients.unexpectedCloses()).isEqualTo(1);
        }
    }

    /** Records each upgrade request and where it came from; answers 401 to the token {@code bad}. */
    private final class RecordOrRefuse extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof FullHttpRequest request) {
                if (request.uri().endsWith("token=bad")) {
                    request.release();
                    FullHttpResponse refusal = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.UNAUTHORIZED);
                    HttpUtil.setContentLength(refusal, 0);
                    ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                requestUris.add(request.uri());
                sourceAddresses.add(((InetSocketAddress) ctx.channel().remoteAddress()).getHostString());
                serverSides.add(ctx.channel());
            }
            ctx.fireChannelRead(message);
        }
    }

    private static final class Echo extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ctx.writeAndFlush(frame.retainedDuplicate());
        }
    }
}
