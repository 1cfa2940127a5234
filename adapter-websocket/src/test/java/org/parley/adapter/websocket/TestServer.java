package org.parley.adapter.websocket;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.concurrent.atomic.AtomicReference;

import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.parley.application.error.AuthenticationFailed;
import org.parley.application.port.in.AuthenticateToken;
import org.parley.application.port.in.SendTextMessage;
import org.parley.application.port.out.Account;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.ConnectionCensus;
import org.parley.application.port.out.OutboundEvent;
import org.parley.application.service.AnnounceFileMessageService;
import org.parley.application.service.MarkSeenService;
import org.parley.application.service.LinkToAttachmentService;
import org.parley.application.groupcommit.MessageWriter;
import org.parley.application.service.SendTextMessageService;
import org.parley.application.service.ShareProfileService;
import org.parley.application.testing.FailingMessageRepository;
import org.parley.application.testing.FakeLinkSigner;
import org.parley.application.testing.InMemoryMessageRepository;
import org.parley.application.testing.InMemoryReadMarkerRepository;
import org.parley.application.testing.InMemoryThreadRepository;
import org.parley.application.testing.InMemoryUserAccounts;
import org.parley.application.testing.ManualTimeSource;
import org.parley.application.testing.MessageChangeServices;
import org.parley.application.testing.MessageWriters;
import org.parley.domain.chat.MessageRules;
import org.parley.domain.delivery.Audience;
import org.parley.domain.user.EmailAddress;
import org.parley.domain.user.User;
import org.parley.domain.user.UserProfile;
import org.parley.domain.user.UserId;

/**
 * A real Grizzly server on a free port with the websocket attached, a plain handler standing in for Jersey, the real
 * {@link SendTextMessageService} over in-memory storage, and tokens of the form {@code token-<name>}.
 */
final class TestServer implements AutoCloseable {

    static final Instant SENT_AT = Instant.parse("2025-03-14T10:36:22.680911Z");

    final InMemoryMessageRepository messages = new InMemoryMessageRepository();
    final InMemoryThreadRepository threads = new InMemoryThreadRepository(messages);
    final InMemoryUserAccounts users = new InMemoryUserAccounts();
    final InMemoryReadMarkerRepository readMarkers = new InMemoryReadMarkerRepository(threads, messages);
    final ManualTimeSource time = new ManualTimeSource(SENT_AT);
    /** The seed's frames, with {@code attached_file} as {@code /media/<message id>/signed}. */
    static final FrameRenderer SEED_FRAMES = new EventFrames(link -> "/media/" + link.message().value() + "/signed");
    /** Renders every delivered frame; tests may put a failing renderer in. */
    final AtomicReference<FrameRenderer> renderer = new AtomicReference<>(SEED_FRAMES);
    final ConnectionRegistry connections = new ConnectionRegistry();
    final WebSocketDelivery delivery = new WebSocketDelivery(connections, new FrameRenderer() {
        @Override
        public String render(OutboundEvent event, Audience audience) {
            return renderer.get().render(event, audience);
        }

        @Override
        public OutgoingFrame frame(OutboundEvent event, Audience audience) {
            return renderer.get().frame(event, audience);
        }
    });
    final Map<String, User> tokens = new ConcurrentHashMap<>();
    final List<String> handshakeThreads = new CopyOnWriteArrayList<>();
    final List<String> sendThreads = new CopyOnWriteArrayList<>();
    /** When set, every send fails with this (a RuntimeException or an Error), to provoke {@code internal_error}. */
    final AtomicReference<Throwable> sendFailure = new AtomicReference<>();
    /** While set, storage refuses every message (after the use case accepted it), like a database that went down. */
    final AtomicBoolean storageDown = new AtomicBoolean();
    private final MessageWriter writer = MessageWriters.start(
            new FailingMessageRepository(messages, draft -> storageDown.get(),
                    new IllegalStateException("INSERT INTO messages -- connection refused")),
            delivery);
    /** The websocket's monotonic clock (nanoseconds) when the server was built with a manual clock. */
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final HttpServer server;
    final ChatWebSocket webSocket;
    final int port;

    TestServer(WebSocketSettings settings) throws IOException {
        this(settings, -1);
    }

    /** @param idleTimeoutSeconds Grizzly's keep-alive idle timeout, or -1 for its default */
    TestServer(WebSocketSettings settings, int idleTimeoutSeconds) throws IOException {
        this(settings, idleTimeoutSeconds, ConnectionCensus.unlimited(), false);
    }

    /**
     * @param census      counts the connections of each user
     * @param manualClock true: the websocket's clock is {@link #nanos} and pings run only when a test calls
     *                    {@code webSocket.pingRound()}; false: the system's, and pings on their schedule
     */
    TestServer(WebSocketSettings settings, int idleTimeoutSeconds, ConnectionCensus census, boolean manualClock)
            throws IOException {
        server = new HttpServer();
        NetworkListener listener = new NetworkListener("grizzly", "127.0.0.1", 0);
        if (idleTimeoutSeconds > 0) {
            listener.getKeepAlive().setIdleTimeoutInSeconds(idleTimeoutSeconds);
        }
        server.addListener(listener);
        server.getServerConfiguration().addHttpHandler(new HttpHandler() {
            @Override
            public void service(Request request, Response response) throws Exception {
                response.setContentType("text/plain");
                response.getWriter().write("rest");
            }
        }, "/");

        SendTextMessageService service = new SendTextMessageService(users, threads, writer, MessageRules.defaults(),
                time, SendBudget.unlimited());
        SendTextMessage sendText = command -> {
            sendThreads.add(Thread.currentThread().getName());
            Throwable failure = sendFailure.get();
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failure instanceof Error error) {
                throw error;
            }
            return service.send(command);
        };
        // Not the shared FakeTokens: the tests need tokens that fail on purpose (explode, fail-<reason>).
        AuthenticateToken authenticate = token -> {
            handshakeThreads.add(Thread.currentThread().getName());
            if (token.equals("explode")) {
                throw new IllegalStateException("database down");
            }
            if (token.equals("explode-with-an-error")) {
                throw new ExceptionInInitializerError("a class could not be initialised");
            }
            for (AuthenticationFailed.Reason reason : AuthenticationFailed.Reason.values()) {
                if (token.equals("fail-" + reason)) {
                    throw AuthenticationFailed.token(reason);
                }
            }
            User user = tokens.get(token);
            if (user == null) {
                throw AuthenticationFailed.token(AuthenticationFailed.Reason.INVALID_TOKEN);
            }
            return user;
        };
        AnnounceFileMessageService announce = new AnnounceFileMessageService(messages, delivery,
                new LinkToAttachmentService(new FakeLinkSigner(), Duration.ofHours(1), time), SendBudget.unlimited());
        ShareProfileService share = new ShareProfileService(users, threads, writer, time, SendBudget.unlimited());
        LongSupplier clock = manualClock ? nanos::get : System::nanoTime;
        MessageChangeServices changes = MessageChangeServices.on(messages, users, delivery, time, readMarkers);
        webSocket = ChatWebSocket.attachTo(server, connections, authenticate,
                new WebSocketUseCases(sendText, announce, share,
                        new MarkSeenService(messages, readMarkers, delivery, time),
                        changes.edit(), changes.delete()), settings, census, clock, !manualClock);
        server.start();
        port = listener.getPort();
    }

    User user(String name) {
        User user = User.joined(UserId.random(), new EmailAddress(name + "@example.org"),
                new UserProfile(name, "555-" + name, null, null, null, null), Instant.parse("2025-01-01T00:00:00Z"));
        users.add(new Account(user, Optional.empty()));
        tokens.put("token-" + name, user);
        return user;
    }

    URI uri(String token) {
        return URI.create("ws://127.0.0.1:" + port + "/ws/chat/room/?token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    URI uri(User user) {
        return uri("token-" + user.profile().fullname());
    }

    WsClient connect(User user) {
        return WsClient.connect(uri(user));
    }

    @Override
    public void close() {
        webSocket.close();
        server.shutdownNow();
        writer.close();
    }
}
