package org.parley.bootstrap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.parley.adapter.contenttypes.TikaContentTypes;
import org.parley.adapter.filestore.FileAttachmentStore;
import org.parley.adapter.metrics.MicrometerChatMetrics;
import org.parley.adapter.persistence.CacheSettings;
import org.parley.adapter.persistence.DatabaseSettings;
import org.parley.adapter.persistence.PersistenceModule;
import org.parley.adapter.redis.RedisConnectionCensus;
import org.parley.adapter.redis.RedisEventBus;
import org.parley.adapter.redis.RedisLimits;
import org.parley.adapter.redis.RedisPresence;
import org.parley.adapter.rest.MediaRoute;
import org.parley.adapter.rest.Operations;
import org.parley.adapter.rest.RestApi;
import org.parley.adapter.rest.RestSettings;
import org.parley.adapter.rest.RestUseCases;
import org.parley.adapter.rest.WebhookPoster;
import org.parley.adapter.security.DjangoPbkdf2PasswordHasher;
import org.parley.adapter.security.HmacLinkSigner;
import org.parley.adapter.security.JwtTokens;
import org.parley.adapter.security.PooledPasswordHasher;
import org.parley.adapter.websocket.ChatWebSocket;
import org.parley.adapter.websocket.ConnectionRegistry;
import org.parley.adapter.websocket.OpenWebSockets;
import org.parley.adapter.websocket.WebSocketDelivery;
import org.parley.adapter.websocket.WebSocketSettings;
import org.parley.adapter.websocket.WebSocketUseCases;
import org.parley.application.cluster.ConversationOrder;
import org.parley.application.cluster.DeletionsStayLast;
import org.parley.application.cluster.LocalLogInAttempts;
import org.parley.application.cluster.LocalSendBudget;
import org.parley.application.cluster.LocalConnectionCensus;
import org.parley.application.cluster.LocalUserChanges;
import org.parley.application.cluster.LocalPresenceStore;
import org.parley.application.cluster.LocalTypingThrottle;
import org.parley.application.groupcommit.MessageWriter;
import org.parley.application.metrics.CountedLimits;
import org.parley.application.port.in.AuthenticateToken;
import org.parley.application.port.in.DeleteMessage;
import org.parley.application.port.in.EditMessage;
import org.parley.application.port.in.LinkToAttachment;
import org.parley.application.port.in.MarkSeen;
import org.parley.application.port.out.AttachmentStore;
import org.parley.application.port.out.ChatMetrics;
import org.parley.application.port.out.ConnectionCensus;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.ConnectedUsers;
import org.parley.application.port.out.LogInAttempts;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.MetricsExposition;
import org.parley.application.port.out.OpenConnections;
import org.parley.application.port.out.PasswordHasher;
import org.parley.application.port.out.PresenceRepository;
import org.parley.application.port.out.PresenceStore;
import org.parley.application.port.out.ReadinessProbe;
import org.parley.application.port.out.TypingThrottle;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.StoreMessages;
import org.parley.application.port.out.TimeSource;
import org.parley.application.port.out.UserAccounts;
import org.parley.application.port.out.UserChanges;
import org.parley.application.port.out.WebhookOutbox;
import org.parley.application.service.AnnounceFileMessageService;
import org.parley.application.service.DeleteMessageService;
import org.parley.application.service.EditMessageService;
import org.parley.application.service.AuthenticateTokenService;
import org.parley.application.service.CheckReadinessService;
import org.parley.application.service.DownloadAttachmentService;
import org.parley.application.service.LinkToAttachmentService;
import org.parley.application.service.ListConversationService;
import org.parley.application.service.MarkSeenService;
import org.parley.application.service.ListMyThreadsService;
import org.parley.application.service.ListThreadFilesService;
import org.parley.application.service.LogInService;
import org.parley.application.service.RefreshAccessTokenService;
import org.parley.application.service.RegisterUserService;
import org.parley.application.service.SendTextMessageService;
import org.parley.application.service.SendTypingService;
import org.parley.application.service.ShareProfileService;
import org.parley.application.service.ShowPresenceService;
import org.parley.application.service.TrackPresenceService;
import org.parley.application.service.UploadAttachmentService;
import org.parley.application.service.SweepOrphanedAttachmentsService;
import org.parley.application.service.UpsertUserFromBackendService;
import org.parley.application.webhook.WebhookRelay;
import org.parley.bootstrap.server.ServerLevelHttp;
import org.parley.domain.chat.MessageRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Parley: the whole object graph, built by hand in {@link #start}, in the order the hexagon dictates, one
 * named step each:
 * <ol>
 *   <li>{@link #drivenPorts}: an adapter for every driven port, gathered in {@link DrivenPorts}. Where a port has (or
 *       will have) more than one adapter, its own method is the one place that chooses: {@link #attachmentStore}
 *       (a directory today, an object store later), {@link #deliveryTransport} (this node's websockets, or with
 *       {@code PARLEY_REDIS_URL} the Redis bus that wraps them so that several nodes form one chat service) and
 *       {@link #limiting} (contract §16's limits in this node's memory, or with {@code PARLEY_REDIS_URL} in
 *       Redis, shared by the nodes);</li>
 *   <li>{@link #useCases}: the use-case services over those ports, and group commit, the one way to store messages;</li>
 *   <li>{@link #drivingAdapters}: REST and the websocket over the use cases, on one Grizzly server and port.</li>
 * </ol>
 */
public final class Parley implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Parley.class);
    /** How long a stop lets running HTTP requests finish once the websockets are closed. */
    private static final long SHUTDOWN_GRACE_SECONDS = 5;
    /** How long a stop waits for the message writer, the bus, the limits and the database pool to close. */
    private static final long CLOSING_SECONDS = 5;
    /** The most messages stored in one transaction by group commit (see {@link MessageWriter}). */
    private static final int MESSAGE_BATCH_SIZE = 1_000;
    /** Messages waiting for storage beyond which senders wait (back-pressure). */
    private static final int MESSAGE_QUEUE_CAPACITY = 20_000;
    /** The longest {@code GET /health/ready} waits for the parts' answers (less when the database time-out is). */
    private static final Duration READINESS_TIMEOUT = Duration.ofSeconds(2);
    /** How long one readiness answer is shared by every caller. */
    private static final Duration READINESS_CACHE = Duration.ofSeconds(1);

    private final HttpServer server;
    private final ChatWebSocket webSocket;
    private final MessageWriter writer;
    private final PersistenceModule storage;
    private final Transport transport;
    private final Limiting limiting;
    private final Census census;
    private final Presence presence;
    private final OrphanSweeps sweeps;
    private final Optional<WebhookRelay> webhooks;
    private final Observability observability;
    private final Duration drainTime;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Parley(HttpServer server, ChatWebSocket webSocket, MessageWriter writer, PersistenceModule storage,
                   Transport transport, Limiting limiting, Census census, Presence presence, OrphanSweeps sweeps,
                   Optional<WebhookRelay> webhooks, Observability observability, Duration drainTime) {
        this.observability = observability;
        this.presence = presence;
        this.drainTime = drainTime;
        this.webhooks = webhooks;
        this.server = server;
        this.webSocket = webSocket;
        this.writer = writer;
        this.storage = storage;
        this.transport = transport;
        this.limiting = limiting;
        this.census = census;
        this.sweeps = sweeps;
    }

    /** Builds everything and starts serving; fails with a clear exception (and nothing left open) if it cannot. */
    public static Parley start(ParleyConfig config) {
        TimeSource time = new SystemTimeSource();
        DatabaseSettings database = databaseSettings(config);
        PersistenceModule storage = PersistenceModule.start(database,
                new CacheSettings(config.userCacheLifetime(), config.cacheMaxEntries()));
        Observability observability = observability(config);
        ChatMetrics metrics = observability.metrics();
        MessageWriter writer = null;
        Transport transport = null;
        Limiting limiting = null;
        Census census = null;
        Presence presence = null;
        OrphanSweeps sweeps = null;
        Optional<WebhookRelay> webhooks = Optional.empty();
        try {
            ConnectionRegistry connections = new ConnectionRegistry();
            transport = deliveryTransport(config, connections, storage.userAccounts(), storage.messages(), metrics);
            limiting = limiting(config, time).countedBy(metrics);
            census = connectionCensus(config);
            DrivenPorts ports = drivenPorts(config, storage, transport, limiting, time);
            // With a webhook, each batch also records its messages' events (contract §15); without, as before.
            // On H2 a small batch may wait up to 1 ms for more messages while they come that close together.
            writer = new MessageWriter(ports.messages(), config.webhooks().isPresent(), ports.delivery(),
                    MESSAGE_BATCH_SIZE, MESSAGE_QUEUE_CAPACITY, database.commitGathering(), metrics);
            presence = presence(config, storage, ports);
            UseCases useCases = useCases(config, ports, writer, presence);
            sweeps = OrphanSweeps.start(new SweepOrphanedAttachmentsService(ports.attachments(), ports.messages(),
                    ports.time(), config.orphanAge()), config.orphanAge());
            webhooks = webhookRelay(config, ports, receiverOnline(connections, presence.store()));
            observability.watch(connections, config.webhooks().map(on -> ports.webhookOutbox()));
            Operations operations = observability.operations(config, readiness(config, storage, transport));
            DrivingAdapters adapters = drivingAdapters(config, useCases, connections, census.census(), operations,
                    metrics);
            adapters.server().start();
            Parley parley = new Parley(adapters.server(), adapters.webSocket(), writer, storage, transport, limiting,
                    census, presence, sweeps, webhooks, observability, config.operations().drainTime());
            LOG.info("Parley is listening on http://{}:{}/ (websocket /ws/chat/room/)", config.host(), parley.port());
            return parley;
        } catch (IOException e) {
            webhooks.ifPresent(WebhookRelay::close);
            closeIfStarted(sweeps, writer, presence, transport, limiting, census);
            observability.close();
            storage.close();
            throw new UncheckedIOException("Cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            webhooks.ifPresent(WebhookRelay::close);
            closeIfStarted(sweeps, writer, presence, transport, limiting, census);
            observability.close();
            storage.close();
            throw e;
        }
    }

    /** Step 1: an adapter for every driven port ({@code transport}: the delivery chosen by {@link #deliveryTransport}). */
    private static DrivenPorts drivenPorts(ParleyConfig config, PersistenceModule storage, Transport transport,
                                           Limiting limiting, TimeSource time) {
        String secret = config.jwtSecret().orElseGet(() -> SecretFile.loadOrCreate(config.dataDir()));
        return new DrivenPorts(
                storage.userAccounts(),
                storage.threads(),
                storage.messages(),
                storage.readMarkers(),
                attachmentStore(config),
                new TikaContentTypes(),
                limiting.hasher(),
                new JwtTokens(secret, config.accessTokenLifetime(), config.refreshTokenLifetime(), time),
                new HmacLinkSigner(secret),
                time,
                transport.delivery(),
                transport.userChanges(),
                limiting.sending(),
                limiting.logIns(),
                config.webhooks().isPresent() ? storage.webhookOutbox() : WebhookOutbox.none());
    }

    /**
     * Webhooks (contract §15), with {@code PARLEY_WEBHOOK_URL} only: the relay sending the database's outbox to
     * the app's backend ({@link WebhookPoster}) on threads of its own, {@code receiver_online} answered by
     * {@code online}.
     */
    private static Optional<WebhookRelay> webhookRelay(ParleyConfig config, DrivenPorts ports, ConnectedUsers online) {
        if (config.webhooks().isEmpty()) {
            return Optional.empty();
        }
        ParleyConfig.Webhooks settings = config.webhooks().get();
        WebhookPoster poster = new WebhookPoster(settings.url(), settings.secret(), settings.timeout());
        WebhookRelay relay = new WebhookRelay(ports.webhookOutbox(), poster, ports.messages(),
                ports.readMarkers(), ports.users(),
                new LinkToAttachmentService(ports.linkSigner(), config.mediaLinkLifetime(), ports.time()),
                online, ports.time(),
                WebhookRelay.Settings.of(settings.senders(), settings.timeout())).start();
        LOG.info("Webhooks on: every stored message is POSTed to {} ({} senders, {} ms time-out)",
                WebhookPoster.redacted(settings.url()), settings.senders(), settings.timeout().toMillis());
        return Optional.of(relay);
    }

    /**
     * A webhook's {@code receiver_online} (contract §15): a connection open on this node, or presence across nodes
     * (contract §13: with Redis, a connection on any node, or one closed within the presence grace period). Asked on
     * the webhook relay's threads, never on chat's; presence that cannot be asked counts as offline (a push too many
     * rather than one too few).
     */
    private static ConnectedUsers receiverOnline(ConnectionRegistry connections, PresenceStore presence) {
        return user -> {
            if (connections.isConnected(user)) {
                return true;
            }
            try {
                return presence.online(List.of(user)).contains(user);
            } catch (RuntimeException unknown) {
                return false;
            }
        };
    }

    /**
     * Where the limits of contract §16 are kept: the one place that chooses. Password hashing always runs on a bounded
     * pool of its own ({@link PooledPasswordHasher}: {@code PARLEY_HASHING_THREADS}, {@code PARLEY_HASHING_QUEUE}), so
     * that log-ins can never take the processors from chat delivery.
     * <ul>
     *   <li>A limit set to 0 is no limit, and asks nothing of anyone.</li>
     *   <li>Without {@code PARLEY_REDIS_URL}: in this node's memory ({@link LocalSendBudget},
     *       {@link LocalLogInAttempts}).</li>
     *   <li>With it: in Redis ({@link RedisLimits}), so that a user's budget and an address's failures are the same
     *       whichever node they reach; while Redis cannot be asked, this node's own ({@link LocalSendBudget},
     *       {@link LocalLogInAttempts}, on the same settings) decide instead, and Redis again once it answers (logged
     *       once per outage). Start-up fails with one line when Redis cannot be reached.</li>
     * </ul>
     */
    private static Limiting limiting(ParleyConfig config, TimeSource time) {
        ParleyConfig.Limits limits = config.limits();
        PooledPasswordHasher hashing = new PooledPasswordHasher(
                new DjangoPbkdf2PasswordHasher(config.passwordIterations()), limits.hashingThreads(),
                limits.hashingQueue());
        if (config.bus().isEmpty() || limits.sendRate().isEmpty() && limits.logIn().isEmpty()) {
            return new Limiting(
                    limits.sendRate().<SendBudget>map(rate -> new LocalSendBudget(rate, time))
                            .orElseGet(SendBudget::unlimited),
                    limits.logIn().<LogInAttempts>map(window -> new LocalLogInAttempts(window, time))
                            .orElseGet(LogInAttempts::unlimited),
                    hashing,
                    hashing::close);
        }
        RedisLimits shared;
        try {
            shared = RedisLimits.connect(ParleyConfig.busSettings(config.bus().get()));
        } catch (RuntimeException e) {
            hashing.close();
            throw e;
        }
        return new Limiting(
                limits.sendRate().map(rate -> shared.sendBudget(rate, time, new LocalSendBudget(rate, time)))
                        .orElseGet(SendBudget::unlimited),
                limits.logIn().map(window -> shared.logInAttempts(window, time, new LocalLogInAttempts(window, time)))
                        .orElseGet(LogInAttempts::unlimited),
                hashing,
                () -> {
                    shared.close();
                    hashing.close();
                });
    }

    /** The limits chosen for this node (the password hasher on its bounded pool among them), and what stops them. */
    private record Limiting(SendBudget sending, LogInAttempts logIns, PasswordHasher hasher, Runnable stop) {

        /** These limits, each refusal told to {@code metrics} ({@link CountedLimits}). */
        Limiting countedBy(ChatMetrics metrics) {
            return new Limiting(CountedLimits.counted(sending, metrics), CountedLimits.counted(logIns, metrics), hasher,
                    stop);
        }
    }

    /**
     * Where attachment bytes live: the directory {@code <data dir>/media}. The switch point for another store (an
     * object store is a new adapter of {@link AttachmentStore}, chosen here by configuration; content types stay
     * {@link TikaContentTypes}'s for every store).
     */
    private static AttachmentStore attachmentStore(ParleyConfig config) {
        return new FileAttachmentStore(config.dataDir().resolve("media"));
    }

    /**
     * How events reach connections, and user changes every node: the one place that chooses.
     * <ul>
     *   <li>In front of this node's websockets ({@link WebSocketDelivery}) always stands {@link DeletionsStayLast}: an
     *       edit delivered after its message's deletion goes as the deletion again.</li>
     *   <li>Without {@code PARLEY_REDIS_URL}: this node's websockets, and user changes acted
     *       on here ({@link LocalUserChanges}); exactly one node, as before.</li>
     *   <li>With it: the {@link RedisEventBus} wraps them. In front of the websockets stands the
     *       {@link ConversationOrder}, which keeps each conversation in id order when its events come from several
     *       nodes; the bus hands it this node's events and the others', and closes connections through it. Start-up
     *       fails with one line when Redis cannot be reached.</li>
     * </ul>
     * This is the one delivery instance: group commit and the use cases get it from {@link DrivenPorts}.
     */
    private static Transport deliveryTransport(ParleyConfig config, ConnectionRegistry connections,
                                               UserAccounts users, MessageRepository messages, ChatMetrics metrics) {
        EventDelivery local = new DeletionsStayLast(new WebSocketDelivery(connections, MediaRoute::pathOf, metrics));
        OpenConnections open = new OpenWebSockets(connections);
        if (config.bus().isEmpty()) {
            return new Transport(local, new LocalUserChanges(users, open), () -> { }, Optional.empty());
        }
        ConversationOrder order = ConversationOrder.start(local, open, ConversationOrder.Settings.defaults(),
                ConversationOrder.Storage.of(messages, users));
        try {
            OpenConnections closing = order.connections();
            RedisEventBus bus = RedisEventBus.connect(ParleyConfig.busSettings(config.bus().get()), order,
                    new LocalUserChanges(users, closing), closing);
            return new Transport(bus, bus, () -> {
                bus.close();
                order.close();
            }, Optional.of(bus.readinessProbe()));
        } catch (RuntimeException e) {
            order.close();
            throw e;
        }
    }

    /** The delivery and user changes chosen for this node, what stops them, and the bus's readiness (with one). */
    private record Transport(EventDelivery delivery, UserChanges userChanges, Runnable stop,
                             Optional<ReadinessProbe> bus) {
    }

    /**
     * Contract §17's operations, the one place that chooses: with {@code PARLEY_METRICS=true} or
     * {@code PARLEY_METRICS_TOKEN}, Micrometer ({@link MicrometerChatMetrics}: every meter registered once, JVM memory
     * and GC among them) counts what the application and the adapters tell {@link ChatMetrics}; without, they tell
     * {@link ChatMetrics#none()} and {@code /metrics} does not exist.
     */
    private static Observability observability(ParleyConfig config) {
        if (!config.operations().metrics().on()) {
            return new Observability(ChatMetrics.none(), Optional.empty(), Optional.empty());
        }
        MicrometerChatMetrics micrometer = new MicrometerChatMetrics();
        LOG.info("Metrics on: GET /metrics ({})", config.operations().metrics());
        return new Observability(micrometer, Optional.of(micrometer), Optional.of(micrometer));
    }

    /**
     * What {@code GET /health/ready} asks (contract §17): the database, and the bus when there is one. Each answer is
     * shared for {@link #READINESS_CACHE} and waits at most {@link #READINESS_TIMEOUT} (or the database time-out, when
     * shorter); a hung database holds one probing thread, never a request longer than that.
     */
    private static CheckReadinessService readiness(ParleyConfig config, PersistenceModule storage, Transport transport) {
        List<ReadinessProbe> probes = new ArrayList<>();
        probes.add(storage.readinessProbe());
        transport.bus().ifPresent(probes::add);
        Duration timeout = config.operations().databaseTimeout().compareTo(READINESS_TIMEOUT) < 0
                ? config.operations().databaseTimeout() : READINESS_TIMEOUT;
        return new CheckReadinessService(probes, timeout, READINESS_CACHE);
    }

    /** The metrics chosen for this node, and the readiness check once built ({@link #operations}). */
    private static final class Observability implements AutoCloseable {
        private final ChatMetrics metrics;
        private final Optional<MetricsExposition> exposition;
        private final Optional<MicrometerChatMetrics> micrometer;
        private CheckReadinessService readiness;

        Observability(ChatMetrics metrics, Optional<MetricsExposition> exposition,
                      Optional<MicrometerChatMetrics> micrometer) {
            this.metrics = metrics;
            this.exposition = exposition;
            this.micrometer = micrometer;
        }

        ChatMetrics metrics() {
            return metrics;
        }

        /** The gauges read when scraped: this node's open connections, and the webhook outbox (with webhooks). */
        void watch(ConnectionRegistry connections, Optional<WebhookOutbox> outbox) {
            micrometer.ifPresent(meters -> {
                meters.watchOpenConnections(connections::count);
                outbox.ifPresent(events -> meters.watchWebhookOutbox(events::depth));
            });
        }

        /** The REST adapter's health and metrics endpoints over {@code readiness} (closed with this). */
        Operations operations(ParleyConfig config, CheckReadinessService readiness) {
            this.readiness = readiness;
            return new Operations(readiness, exposition, config.operations().metrics().token());
        }

        @Override
        public void close() {
            if (readiness != null) {
                readiness.close();
            }
            micrometer.ifPresent(MicrometerChatMetrics::close);
        }
    }

    /**
     * Who counts the open websockets of each user (contract §16, {@code PARLEY_MAX_CONNECTIONS_PER_USER}): the one
     * place that chooses. With {@code 0}, nobody (no limit). Without {@code PARLEY_REDIS_URL}, this node
     * ({@link LocalConnectionCensus}); with it, every node together ({@link RedisConnectionCensus}: each node's counts
     * in Redis, expiring when the node stops renewing them).
     */
    private static Census connectionCensus(ParleyConfig config) {
        int max = config.edge().maxConnectionsPerUser();
        if (max == 0) {
            return new Census(ConnectionCensus.unlimited(), () -> { });
        }
        if (config.bus().isEmpty()) {
            return new Census(new LocalConnectionCensus(max), () -> { });
        }
        RedisConnectionCensus census = RedisConnectionCensus.connect(ParleyConfig.busSettings(config.bus().get()), max);
        return new Census(census, census::close);
    }

    /** The connection census chosen for this node, and what stops it. */
    private record Census(ConnectionCensus census, Runnable stop) {
    }

    /**
     * Who is online and the typing throttle (contract §13): the one place that chooses. Without
     * {@code PARLEY_REDIS_URL}, this node ({@link LocalPresenceStore}, {@link LocalTypingThrottle}); with it, every node
     * together ({@link RedisPresence}: each node's users in Redis, a crashed node's users found offline by the others;
     * the throttle a key per pair, behind this node's own). The tracker ({@link TrackPresenceService}) announces over
     * the delivery chosen above and records {@code last_seen} in the database; its offline grace is
     * {@code PARLEY_PRESENCE_GRACE_SECONDS}.
     */
    private static Presence presence(ParleyConfig config, PersistenceModule storage, DrivenPorts ports) {
        LocalTypingThrottle here = new LocalTypingThrottle(ports.time());
        PresenceStore store;
        TypingThrottle typing;
        Runnable disconnect;
        if (config.bus().isEmpty()) {
            store = new LocalPresenceStore();
            typing = here;
            disconnect = () -> { };
        } else {
            RedisPresence redis = RedisPresence.connect(ParleyConfig.busSettings(config.bus().get()));
            store = redis.store();
            typing = redis.typingThrottle(here);
            disconnect = redis::close;
        }
        TrackPresenceService tracker = new TrackPresenceService(store, storage.presence(), ports.delivery(),
                ports.time(), config.operations().presenceGrace());
        return new Presence(store, typing, storage.presence(), tracker, disconnect);
    }

    /** Presence chosen for this node; {@link #stop} announces everyone held here as gone, then disconnects. */
    private record Presence(PresenceStore store, TypingThrottle typing, PresenceRepository repository,
                            TrackPresenceService tracker, Runnable disconnect) {
        void stop() {
            try {
                tracker.close();
            } finally {
                disconnect.run();
            }
        }
    }

    /** Step 2: the use cases over the driven ports; every message is stored through {@code messages} (group commit). */
    private static UseCases useCases(ParleyConfig config, DrivenPorts ports, StoreMessages messages,
                                     Presence presence) {
        MessageRules rules = new MessageRules(config.maxMessageLength());
        TimeSource time = ports.time();
        LinkToAttachment links = new LinkToAttachmentService(ports.linkSigner(), config.mediaLinkLifetime(), time);
        AuthenticateToken authenticate = new AuthenticateTokenService(ports.tokens(), ports.users());
        MarkSeen markSeen = new MarkSeenService(ports.messages(), ports.readMarkers(), ports.delivery(), time);
        boolean webhooks = config.webhooks().isPresent();
        EditMessage edit = new EditMessageService(ports.messages(), ports.users(), ports.delivery(), rules, time,
                ports.sendBudget(), ports.readMarkers(), webhooks);
        DeleteMessage delete = new DeleteMessageService(ports.messages(), ports.users(), ports.delivery(),
                ports.attachments(), time, ports.sendBudget(), ports.readMarkers(), webhooks);
        WebSocketUseCases webSocket = new WebSocketUseCases(
                new SendTextMessageService(ports.users(), ports.threads(), messages, rules, time, ports.sendBudget()),
                new AnnounceFileMessageService(ports.messages(), ports.delivery(), links, ports.sendBudget()),
                new ShareProfileService(ports.users(), ports.threads(), messages, time, ports.sendBudget()),
                markSeen, edit, delete,
                new SendTypingService(ports.users(), presence.typing(), ports.delivery(), time),
                presence.tracker());
        RestUseCases rest = new RestUseCases(
                new ListConversationService(ports.users(), ports.threads(), ports.messages(), ports.readMarkers()),
                new ListMyThreadsService(ports.users(), ports.threads(), ports.readMarkers()),
                new RegisterUserService(ports.users(), ports.hasher(), time),
                new LogInService(ports.users(), ports.hasher(), ports.tokens(), time, ports.logInAttempts()),
                new RefreshAccessTokenService(ports.tokens(), ports.users()),
                authenticate,
                new UpsertUserFromBackendService(ports.users(), ports.userChanges(), time, ports.hasher()),
                new UploadAttachmentService(ports.users(), ports.threads(), messages, links, ports.attachments(),
                        ports.contentTypes(), rules, config.maxUploadBytes(), time, ports.sendBudget(),
                        ports.readMarkers()),
                new ListThreadFilesService(ports.users(), ports.threads(), ports.messages(), ports.readMarkers()),
                links,
                new DownloadAttachmentService(ports.messages(), ports.attachments(), ports.linkSigner(), time),
                markSeen, edit, delete,
                new ShowPresenceService(presence.repository(), presence.store()));
        return new UseCases(rest, webSocket);
    }

    /**
     * Step 3: the driving adapters over the use cases, on one Grizzly server (not yet started): the REST API as its
     * Jersey application, the websocket (filling {@code connections}, which the delivery writes to), and the
     * server-level HTTP concerns below both.
     */
    private static DrivingAdapters drivingAdapters(ParleyConfig config, UseCases useCases,
                                                   ConnectionRegistry connections, ConnectionCensus census,
                                                   Operations operations, ChatMetrics metrics) {
        ParleyConfig.Edge edge = config.edge();
        RestSettings restSettings = new RestSettings(config.adminApiKey(), config.maxUploadBytes(),
                config.dataDir().resolve("upload-tmp"), edge.allowedOrigins());
        HttpServer server = GrizzlyHttpServerFactory.createHttpServer(
                URI.create("http://" + config.host() + ":" + config.port() + "/"),
                RestApi.resourceConfig(useCases.rest(), restSettings, operations),
                false);
        WebSocketSettings webSocketSettings = new WebSocketSettings(config.maxFrameBytes(),
                config.websocketPingInterval(), edge.maxPendingBytes(), edge.allowedOrigins());
        ChatWebSocket webSocket = ChatWebSocket.attachTo(server, connections, useCases.rest().authenticateToken(),
                useCases.webSocket(), webSocketSettings, census, metrics);
        ServerLevelHttp.installOn(server, edge.headerTimeout(), new ServerLevelHttp.BodySettings(edge.bodyTimeout(),
                restSettings.largestBodyBytes(), config.dataDir().resolve("body-tmp")), edge.allowedOrigins());
        return new DrivingAdapters(server, webSocket);
    }

    /** The use cases, as the two driving adapters take them. */
    private record UseCases(RestUseCases rest, WebSocketUseCases webSocket) {
    }

    /** The server carrying both driving adapters, and the websocket's handle for shutdown. */
    private record DrivingAdapters(HttpServer server, ChatWebSocket webSocket) {
    }

    private static void closeIfStarted(OrphanSweeps sweeps, MessageWriter writer, Presence presence,
                                       Transport transport, Limiting limiting, Census census) {
        if (sweeps != null) {
            sweeps.close();
        }
        if (writer != null) {
            writer.close();
        }
        if (presence != null) {
            presence.stop();
        }
        if (transport != null) {
            transport.stop().run();
        }
        if (limiting != null) {
            limiting.stop().run();
        }
        if (census != null) {
            census.stop().run();
        }
    }

    /** The port actually bound (useful with {@code PARLEY_PORT=0}). */
    public int port() {
        return server.getListeners().iterator().next().getPort();
    }

    /**
     * Stops gracefully (SIGTERM), in this order:
     * <ol>
     *   <li>the websocket drains, for at most {@code PARLEY_DRAIN_SECONDS} ({@link ChatWebSocket#drain}): new
     *       handshakes get 503, new frames an error frame {@code unavailable}; every frame already received is
     *       answered (its message stored and its {@code conf_message} sent, or an error frame), and the frames queued
     *       for each connection are written;</li>
     *   <li>websockets are closed with 1001 ("going away");</li>
     *   <li>the server stops accepting and lets running requests finish, for at most {@value #SHUTDOWN_GRACE_SECONDS}
     *       s;</li>
     *   <li>messages still accepted (uploads) are stored, the users held here are let go (announced offline unless
     *       another node holds them, their {@code last_seen} stored), then the bus, the limits and the database pool
     *       close: for at
     *       most {@value #CLOSING_SECONDS} s. When the database or Redis does not answer, this gives up with one log
     *       line and returns (the process then exits; the database rolls back what was not committed). Nothing
     *       confirmed can be lost by that: a message is confirmed ({@code conf_message}, an upload's 201) only once its
     *       transaction has committed; a message not yet committed was not confirmed, and is stored or not.</li>
     * </ol>
     * So a stop takes at most {@code PARLEY_DRAIN_SECONDS} + {@value #SHUTDOWN_GRACE_SECONDS} s +
     * {@value #CLOSING_SECONDS} s (and a second or so of margin), whatever the database does. Calling it again does
     * nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("Parley is shutting down (draining websockets for at most {} s)", drainTime.toSeconds());
        try {
            webSocket.drain(drainTime);
            webSocket.closeAll();
            server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS).get(SHUTDOWN_GRACE_SECONDS + 1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("The server did not stop within {} s; stopping it now", SHUTDOWN_GRACE_SECONDS);
        } finally {
            try {
                server.shutdownNow();
                closeTheRest(Duration.ofSeconds(CLOSING_SECONDS));
            } finally {
                stopped.countDown();
            }
        }
        LOG.info("Parley has stopped");
    }

    /**
     * Stores what was handed over, then closes the bus, the limits, the census and the database, in that order, on a
     * thread of their own; waits for them at most {@code limit}, then gives up with one log line naming the step still
     * running (a database or Redis that does not answer: the message writer waits for the commit under way, the pool
     * for its connections).
     */
    private void closeTheRest(Duration limit) {
        AtomicReference<String> step = new AtomicReference<>("the orphan sweeper");
        Thread closing = new Thread(() -> {
            try {
                sweeps.close();
                step.set("the webhook relay");
                webhooks.ifPresent(WebhookRelay::close);
                step.set("the websocket");
                webSocket.close();
                // Messages accepted before the shutdown are still stored (and published) before the database and the
                // bus go away.
                step.set("the message writer (storing the messages handed over)");
                writer.close();
                // Users held here are let go and announced while the bus and the database are still there.
                step.set("presence");
                presence.stop();
                step.set("the bus");
                transport.stop().run();
                step.set("the limits");
                limiting.stop().run();
                step.set("the connection census");
                census.stop().run();
                step.set("the metrics");
                observability.close();
                step.set("the database pool");
                storage.close();
                step.set(null);
            } catch (RuntimeException | Error failure) {
                LOG.error("Closing {} failed; the rest is left to the process's exit", step.get(), failure);
                step.set(null);
            }
        }, "parley-closing");
        // A daemon: should the steps hang, they must not keep the process alive.
        closing.setDaemon(true);
        closing.start();
        // The wait is not cut short by an interrupt (a stop after an interrupted main thread must still close).
        boolean interrupted = Thread.interrupted();
        long deadline = System.nanoTime() + limit.toNanos();
        for (long left = limit.toMillis(); closing.isAlive() && left > 0;
             left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) {
            try {
                closing.join(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        String running = step.get();
        if (closing.isAlive() && running != null) {
            LOG.warn("Parley stopped without waiting longer for {} ({} s): the database or Redis does not answer; "
                    + "every confirmed message is committed, an unconfirmed one may or may not be stored",
                    running, limit.toSeconds());
        }
    }

    /** Waits until {@link #close()} has finished. */
    public void awaitClosed() throws InterruptedException {
        stopped.await();
    }

    /**
     * Unset credentials are empty: the driver then takes them from the URL or its own defaults. A URL the storage
     * refuses (an H2 URL that delays commits) stops start-up as a configuration error naming {@code PARLEY_DB_URL}.
     */
    private static DatabaseSettings databaseSettings(ParleyConfig config) {
        return storedIn(config).withRequestTimeout(config.operations().databaseTimeout());
    }

    private static DatabaseSettings storedIn(ParleyConfig config) {
        return config.database()
                .map(db -> {
                    try {
                        return new DatabaseSettings(db.url(), Objects.requireNonNullElse(db.user(), ""),
                                Objects.requireNonNullElse(db.password(), ""), db.poolSize(), db.connectionTimeout());
                    } catch (IllegalArgumentException refused) {
                        throw new ConfigurationException("PARLEY_DB_URL: " + refused.getMessage());
                    }
                })
                .orElseGet(() -> DatabaseSettings.embeddedH2(config.dataDir()));
    }
}
