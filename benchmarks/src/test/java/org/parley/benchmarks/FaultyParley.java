package org.parley.benchmarks;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * A tiny stand-in for Parley that speaks just enough of its API for the load tool, and misbehaves on purpose: the admin
 * upsert ({@code PUT /admin/users/<uuid>/} with {@code X-Api-Key}, answered 201), the websocket handshake on
 * {@code /ws/chat/room/?token=<HS256 access token>} (a bad token is answered 401), and {@code text_message} →
 * {@code conf_message} to the sender's connections and {@code re_message} to the receiver's, with increasing
 * {@code created_msg_id}s. Each {@link Fault} strikes one message, counted in the order the server reads them: the
 * third ({@link Fault#LOSE_DELIVERY}), the fifth ({@link Fault#DUPLICATE_DELIVERY}), the seventh
 * ({@link Fault#STORE_TWICE}). With no fault it is a correct relay that keeps its messages in memory.
 *
 * <p>For the storm mode it also lists a conversation ({@code GET /chat/messages/<uid>/?after=&limit=} with a
 * {@code Bearer} token, newest first, {@code has_more} and {@code next_after} as docs/api.md says) and "restarts"
 * ({@link #restart}): every connection is closed, the port refuses for a moment, and the stored messages are kept, as a
 * durable server does, or forgotten, as a server that lost its data. {@link #stopDelivering} leaves messages confirmed
 * and stored but undelivered until then, as a server killed before it pushed them.
 */
final class FaultyParley implements AutoCloseable {

    /** What the server gets wrong, once each. */
    enum Fault {
        /** The third message is confirmed and never delivered. */
        LOSE_DELIVERY(3),
        /** The fifth message is confirmed once and delivered twice. */
        DUPLICATE_DELIVERY(5),
        /**
         * The seventh message is stored twice under two ids: confirmed under each, and each copy delivered (two
         * confirmations, two deliveries, two ids).
         */
        STORE_TWICE(7);

        final long messageNumber;

        Fault(long messageNumber) {
            this.messageNumber = messageNumber;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ADMIN_USER = Pattern.compile("/admin/users/[0-9a-f-]{36}/");
    /** The most messages a conversation page lists, whatever the limit asked: the tool must page with next_after. */
    static final int PAGE_CAP = 4;
    private static final Pattern CONVERSATION = Pattern.compile("/chat/messages/([0-9a-f-]{36})/");
    private static final AttributeKey<String> USER = AttributeKey.valueOf("fakeParleyUser");

    private final String adminKey;
    private final JWTVerifier tokens;
    private final Set<Fault> faults;
    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Map<String, List<Channel>> connections = new ConcurrentHashMap<>();
    private final AtomicLong messagesRead = new AtomicLong();
    private final AtomicLong createdIds = new AtomicLong(1000);
    private final AtomicLong usersCreated = new AtomicLong();
    private final AtomicLong catchUpRequests = new AtomicLong();
    private final List<Stored> stored = new ArrayList<>();
    private final ChannelGroup accepted = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final int port;
    private final URI httpBase;
    private volatile Channel listening;
    private volatile boolean delivering = true;

    FaultyParley(String adminKey, String jwtSecret, Set<Fault> faults) throws InterruptedException {
        this.adminKey = adminKey;
        this.tokens = JWT.require(Algorithm.HMAC256(jwtSecret)).withClaim("token_type", "access").build();
        this.faults = faults.isEmpty() ? EnumSet.noneOf(Fault.class) : EnumSet.copyOf(faults);
        this.listening = listen(0);
        this.port = ((InetSocketAddress) listening.localAddress()).getPort();
        this.httpBase = URI.create("http://127.0.0.1:" + port);
    }

    private Channel listen(int onPort) throws InterruptedException {
        return new ServerBootstrap()
                .group(loops)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        accepted.add(channel);
                        channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new Http(),
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath("/ws/chat/room/").checkStartsWith(true).build()),
                                new Chat());
                    }
                })
                .bind("127.0.0.1", onPort).sync().channel();
    }

    /** From now until the next {@link #restart}, messages are confirmed and stored but never delivered. */
    void stopDelivering() {
        delivering = false;
    }

    /**
     * Stops listening, closes every connection, keeps the port closed for {@code downMillis} (connects are refused),
     * and listens again on the same port, delivering again; {@code keepMessages} false forgets every stored message.
     */
    void restart(boolean keepMessages, long downMillis) throws InterruptedException {
        goDown(keepMessages);
        Thread.sleep(downMillis);
        comeUp();
    }

    /** The first half of a restart: stops listening and closes every connection (forgetting the messages or not). */
    void goDown(boolean keepMessages) throws InterruptedException {
        listening.close().sync();
        accepted.close().awaitUninterruptibly();
        if (!keepMessages) {
            synchronized (stored) {
                stored.clear();
            }
        }
    }

    /** The second half of a restart: listens again on the same port and delivers again. */
    void comeUp() throws InterruptedException {
        delivering = true;
        listening = listen(port);
    }

    /** Catch-up requests answered 200 so far. */
    long catchUpRequests() {
        return catchUpRequests.get();
    }

    URI httpBase() {
        return httpBase;
    }

    /** {@code text_message} frames read so far. */
    long messagesRead() {
        return messagesRead.get();
    }

    long usersCreated() {
        return usersCreated.get();
    }

    @Override
    public void close() {
        accepted.close().awaitUninterruptibly();
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** The admin upsert, and the token check of the websocket handshake; anything else is 404. */
    private final class Http extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!(message instanceof FullHttpRequest request)) {
                ctx.fireChannelRead(message);
                return;
            }
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            if (request.method().equals(HttpMethod.GET) && uri.path().equals("/ws/chat/room/")) {
                List<String> token = uri.parameters().getOrDefault("token", List.of());
                try {
                    String user = tokens.verify(token.isEmpty() ? "" : token.get(0)).getClaim("user_id").asString();
                    ctx.channel().attr(USER).set(user);
                    ctx.fireChannelRead(request);
                } catch (JWTVerificationException e) {
                    respond(ctx, request, HttpResponseStatus.UNAUTHORIZED);
                }
                return;
            }
            if (request.method().equals(HttpMethod.PUT) && ADMIN_USER.matcher(uri.path()).matches()) {
                if (!adminKey.equals(request.headers().get("X-Api-Key"))) {
                    respond(ctx, request, HttpResponseStatus.UNAUTHORIZED);
                    return;
                }
                usersCreated.incrementAndGet();
                respond(ctx, request, HttpResponseStatus.CREATED);
                return;
            }
            java.util.regex.Matcher conversation = CONVERSATION.matcher(uri.path());
            if (request.method().equals(HttpMethod.GET) && conversation.matches()) {
                String authorization = request.headers().get("Authorization", "");
                String reader;
                try {
                    reader = tokens.verify(authorization.startsWith("Bearer ") ? authorization.substring(7) : "")
                            .getClaim("user_id").asString();
                } catch (JWTVerificationException e) {
                    respond(ctx, request, HttpResponseStatus.UNAUTHORIZED);
                    return;
                }
                long after = Long.parseLong(uri.parameters().getOrDefault("after", List.of("0")).get(0));
                int limit = Integer.parseInt(uri.parameters().getOrDefault("limit", List.of("50")).get(0));
                catchUpRequests.incrementAndGet();
                respond(ctx, request, HttpResponseStatus.OK, page(conversation.group(1), reader, after, limit));
                return;
            }
            respond(ctx, request, HttpResponseStatus.NOT_FOUND);
        }

        private void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status) {
            respond(ctx, request, status, "{}");
        }

        private void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                             String body) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            request.release();
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            HttpUtil.setContentLength(response, response.content().readableBytes());
            HttpUtil.setKeepAlive(response, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    /** The chat frames: every open connection of a user is registered once its handshake completed. */
    private final class Chat extends SimpleChannelInboundHandler<TextWebSocketFrame> {

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                connectionsOf(ctx.channel().attr(USER).get()).add(ctx.channel());
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            String user = ctx.channel().attr(USER).get();
            if (user != null) {
                connectionsOf(user).remove(ctx.channel());
            }
            super.channelInactive(ctx);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws Exception {
            JsonNode request = JSON.readTree(frame.text());
            String sender = ctx.channel().attr(USER).get();
            String receiver = request.path("receiver_id").asText("");
            if (!"text_message".equals(request.path("action").asText()) || receiver.isEmpty()
                    || receiver.equals(sender)) {
                ctx.writeAndFlush(new TextWebSocketFrame("{\"action\":\"error\",\"code\":\"validation_error\","
                        + "\"message\":\"only text_message to another user\",\"request_action\":"
                        + JSON.writeValueAsString(request.path("action").asText(null)) + "}"));
                return;
            }
            long number = messagesRead.incrementAndGet();
            boolean storeTwice = strikes(Fault.STORE_TWICE, number);
            long[] ids = storeTwice
                    ? new long[] {createdIds.incrementAndGet(), createdIds.incrementAndGet()}
                    : new long[] {createdIds.incrementAndGet()};
            for (long id : ids) {
                synchronized (stored) {
                    stored.add(new Stored(id, sender, receiver, request.path("message_body").asText("")));
                }
                ObjectNode stored = JSON.createObjectNode()
                        .put("sender_id", sender)
                        .put("receiver_id", receiver)
                        .put("message", request.path("message_body").asText(""))
                        .put("timestamp", "2026-11-30T00:00:00.000000+00:00")
                        .put("created_msg_id", id)
                        .put("message_type", "text");
                ObjectNode confirmation = stored.deepCopy().put("action", "conf_message");
                if (request.hasNonNull("client_msg_id")) {
                    confirmation.put("client_msg_id", request.path("client_msg_id").asText());
                }
                String delivery = JSON.writeValueAsString(stored.put("action", "re_message"));
                String confirmed = JSON.writeValueAsString(confirmation);
                for (Channel own : connectionsOf(sender)) {
                    own.writeAndFlush(new TextWebSocketFrame(confirmed));
                }
                int copies = !delivering || strikes(Fault.LOSE_DELIVERY, number) ? 0
                        : strikes(Fault.DUPLICATE_DELIVERY, number) ? 2 : 1;
                for (Channel theirs : connectionsOf(receiver)) {
                    for (int copy = 0; copy < copies; copy++) {
                        theirs.writeAndFlush(new TextWebSocketFrame(delivery));
                    }
                }
            }
        }

        private boolean strikes(Fault fault, long number) {
            return faults.contains(fault) && fault.messageNumber == number;
        }
    }

    /**
     * The messages from {@code other} to {@code reader} after {@code after}: the {@code limit} (at most
     * {@value #PAGE_CAP}) oldest of them, shown
     * newest first, with {@code has_more} and {@code next_after} (the page's highest id), in Parley's envelope.
     */
    private String page(String other, String reader, long after, int limit) {
        List<Stored> newer;
        synchronized (stored) {
            newer = stored.stream()
                    .filter(message -> message.sender.equals(other) && message.receiver.equals(reader)
                            && message.id > after)
                    .sorted(Comparator.comparingLong(Stored::id))
                    .toList();
        }
        List<Stored> page = newer.subList(0, Math.min(Math.min(limit, PAGE_CAP), newer.size()));
        ObjectNode data = JSON.createObjectNode();
        var messages = data.putArray("messages");
        for (int i = page.size() - 1; i >= 0; i--) {
            Stored message = page.get(i);
            messages.addObject().put("id", message.id).put("message", message.body).put("message_type", "text");
        }
        data.put("has_more", newer.size() > page.size());
        if (page.isEmpty()) {
            data.putNull("next_after");
        } else {
            data.put("next_after", page.get(page.size() - 1).id);
        }
        ObjectNode envelope = JSON.createObjectNode().put("status", "success");
        envelope.set("data", data);
        return envelope.put("success", true).toString();
    }

    private record Stored(long id, String sender, String receiver, String body) {
    }

    private List<Channel> connectionsOf(String user) {
        return connections.computeIfAbsent(user, key -> new CopyOnWriteArrayList<>());
    }
}
