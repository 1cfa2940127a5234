package org.parley.benchmarks;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
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
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * A bare in-memory relay that speaks just enough of Parley's public API for the load tool, built only for measurement:
 * Parley's figures can be stated as a fraction of what the same tool gets from this relay on the same machine
 * ({@code java -jar parley-bench.jar relay --port P}). It is never part of Parley and stores nothing.
 *
 * <ul>
 *   <li>{@code PUT /admin/users/<uuid>/} with the {@code X-Api-Key} header equal to the admin key: {@code 201 {}}
 *       (users are not kept: any token's {@code user_id} is accepted); a wrong key {@code 401}; any other request
 *       {@code 404}.</li>
 *   <li>{@code GET /ws/chat/room/?token=<HS256 access token>}: the websocket handshake once the token verifies with the
 *       JWT secret and has {@code token_type=access} (else {@code 401}); the connection belongs to the token's
 *       {@code user_id} claim until it closes.</li>
 *   <li>Per {@code text_message} frame (JSON, {@code receiver_id} another user): parse the frame, take the next
 *       {@code created_msg_id} (increasing from 1001), render a {@code conf_message} (with the request's
 *       {@code client_msg_id}) and a {@code re_message}, each with the sender, receiver, body, the current UTC time and
 *       {@code message_type "text"}, and write-and-flush the first to each of the sender's connections and the second
 *       to each of the receiver's, one frame per flush (a receiver's connection on the other event loop gets it through
 *       that loop's task queue). Any other frame is answered with an {@code error} frame ({@code validation_error}).
 *       </li>
 * </ul>
 *
 * <p>Two event-loop threads (NIO) accept, read and write for every connection, a fair match for a 2-core machine
 * shared with the load tool. Three seams let tests make it misbehave or do more ({@code FaultyParley}): {@link Copies}
 * (wrong counts of ids and deliveries, or none while a test pauses delivery), {@link Ids} (where each id comes from,
 * e.g. a store that keeps the message for a catch-up) and {@link Route} (answers to HTTP requests the relay does not
 * serve, e.g. the conversation listing). The relay itself always uses {@link Copies#CORRECT}, its own counter for ids
 * (nothing stored) and no route (404).
 */
final class ReferenceRelay implements AutoCloseable {

    /** The event-loop threads that do all of the relay's work. */
    static final int EVENT_LOOP_THREADS = 2;

    /**
     * How many times the relay stores and delivers the n-th {@code text_message} it reads (n counts from 1, over all
     * connections, in the order the relay reads them). A correct relay: {@link #CORRECT}.
     */
    interface Copies {
        /** One id, one confirmation and one delivery per message. */
        Copies CORRECT = new Copies() {
            @Override
            public int ids(long messageNumber) {
                return 1;
            }

            @Override
            public int deliveries(long messageNumber) {
                return 1;
            }
        };

        /** How many {@code created_msg_id}s the message gets; each is confirmed to the sender and delivered. */
        int ids(long messageNumber);

        /** How many {@code re_message} copies of each id go to each of the receiver's connections. */
        int deliveries(long messageNumber);
    }

    /**
     * Gives each copy of a message its {@code created_msg_id}, before it is confirmed; called on the event-loop
     * threads, so concurrently. The relay's own ({@link #counting}) keeps nothing.
     */
    interface Ids {
        /** The id of a new copy of {@code body} from {@code sender} to {@code receiver} (user ids as in the token). */
        long next(String sender, String receiver, String body);

        /** Increasing ids from 1001, nothing kept: the relay's own. */
        static Ids counting() {
            AtomicLong last = new AtomicLong(1000);
            return (sender, receiver, body) -> last.incrementAndGet();
        }
    }

    /** Answers an HTTP request the relay does not serve itself (tests only); called on the event-loop threads. */
    interface Route {
        /**
         * The status and JSON body to answer {@code request} with, or {@code null} for the relay's 404; the relay
         * releases the request afterwards.
         */
        Answer answer(FullHttpRequest request);
    }

    /** An HTTP answer of a {@link Route}: its status and JSON body. */
    record Answer(HttpResponseStatus status, String json) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ADMIN_USER = Pattern.compile("/admin/users/[0-9a-f-]{36}/");
    private static final String CHAT_PATH = "/ws/chat/room/";
    private static final AttributeKey<String> USER = AttributeKey.valueOf("referenceRelayUser");
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx");

    private final String adminKey;
    private final JWTVerifier tokens;
    private final Copies copies;
    private final Ids ids;
    private final Route route;
    private final EventLoopGroup loops;
    private final Channel listening;
    private final Map<String, List<Channel>> connections = new ConcurrentHashMap<>();
    private final AtomicLong messagesRead = new AtomicLong();
    private final AtomicLong usersCreated = new AtomicLong();

    private ReferenceRelay(String adminKey, String jwtSecret, int port, Copies copies, Ids ids, Route route)
            throws InterruptedException {
        this.adminKey = adminKey;
        this.tokens = JWT.require(Algorithm.HMAC256(jwtSecret)).withClaim("token_type", "access").build();
        this.copies = copies;
        this.ids = ids;
        this.route = route;
        this.loops = new MultiThreadIoEventLoopGroup(EVENT_LOOP_THREADS, new DefaultThreadFactory("relay-io"),
                NioIoHandler.newFactory());
        try {
            this.listening = new ServerBootstrap()
                    .group(loops)
                    .channel(NioServerSocketChannel.class)
                    // the port can be bound again at once after a stop, whatever connections linger in TIME_WAIT
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                    new Http(),
                                    new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                            .websocketPath(CHAT_PATH).checkStartsWith(true).build()),
                                    new Chat());
                        }
                    })
                    .bind("127.0.0.1", port).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Starts a correct relay on 127.0.0.1:{@code port} ({@code 0}: any free port, see {@link #httpBase()}).
     *
     * @throws io.netty.channel.ChannelException or another runtime exception when the port cannot be bound
     */
    static ReferenceRelay start(String adminKey, String jwtSecret, int port) throws InterruptedException {
        return new ReferenceRelay(adminKey, jwtSecret, port, Copies.CORRECT, Ids.counting(), null);
    }

    /** Starts a relay whose copies per message {@code copies} decides (tests only: a fault is a wrong answer). */
    static ReferenceRelay start(String adminKey, String jwtSecret, int port, Copies copies)
            throws InterruptedException {
        return new ReferenceRelay(adminKey, jwtSecret, port, copies, Ids.counting(), null);
    }

    /**
     * Starts a relay with all three seams (tests only): {@code copies} per message, {@code ids} for each copy, and
     * {@code route} for the HTTP requests the relay does not serve ({@code null}: 404).
     */
    static ReferenceRelay start(String adminKey, String jwtSecret, int port, Copies copies, Ids ids, Route route)
            throws InterruptedException {
        return new ReferenceRelay(adminKey, jwtSecret, port, copies, ids, route);
    }

    /**
     * The relay mode: starts a relay with the options' port, admin key and JWT secret, prints one line with its
     * address and serves until the process is killed (or the listening socket closes).
     */
    static void serve(Options options) throws InterruptedException {
        ReferenceRelay relay = start(options.adminKey(), options.jwtSecret(), options.relayPort());
        System.out.println("parley-bench relay: listening on " + relay.httpBase()
                + " (in-memory reference relay, nothing stored; stop it with Ctrl-C)");
        System.out.flush();
        relay.listening.closeFuture().await();
        relay.close();
    }

    /** Where to point the load tool: {@code http://127.0.0.1:<port>}. */
    URI httpBase() {
        return URI.create("http://127.0.0.1:" + ((InetSocketAddress) listening.localAddress()).getPort());
    }

    /** Valid {@code text_message} frames read so far. */
    long messagesRead() {
        return messagesRead.get();
    }

    /** Admin upserts answered 201 so far. */
    long usersCreated() {
        return usersCreated.get();
    }

    @Override
    public void close() {
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
            if (request.method().equals(HttpMethod.GET) && uri.path().equals(CHAT_PATH)) {
                List<String> token = uri.parameters().getOrDefault("token", List.of());
                try {
                    String user = tokens.verify(token.isEmpty() ? "" : token.get(0)).getClaim("user_id").asString();
                    if (user == null) {
                        throw new JWTVerificationException("no user_id");
                    }
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
            Answer answer = route == null ? null : route.answer(request);
            if (answer == null) {
                respond(ctx, request, HttpResponseStatus.NOT_FOUND);
            } else {
                respond(ctx, request, answer.status(), answer.json());
            }
        }

        private void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status) {
            respond(ctx, request, status, "{}");
        }

        private void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                             String json) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            request.release();
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
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
            JsonNode request = parse(frame);
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
            int idCount = copies.ids(number);
            int deliveries = copies.deliveries(number);
            String body = request.path("message_body").asText("");
            String timestamp = TIMESTAMP.format(ZonedDateTime.now(ZoneOffset.UTC));
            for (int copy = 0; copy < idCount; copy++) {
                ObjectNode stored = JSON.createObjectNode()
                        .put("sender_id", sender)
                        .put("receiver_id", receiver)
                        .put("message", body)
                        .put("timestamp", timestamp)
                        .put("created_msg_id", ids.next(sender, receiver, body))
                        .put("message_type", "text");
                ObjectNode confirmation = stored.deepCopy().put("action", "conf_message");
                if (request.hasNonNull("client_msg_id")) {
                    confirmation.put("client_msg_id", request.path("client_msg_id").asText());
                }
                byte[] confirmed = JSON.writeValueAsBytes(confirmation);
                byte[] delivery = JSON.writeValueAsBytes(stored.put("action", "re_message"));
                for (Channel own : connectionsOf(sender)) {
                    own.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(confirmed)));
                }
                for (Channel theirs : connectionsOf(receiver)) {
                    for (int sent = 0; sent < deliveries; sent++) {
                        theirs.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(delivery)));
                    }
                }
            }
        }

        private JsonNode parse(TextWebSocketFrame frame) throws java.io.IOException {
            try (ByteBufInputStream utf8 = new ByteBufInputStream(frame.content())) {
                JsonNode node = JSON.readTree(utf8);
                return node == null ? MissingNode.getInstance() : node;
            } catch (JsonProcessingException e) {
                return MissingNode.getInstance();
            }
        }
    }

    private List<Channel> connectionsOf(String user) {
        return connections.computeIfAbsent(user, key -> new CopyOnWriteArrayList<>());
    }
}
