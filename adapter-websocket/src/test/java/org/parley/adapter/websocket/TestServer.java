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
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.concurrent.atomic.AtomicReference;

import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.parley.adapter.websocket.container.TyrusOnGrizzly;
import org.parley.application.error.AuthenticationFailed;
import org.parley.application.port.in.AuthenticateToken;
import org.parley.application.port.in.TrackPresence;
import org.parley.application.port.in.SendTextMessage;
import org.parley.application.port.in.Sent;
import org.parley.application.port.out.ThreadActivity;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.port.out.UserAccounts;
import org.parley.application.testing.DelegatingUserAccounts;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
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

        // Forwarded too, so that these tests see the conf_message the delivery thread copies from the re_message
        // (ConfirmationFrames), not one rendered anew as the interface's default would.
        @Override
        public OutgoingFrame frame(OutboundEvent event, Audience audience, OutgoingFrame receivers) {
            return renderer.get().frame(event, audience, receivers);
        }
    });
    final Map<String, User> tokens = new ConcurrentHashMap<>();
    final List<String> handshakeThreads = new CopyOnWriteArrayList<>();
    /** Threads that ran {@code SendTextMessage.send} (a frame handled on a worker). */
    final List<String> sendThreads = new CopyOnWriteArrayList<>();
    /** Threads that sent from memory ({@code SendTextMessage.sendFromMemory} went ahead: a frame handled where read). */
    final List<String> sendFromMemoryThreads = new CopyOnWriteArrayList<>();
    /** What {@code TyrusOnGrizzly.onSelectorThread()} said on each thread of {@link #sendThreads}. */
    final List<Boolean> sendOnASelector = new CopyOnWriteArrayList<>();
    /** What {@code TyrusOnGrizzly.onSelectorThread()} said on each thread of {@link #sendFromMemoryThreads}. */
    final List<Boolean> sendFromMemoryOnASelector = new CopyOnWriteArrayList<>();
    /**
     * Users and threads as the use case sees them: held in memory once read (as the persistence adapter's caches
     * hold them), and a look-up of a user in {@link #lookupGates} waits until its gate opens (a slow database).
     */
    final Map<UserId, CountDownLatch> lookupGates = new ConcurrentHashMap<>();
    /** While set, nothing is held in memory: every frame is handled on a worker. */
    final AtomicBoolean nothingHeld = new AtomicBoolean();
    private final Set<UserId> heldUsers = ConcurrentHashMap.newKeySet();
    private final Set<Participants> heldThreads = ConcurrentHashMap.newKeySet();
    /** When set, every send fails with this (a RuntimeException or an Error), to provoke {@code internal_error}. */
    final AtomicReference<Throwable> sendFailure = new AtomicReference<>();
    /** While set, storage refuses every message (after the use case accepted it), like a database that went down. */
    final AtomicBoolean storageDown = new AtomicBoolean();
    private final MessageWriter writer = MessageWriters.start(
            new FailingMessageRepository(messages, draft -> storageDown.get(),
                    new IllegalStateException("INSERT INTO messages -- connection refused")),
            delivery);
    /** Told of every connection that opens (the endpoint closes what it returns when the connection ends). */
    final AtomicReference<TrackPresence> presence = new AtomicReference<>(user -> () -> { });
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
        this(settings, idleTimeoutSeconds, census, manualClock, listener -> { });
    }

    /** @param beforeStart changes the listener once the websocket is attached, before the server starts */
    TestServer(WebSocketSettings settings, int idleTimeoutSeconds, ConnectionCensus census, boolean manualClock,
               Consumer<NetworkListener> beforeStart) throws IOException {
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

        SendTextMessageService service = new SendTextMessageService(rememberingUsers(), rememberingThreads(), writer,
                MessageRules.defaults(), time, SendBudget.unlimited());
        SendTextMessage sendText = new SendTextMessage() {
            @Override
            public CompletionStage<Sent> send(Command command) {
                sendThreads.add(Thread.currentThread().getName());
                sendOnASelector.add(TyrusOnGrizzly.onSelectorThread());
                Throwable failure = sendFailure.get();
                if (failure instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (failure instanceof Error error) {
                    throw error;
                }
                return service.send(command);
            }

            @Override
            public Optional<CompletionStage<Sent>> sendFromMemory(Command command) {
                if (sendFailure.get() != null) {
                    return Optional.empty();
                }
                // Recorded before the message is queued: its confirmation may reach the client before this returns.
                String thread = Thread.currentThread().getName();
                boolean onASelector = TyrusOnGrizzly.onSelectorThread();
                sendFromMemoryThreads.add(thread);
                sendFromMemoryOnASelector.add(onASelector);
                Optional<CompletionStage<Sent>> sent = Optional.empty();
                try {
                    sent = service.sendFromMemory(command);
                    return sent;
                } finally {
                    if (sent.isEmpty()) {
                        sendFromMemoryThreads.remove(thread);
                        sendFromMemoryOnASelector.remove(Boolean.valueOf(onASelector));
                    }
                }
            }
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
                        changes.edit(), changes.delete(), command -> {
                            throw new UnsupportedOperationException("typing is not wired");
                        }, user -> presence.get().opened(user)), settings, census, clock, !manualClock);
        beforeStart.accept(listener);
        server.start();
        port = listener.getPort();
    }

    /** {@link #users}, each held in memory once read; look-ups of gated users wait for their gate. */
    private UserAccounts rememberingUsers() {
        return new DelegatingUserAccounts(users) {
            @Override
            public Optional<User> findById(UserId id) {
                CountDownLatch gate = lookupGates.get(id);
                if (gate != null) {
                    try {
                        gate.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                Optional<User> found = super.findById(id);
                found.ifPresent(user -> heldUsers.add(user.id()));
                return found;
            }

            @Override
            public Optional<User> findHeld(UserId id) {
                return heldUsers.contains(id) && !nothingHeld.get() ? super.findById(id) : Optional.empty();
            }
        };
    }

    /** {@link #threads}, each held in memory once read or created. */
    private ThreadRepository rememberingThreads() {
        return new ThreadRepository() {
            @Override
            public ChatThread getOrCreate(Participants participants, Instant now) {
                ChatThread thread = threads.getOrCreate(participants, now);
                heldThreads.add(participants);
                return thread;
            }

            @Override
            public Optional<ChatThread> findByParticipants(Participants participants) {
                return threads.findByParticipants(participants);
            }

            @Override
            public Optional<ChatThread> findHeld(Participants participants) {
                return heldThreads.contains(participants) && !nothingHeld.get()
                        ? threads.findByParticipants(participants)
                        : Optional.empty();
            }

            @Override
            public Optional<ChatThread> findById(ThreadId id) {
                return threads.findById(id);
            }

            @Override
            public List<ThreadActivity> findActivityOf(UserId user) {
                return threads.findActivityOf(user);
            }
        };
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
