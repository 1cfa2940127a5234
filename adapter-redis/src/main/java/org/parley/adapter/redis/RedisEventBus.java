package org.parley.adapter.redis;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import org.parley.adapter.redis.BusCodec.CatchUp;
import org.parley.adapter.redis.BusCodec.Event;
import org.parley.adapter.redis.BusCodec.Item;
import org.parley.adapter.redis.BusCodec.Repeated;
import org.parley.adapter.redis.BusCodec.Unreadable;
import org.parley.adapter.redis.BusCodec.UserChanged;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.OpenConnections;
import org.parley.application.port.out.OutboundEvent;
import org.parley.application.port.out.ReadinessProbe;
import org.parley.application.port.out.RepeatedSend;
import org.parley.application.port.out.UserChanges;
import org.parley.domain.delivery.Delivery;
import org.parley.domain.user.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus that makes several Parley nodes one chat service (contract §18), over Redis pub/sub with Lettuce. It wraps
 * this node's local delivery: each event is delivered here at once (the local delivery, behind the conversation
 * order) and published for the other nodes; each node hands what the others published to its own local delivery, and
 * ignores its own publications. A user's change is announced the same way ({@link UserChanges}).
 *
 * <p><b>Mechanism</b> (measured and argued in docs/architecture.md): one pub/sub channel per deployment; whatever is
 * waiting is packed into one publication (a batch, {@link BusCodec}) by the thread that queued it (group commit's
 * delivery thread, for a batch of messages), unless another thread is publishing at that moment, which then takes it
 * into its next publication: so under load one PUBLISH carries many events, with none a message goes alone at once, and
 * no thread is woken to publish. A heartbeat thread publishes what is owed and, when nothing else was published for
 * {@value #HEARTBEAT_MILLIS} ms, an empty publication. A receiver thread decodes and delivers what the other nodes
 * published, so Lettuce's I/O threads never render frames; a node's own publications, which come back to it too, are
 * recognised on Lettuce's thread and only prove that the bus carries what this node publishes. The closes of every
 * connection the bus orders (below: a loss, receiving again, an overflow) run on a closer thread, in the order asked:
 * Lettuce's I/O threads run none of Parley's code but that recognition and the note of a connection's state, so they
 * never wait for a close. Events reach the local
 * delivery in batches ({@link EventDelivery#openBatch()}): group commit's batch through {@link #openBatch()}, and on
 * the receiving side each round of publications the receiver thread takes from its inbox (at most
 * {@value #MAX_PUBLICATIONS_PER_ROUND} publications, handed over in batches of at most {@value #MAX_EVENTS_PER_BATCH} events),
 * so a connection gets a batch's frames in one write. Every publication carries its node's id and a sequence number: a
 * node drops what it already received from a node (a duplicate) and its own publications.
 *
 * <p><b>No silent loss</b>: pub/sub keeps nothing for a node that is not listening, so:
 * <ul>
 *   <li>when this node loses Redis (either connection drops, or its own publications stop coming back for
 *       {@value #DEAF_AFTER_SECONDS} s, which they also do while its receiver thread is stuck with publications
 *       waiting; time the node itself stood still, a long collection or a frozen machine, does not count), it
 *       closes every connection here to catch up (1012) and keeps serving them locally; when its subscriber
 *       receives again (resubscribed, or hearing itself again), it closes again every
 *       connection opened meanwhile, since they missed the other nodes' frames. Until a close asked for has run,
 *       nothing received is handed to the connections: a connection given a frame from after a gap before its 1012
 *       would catch up from there and never get the frames it missed. While only its publishing connection is away it
 *       goes on delivering what it receives, and rejoins without a second close;</li>
 *   <li>a node deaf while its connections look open (one died without a word, which TCP tells only minutes to
 *       hours later) tries new ones, at once and then further apart until it hears itself; it takes them once what
 *       it publishes on them comes back, and closes every connection once more then, as when it receives again;</li>
 *   <li>a publication that fails (Redis down: commands are rejected while disconnected, never queued) owes its
 *       recipients a catch-up: once publishing works again, the node publishes their ids and every node closes their
 *       connections to catch up; a user change that could not be published is published again;</li>
 *   <li>a publication a node cannot read (another version) closes the recipients it names, or everyone there;</li>
 *   <li>a node whose inbox overflows drops what it holds and closes every connection, as for a loss.</li>
 * </ul>
 * Stored messages are never lost either way: they are in the database before any event of them exists.
 *
 * <p>Never throws from {@link #deliver} or {@link #changed}, and never makes them wait, for Redis or for another
 * thread: publishing is handing the command to Lettuce, and a full outbox (Redis too slow) owes the recipients a
 * catch-up instead.
 */
public final class RedisEventBus implements EventDelivery, UserChanges, AutoCloseable {

    static final int DEAF_AFTER_SECONDS = 5;
    private static final long DEAF_AFTER_NANOS = TimeUnit.SECONDS.toNanos(DEAF_AFTER_SECONDS);
    private static final long LONGEST_REPLACEMENT_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(40);
    /** How long a replacement waits for its probe to come back before it gives up. */
    private static final long PROBE_WAIT_MILLIS = 2_000;
    private static final byte[] PROBE = "probe".getBytes(StandardCharsets.UTF_8);
    private static final Logger LOG = LoggerFactory.getLogger(RedisEventBus.class);
    private static final int OUTBOX_CAPACITY = 100_000;
    private static final int INBOX_CAPACITY = 10_000;
    /**
     * The most items one publication carries. A system property for measurements only ({@code 1}: one PUBLISH per
     * event, the cost any per-recipient channel scheme has at least; see docs/architecture.md).
     */
    private static final int MAX_ITEMS_PER_PUBLICATION =
            Math.max(1, Math.min(1_000, Integer.getInteger("parley.bus.maxItemsPerPublication", 256)));
    private static final int MAX_PUBLICATIONS_IN_FLIGHT =
            Math.max(100, Integer.getInteger("parley.bus.maxPublicationsInFlight", 10_000));
    /** Room left in Lettuce's stack for the commands it sends itself on the publishing connection (a reconnection's). */
    private static final int PUBLISHER_MARGIN = 16;
    /** The most publications one turn at publishing sends; what is left goes in the next turn. */
    private static final int MAX_PUBLICATIONS_PER_ROUND_PUBLISHED = 4;
    /** The most publications the receiver takes from its inbox at once. */
    static final int MAX_PUBLICATIONS_PER_ROUND = 64;
    /**
     * The most events received that go to the local delivery through one batch: a longer round is handed over in
     * batches of this many, so that a backlog's first frames do not wait for the whole round to be rendered.
     */
    static final int MAX_EVENTS_PER_BATCH = 256;
    private static final int MAX_OWED_USERS = 100_000;
    /**
     * How long the receiver thread may hand nothing over while publications wait for it before this node stops
     * counting its own publications as heard ({@link #receiverKeepsUp}).
     */
    private static final long RECEIVER_STALL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How often the receiver looks again while it waits for a close (the closer also wakes it when one ends). */
    private static final long CLOSE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long HEARTBEAT_MILLIS = 1_000;
    /**
     * The most of one round of the heartbeat thread that counts towards deafness ({@link #deafnessCountedFrom}): the
     * thread goes round four times a heartbeat's interval, so a longer round means that it, and most likely the whole
     * process, stood still.
     */
    private static final long LONGEST_ROUND_COUNTED_NANOS = TimeUnit.MILLISECONDS.toNanos(HEARTBEAT_MILLIS);
    private static final long DRAIN_MILLIS = 2_000;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final long FORGET_NODE_NANOS = TimeUnit.MINUTES.toNanos(10);
    /**
     * Another node not heard for this long while this node hears itself is silent ({@link #noticeSilentNodes}): every
     * node publishes at least a heartbeat a second.
     */
    private static final long SILENT_NODE_NANOS = TimeUnit.SECONDS.toNanos(DEAF_AFTER_SECONDS);
    /** This node hears itself when it heard its own publication at most this long ago (they go out every second). */
    private static final long HEARS_ITSELF_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** At most one catch-up notice in this many seconds is logged at {@code INFO} ({@link #logCatchUp}). */
    private static final int CATCH_UP_LOG_SECONDS = 10;
    /** How far apart the clocks of two nodes may be (they keep time with NTP). */
    static final Duration CLOCK_MARGIN = Duration.ofSeconds(1);

    private final RedisBusSettings settings;
    private final String node = UUID.randomUUID().toString().substring(0, 13);
    private final byte[] channel;
    /**
     * This node's own channel for proving new connections ({@link #replaceConnections}): only it publishes there, and
     * only a replacement's subscriber listens.
     */
    private final byte[] probeChannel;
    private final EventDelivery local;
    private final UserChanges localChanges;
    private final OpenConnections connections;
    private final ClientResources resources;
    private final RedisClient client;
    /** Items to publish, oldest first: published by whichever thread holds {@link #publishingTurn} next. */
    private final BlockingQueue<Item> outbox = new LinkedBlockingQueue<>(OUTBOX_CAPACITY);
    /**
     * Held by the one thread publishing: publications leave in the order of their sequence numbers, which a receiving
     * node relies on (it drops a publication older than one it has, as a duplicate).
     */
    private final ReentrantLock publishingTurn = new ReentrantLock();
    /**
     * Events delivered here through {@link #openBatch()} and not queued for publication yet, oldest first: queued
     * together ({@link #publishStaged}) whenever a batch of this node's delivery is closed and before an event is
     * delivered alone, so that no frame this node hands over (a batch of the local delivery can be closed by another
     * batch's close, see {@code ConversationOrder}) is of an event the other nodes would get after what a client does
     * in answer to it (a deletion, published at once).
     */
    private final ConcurrentLinkedQueue<Item> staged = new ConcurrentLinkedQueue<>();
    /** Held while {@link #staged} is moved to the outbox, so that two threads moving it keep its order. */
    private final Object staging = new Object();
    private final BlockingQueue<byte[]> inbox = new LinkedBlockingQueue<>(INBOX_CAPACITY);
    private final Object state = new Object();
    private final Owed owed = new Owed();
    private final Map<String, long[]> lastSequenceByNode = new HashMap<>();
    /**
     * Items queued for publication and not yet published or handed to {@link #owed}: counted from before they enter
     * the outbox until their publication is answered, so that {@link #close} never sees none while the publisher holds
     * a batch it took from the outbox and has not sent yet.
     */
    private final AtomicLong unpublished = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    /**
     * When each other node was last heard ({@link System#nanoTime()}): written by the receiver thread, read by the
     * heartbeat thread, which removes a node it finds silent; emptied when this node goes off the bus.
     */
    private final Map<String, Long> otherNodesHeard = new ConcurrentHashMap<>();
    /**
     * The other nodes told of as silent ({@link OpenConnections#otherNodeSilent}) and not yet as heard again; guarded
     * by itself, so that a node is told of as heard again only after it was told of as silent. Kept while this node is
     * off the bus: a node silent before is silent still until it is heard.
     */
    private final Set<String> silentNodes = new HashSet<>();
    /** Whether {@link #silentNodes} may hold a node: read by the receiver without the lock. */
    private volatile boolean anySilentNode;
    /** Receiver thread: when a catch-up notice was last logged at {@code INFO}, and how many were not since. */
    private long catchUpLoggedNanos = System.nanoTime() - TimeUnit.SECONDS.toNanos(CATCH_UP_LOG_SECONDS);
    private int catchUpsNotLogged;
    private volatile StatefulRedisPubSubConnection<byte[], byte[]> subscriber;
    private volatile StatefulRedisConnection<byte[], byte[]> publisher;
    private volatile boolean running = true;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long lastHeardSelfNanos = System.nanoTime();
    /**
     * When this node last heard a publication of its own come back, or proved new connections with one
     * ({@link System#nanoTime()}): unlike {@link #lastHeardSelfNanos}, not moved by a connection (re)made, so that
     * reconnections of connections that carry nothing do not start the replacements' pauses over.
     */
    private volatile long heardOwnNanos = System.nanoTime();
    /** When the receiver thread last took or handled a publication ({@link System#nanoTime()}). */
    private volatile long receiverProgressNanos = System.nanoTime();
    /**
     * Whether the receiver thread is waiting, for a publication or for a close to run ({@link #mayDeliverReceived}),
     * so that {@link #receiverProgressNanos} may be old without the receiver being stuck.
     */
    private volatile boolean receiverWaiting;
    /** Guarded by {@link #publishingTurn}. */
    private long nextSequence = 1;
    /**
     * The publications sent on {@link #publisher} since it connected, and how many of them Redis has answered
     * ({@link Unanswered}). A new count with each connection.
     */
    private volatile Unanswered publisherUnanswered = new Unanswered();
    /** Whether the owing for a full {@link #publisherUnanswered} was logged since it last had room; publishing turn. */
    private boolean publisherFullLogged;
    /** When this node last published ({@link System#nanoTime()}): a heartbeat is due a second after. */
    private volatile long lastPublishNanos = System.nanoTime();
    /** Guarded by {@link #state}. */
    private boolean subscriberReady;
    /** Guards {@link #offTheBusToldFor}. */
    private final Object offTheBusTold = new Object();
    /** The last transition told to the connections ({@link #tellOffTheBus}); under {@link #offTheBusTold}. */
    private long offTheBusToldFor;
    /** Whether the subscriber has been subscribed before: its first subscription follows no gap. */
    private boolean subscribedBefore;
    private boolean publisherReady;
    private boolean up;
    /** Guarded by {@link #state}: how many times this node has left or rejoined the bus. */
    private long transitions;
    /**
     * The one thread that closes this node's connections when the bus says so (a loss, receiving again after a gap,
     * an inbox that overflowed), in the order they were asked for: never Lettuce's I/O threads, which must go on
     * reading the bus (this node's own publications included) however long closing thousands of connections takes,
     * nor the heartbeat thread. Until a close asked for has run, the receiver thread hands nothing over
     * ({@link #mayDeliverReceived}).
     */
    private final ExecutorService closer;
    /**
     * How many closes of every connection have been asked for: for a loss, for the subscriber side receiving again
     * after a gap (these under {@link #state}), for an overflowing inbox.
     */
    private final AtomicLong closesAsked = new AtomicLong();
    /** How many of {@link #closesAsked} a close that has run covered (written by {@link #closer} only). */
    private volatile long closesDone;
    private final Thread publishing;
    private final Thread receiving;
    /** Whether a thread is replacing this node's connections to Redis ({@link #replaceConnections}). */
    private final AtomicBoolean replacing = new AtomicBoolean();
    /** Whether a stray interrupt of the receiver thread has been logged (receiver thread only). */
    private boolean strayInterruptNoted;
    /**
     * When this node may next try to replace its connections while deaf ({@link System#nanoTime()}; heartbeat thread
     * only): at once when it becomes deaf, then after {@link #replacementPauseNanos}.
     */
    private long nextReplacementNanos = System.nanoTime();
    /** The pause after an attempt to replace: 5 s, doubling up to 40 s while deaf (heartbeat thread only). */
    private long replacementPauseNanos = DEAF_AFTER_NANOS;
    /** Whether the replacements of this deafness have been warned about (heartbeat thread only). */
    private boolean warnedOfReplacements;
    /** When this node's deafness is counted from, time it stood still left out (heartbeat thread only). */
    private final HearingClock hearingClock = new HearingClock(LONGEST_ROUND_COUNTED_NANOS, System.nanoTime());
    /**
     * Guarded by {@link #state}: how many connections of this bus's client dropped that were neither the subscriber
     * nor the publisher then (a replacement being made, or one replaced).
     */
    private long othersDropped;

    private RedisEventBus(RedisBusSettings settings, EventDelivery local, UserChanges localChanges,
                          OpenConnections connections) {
        this.settings = settings;
        this.channel = settings.redisChannel().getBytes(StandardCharsets.UTF_8);
        this.probeChannel = (settings.redisChannel() + ":probe:" + node).getBytes(StandardCharsets.UTF_8);
        this.local = local;
        this.localChanges = localChanges;
        this.connections = connections;
        // Asks for one I/O thread, but Lettuce raises it to two (DefaultClientResources.MIN_IO_THREADS) and binds
        // each connection to one event loop, handed out in turn: the subscriber's messages and the publisher's
        // replies are read on two threads, which a reconnection can make one (LettuceClients.resources;
        // docs/PERFORMANCE.md, N2).
        this.resources = LettuceClients.resources(1);
        this.client = LettuceClients.client(resources, settings, COMMAND_TIMEOUT,
                options -> options.requestQueueSize(MAX_PUBLICATIONS_IN_FLIGHT));
        this.publishing = busThread(this::heartbeatLoop, "parley-bus-heartbeat");
        this.receiving = busThread(this::receiveLoop, "parley-bus-receiver");
        ThreadPoolExecutor closing = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), task -> busThread(task, "parley-bus-closer"));
        closing.prestartCoreThread();
        this.closer = closing;
    }

    /**
     * One of the bus's threads, made by the thread that connects it (a request's, in an embedding application): it
     * keeps neither that thread's context class loader nor its inheritable thread-locals.
     */
    private static Thread busThread(Runnable task, String name) {
        Thread thread = new Thread(null, task, name, 0, false);
        thread.setContextClassLoader(RedisEventBus.class.getClassLoader());
        thread.setDaemon(true);
        return thread;
    }

    /**
     * Connects to Redis, subscribes and starts publishing.
     *
     * @param local        this node's delivery (the conversation order in front of the websockets): every event,
     *                     this node's and the others', ends there
     * @param localChanges what this node does when a user changed (anywhere)
     * @param connections  this node's connections, closed to catch up when this node or another may have missed
     *                     frames
     * @throws RedisBusUnavailable when Redis cannot be reached within the connect timeout (one line, no secret)
     */
    public static RedisEventBus connect(RedisBusSettings settings, EventDelivery local, UserChanges localChanges,
                                        OpenConnections connections) {
        RedisEventBus bus = new RedisEventBus(Objects.requireNonNull(settings, "settings"),
                Objects.requireNonNull(local, "local"), Objects.requireNonNull(localChanges, "localChanges"),
                Objects.requireNonNull(connections, "connections"));
        try {
            bus.open();
        } catch (RuntimeException e) {
            bus.close();
            throw new RedisBusUnavailable("Cannot use Redis at " + settings.shown() + " (PARLEY_REDIS_URL): "
                    + RedisBusUnavailable.describe(e));
        }
        return bus;
    }

    private void open() {
        client.addListener(new ConnectionEvents());
        subscriber = connectSubscriber(null);
        subscriber.sync().subscribe(channel);
        publisher = client.connect(ByteArrayCodec.INSTANCE);
        synchronized (state) {
            subscriberReady = true;
            publisherReady = true;
            up = true;
        }
        lastHeardSelfNanos = System.nanoTime();
        publishing.start();
        receiving.start();
        LOG.info("Joined the bus at {} on channel {} as node {}", settings.shown(), settings.redisChannel(), node);
    }

    /** Delivers {@code event} on this node at once and publishes it for the others. Never throws, never blocks. */
    @Override
    public void deliver(OutboundEvent event) {
        if (event == null) {
            return;
        }
        publishStaged();
        try {
            local.deliver(event);
        } catch (Throwable failure) {
            LOG.error("An event could not be delivered on this node: {}", RedisBusUnavailable.describe(failure));
        }
        enqueue(new Event(event));
        publishQueued();
    }

    /**
     * A send repeated here and answered from storage: told to this node's delivery (its conversation order closes the
     * recipients to catch up if it never delivered the message), then published, after what was staged and queued
     * before it, so that every other node's order decides the same for its connections. Never throws, never blocks.
     */
    @Override
    public void sendRepeated(RepeatedSend repeated) {
        if (repeated == null) {
            return;
        }
        publishStaged();
        try {
            local.sendRepeated(repeated);
        } catch (Throwable failure) {
            LOG.error("A repeated send could not be told on this node: {}", RedisBusUnavailable.describe(failure));
        }
        enqueue(new Repeated(repeated));
        publishQueued();
    }

    /**
     * A batch of this node's delivery ({@code local}'s batch, whose frames leave when it is closed) whose events are
     * also published for the other nodes, as {@link #deliver} publishes them: staged ({@link #staged}) and queued all
     * together when a batch of this node's delivery is closed, its own or another (a frame handed over is of an event
     * queued before it), so that they leave in one publication rather than one each. Never throws, never blocks.
     */
    @Override
    public EventDelivery.Batch openBatch() {
        LocalBatch here = new LocalBatch();
        return new EventDelivery.Batch() {
            @Override
            public void deliver(OutboundEvent event) {
                if (event == null) {
                    return;
                }
                staged.add(new Event(event));
                here.deliver(event);
            }

            @Override
            public void close() {
                publishStaged();
                here.close();
            }
        };
    }

    /**
     * Queues for publication every event staged by a batch ({@link #staged}), in order, and publishes what is queued
     * ({@link #publishQueued}). Never throws, never blocks.
     */
    private void publishStaged() {
        if (staged.isEmpty()) {
            return;
        }
        synchronized (staging) {
            Item item;
            while ((item = staged.poll()) != null) {
                enqueue(item);
            }
        }
        publishQueued();
    }

    /** Acts on this node at once and tells the others. Never throws, never blocks. */
    @Override
    public void changed(UserId user) {
        if (user == null) {
            return;
        }
        try {
            localChanges.changed(user);
        } catch (Throwable failure) {
            LOG.error("User {} changed but this node could not act on it: {}", user,
                    RedisBusUnavailable.describe(failure));
        }
        enqueue(new UserChanged(user));
        publishQueued();
    }

    /**
     * Whether this node is on the bus now (subscribed and publishing), and has closed the connections every loss and
     * rejoin before now required: after a rejoin it says so only once those connections are closed, so that a client
     * sent here because the node is ready is not closed by a close still under way.
     */
    public boolean isUp() {
        synchronized (state) {
            if (!up) {
                return false;
            }
        }
        return closesDone >= closesAsked.get();
    }

    /** How many times this node has left or rejoined the bus (tests). */
    long transitions() {
        synchronized (state) {
            return transitions;
        }
    }

    /**
     * The bus as {@code GET /health/ready} asks it (contract §17): this node is on it ({@link #isUp()}) and Redis
     * answers a {@code PING} on the publishing connection (within the command time-out).
     */
    public ReadinessProbe readinessProbe() {
        return new ReadinessProbe() {
            @Override
            public String part() {
                return "bus";
            }

            @Override
            public void probe() {
                if (!isUp()) {
                    throw new RedisBusUnavailable("This node is not on the bus");
                }
                publisher.sync().ping();
            }
        };
    }

    /** This node's id on the bus. */
    public String node() {
        return node;
    }

    /**
     * Leaves the bus: what is still waiting to be published goes first (for up to {@value #DRAIN_MILLIS} ms, so that
     * the last messages this node stored reach the other nodes' connections), then the connections to Redis close;
     * closes of this node's connections not begun are dropped, and one under way is waited for (up to
     * {@value #DRAIN_MILLIS} ms more). Calling it again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        publishStaged();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
        while (publishing.isAlive() && unpublished.get() > 0 && publisherReady()
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        sayLeaving();
        running = false;
        synchronized (state) {
            up = false;
        }
        publishing.interrupt();
        receiving.interrupt();
        closer.shutdownNow();
        try {
            if (!closer.awaitTermination(DRAIN_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.warn("The bus's closer was still closing connections {} ms after the bus was closed",
                        DRAIN_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LettuceClients.shutDown(client, resources, LOG, "the bus's");
    }

    /**
     * Closing: when everything this node had to publish was published, a last, empty publication says that it leaves
     * ({@link BusCodec#encodeLeaving}), so that the other nodes do not watch what it might have stored without
     * publishing, as they do for a node that falls silent. Waits for Redis's answer for up to a second; never throws.
     */
    private void sayLeaving() {
        if (!publisherReady() || unpublished.get() > 0 || !owed.isEmpty()) {
            return;
        }
        publishingTurn.lock();
        try {
            if (unpublished.get() > 0 || !owed.isEmpty()) {
                return;
            }
            publisher.async().publish(channel, BusCodec.encodeLeaving(node, nextSequence++))
                    .get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable failure) {
            LOG.debug("Saying that this node leaves the bus failed: {}", RedisBusUnavailable.describe(failure));
        } finally {
            publishingTurn.unlock();
        }
    }

    private void enqueue(Item item) {
        unpublished.incrementAndGet();
        if (!outbox.offer(item)) {
            unpublished.decrementAndGet();
            owed.add(List.of(item));
            LOG.warn("The bus's outbox is full (Redis too slow or away): the recipients are owed a catch-up");
        }
    }

    /**
     * A subscribing connection, not subscribed yet. What it receives on the bus's channel is acted on only while it is
     * this node's {@link #subscriber}: one it replaced ({@link #replaceConnections}) may still be receiving. What it
     * receives on {@link #probeChannel} before that counts {@code probeHeard} down (a replacement's; null for the
     * first).
     */
    private StatefulRedisPubSubConnection<byte[], byte[]> connectSubscriber(CountDownLatch probeHeard) {
        StatefulRedisPubSubConnection<byte[], byte[]> pubSub = client.connectPubSub(ByteArrayCodec.INSTANCE);
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channelName, byte[] message) {
                if (pubSub != subscriber) {
                    if (probeHeard != null && Arrays.equals(channelName, probeChannel)) {
                        probeHeard.countDown();
                    }
                    return;
                }
                if (Arrays.equals(channelName, channel)) {
                    onPublication(message);
                }
            }

            @Override
            public void subscribed(byte[] channelName, long count) {
                if (pubSub == subscriber && Arrays.equals(channelName, channel)) {
                    onSubscribed();
                }
            }
        });
        return pubSub;
    }

    // ---- publishing ----

    /**
     * Publishes what is queued, on this thread, unless another thread is publishing now. Either way nothing is left
     * behind: a thread that lets go of the publishing turn with items still queued (queued meanwhile by a thread that
     * found the turn taken, or more than one round takes) wakes the heartbeat thread to publish them. Never waits,
     * never throws.
     */
    private void publishQueued() {
        if (outbox.isEmpty()) {
            return;
        }
        if (!publishingTurn.tryLock()) {
            return;
        }
        try {
            publishRound(false);
        } catch (Throwable failure) {
            LOG.error("A round of the bus's publications failed: {}", RedisBusUnavailable.describe(failure));
        } finally {
            publishingTurn.unlock();
        }
        if (!outbox.isEmpty()) {
            LockSupport.unpark(publishing);
        }
    }

    /**
     * The heartbeat thread's loop. Four times a heartbeat's interval, or when woken by {@link #publishQueued}, it
     * publishes what is owed (when Redis is there) and what is queued, or an empty publication when this node has
     * published nothing for a heartbeat's interval; it goes on at once while items are queued, and checks that this
     * node still hears itself.
     */
    private void heartbeatLoop() {
        while (running) {
            if (outbox.isEmpty()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(HEARTBEAT_MILLIS / 4));
            }
            if (!running) {
                return;
            }
            long now = System.nanoTime();
            hearingClock.roundBegins(now, lastHeardSelfNanos);
            publishingTurn.lock();
            try {
                publishRound(now - lastPublishNanos >= TimeUnit.MILLISECONDS.toNanos(HEARTBEAT_MILLIS));
            } catch (Throwable failure) {
                LOG.error("A round of the bus's heartbeat failed: {}", RedisBusUnavailable.describe(failure));
            } finally {
                publishingTurn.unlock();
            }
            checkHearing(now);
            noticeSilentNodes(now);
            replaceConnectionsWhileDeaf(now);
        }
    }

    /**
     * Under {@link #publishingTurn}: publishes what is owed (first, when Redis is there) and what is queued, at most
     * {@link #MAX_ITEMS_PER_PUBLICATION} items a publication and {@value #MAX_PUBLICATIONS_PER_ROUND_PUBLISHED}
     * publications (so that a thread publishing for others is not kept at it); with nothing to publish, an empty
     * publication (a heartbeat) when {@code heartbeat}.
     */
    private void publishRound(boolean heartbeat) {
        boolean ready = publisherReady();
        for (int publications = 0; publications < MAX_PUBLICATIONS_PER_ROUND_PUBLISHED; publications++) {
            List<Item> batch = new ArrayList<>();
            if (ready && publications == 0) {
                owed.drainInto(batch);
            }
            int owedItems = batch.size();
            outbox.drainTo(batch, MAX_ITEMS_PER_PUBLICATION - batch.size());
            if (batch.isEmpty() && (publications > 0 || !heartbeat)) {
                return;
            }
            publish(batch, ready, batch.size() - owedItems);
        }
    }

    /**
     * Under {@link #publishingTurn}: publishes {@code batch} (an empty one is a heartbeat); on failure its recipients
     * are owed a catch-up. Never throws.
     *
     * @param queuedItems how many of {@code batch}'s items came from the outbox (counted in {@link #unpublished})
     */
    private void publish(List<Item> batch, boolean ready, int queuedItems) {
        long sequence = nextSequence++;
        lastPublishNanos = System.nanoTime();
        if (!ready || publisherFull()) {
            owed.add(batch);
            unpublished.addAndGet(-queuedItems);
            return;
        }
        byte[] bytes;
        try {
            bytes = BusCodec.encode(node, sequence, batch);
        } catch (Throwable unencodable) {
            LOG.error("A publication could not be encoded; its recipients are owed a catch-up: {}",
                    RedisBusUnavailable.describe(unencodable));
            owed.add(batch);
            unpublished.addAndGet(-queuedItems);
            return;
        }
        Unanswered unanswered = publisherUnanswered;
        try {
            StatefulRedisConnection<byte[], byte[]> used = publisher;
            RedisAsyncCommands<byte[], byte[]> commands = used.async();
            long number = unanswered.sent();
            commands.publish(channel, bytes).whenComplete((receivers, failure) -> {
                if (failure == null || failure instanceof RedisCommandExecutionException) {
                    unanswered.answered(number);
                }
                if (failure != null) {
                    owed.add(batch);
                    LOG.debug("A publication failed: {}", RedisBusUnavailable.describe(failure));
                } else if (used != publisher) {
                    // Answered after its connection was replaced: a later publication, sent on the new one, may have
                    // reached Redis first, and the other nodes then dropped this one as already received.
                    owed.add(batch);
                }
                unpublished.addAndGet(-queuedItems);
            });
        } catch (Throwable rejected) {
            owed.add(batch);
            unpublished.addAndGet(-queuedItems);
        }
    }

    /**
     * Under {@link #publishingTurn}: whether {@link #publisher} holds as many unanswered publications as Lettuce takes
     * ({@link #publisherUnanswered}, less a margin for the commands Lettuce adds itself): its connection answers
     * nothing, and this node will find itself deaf and replace it. Logged once until it has room again.
     */
    private boolean publisherFull() {
        long unanswered = publisherUnanswered.count();
        if (unanswered < MAX_PUBLICATIONS_IN_FLIGHT - PUBLISHER_MARGIN) {
            publisherFullLogged = false;
            return false;
        }
        if (!publisherFullLogged) {
            publisherFullLogged = true;
            LOG.warn("Redis has not answered {} publications of this node: what it publishes is owed as catch-ups "
                    + "until the connection answers or is replaced", unanswered);
        }
        return true;
    }

    private boolean publisherReady() {
        synchronized (state) {
            return publisherReady;
        }
    }

    /**
     * Heartbeat thread: when the time that makes this node deaf began ({@link System#nanoTime()}): when it last heard
     * itself, joined or rejoined, moved on by the time it stood still since ({@link HearingClock}).
     */
    private long deafnessCountedFrom() {
        return hearingClock.countedFrom(lastHeardSelfNanos);
    }

    /**
     * A node whose own publications stop coming back is deaf: it may be missing everyone's. Counted from when it last
     * heard itself, joined or rejoined (a heartbeat goes out every second), whether or not any publication was
     * answered yet: connections that die before the first one is would otherwise leave the node up for as long as no
     * new ones can be made; time it stood still does not count ({@link #deafnessCountedFrom}). Read again under
     * {@link #state}: a publication heard between the first reading and the lock would otherwise make a deafness, and
     * a close, for nothing.
     */
    private void checkHearing(long now) {
        if (now - deafnessCountedFrom() < DEAF_AFTER_NANOS) {
            return;
        }
        long lost = 0;
        synchronized (state) {
            if (subscriberReady && publisherReady
                    && System.nanoTime() - deafnessCountedFrom() >= DEAF_AFTER_NANOS) {
                subscriberReady = false;
                lost = wentDown();
            }
        }
        closeForTheLostBus(lost, "this node's own publications stopped coming back for " + DEAF_AFTER_SECONDS + " s");
    }

    /**
     * Heartbeat thread: another node not heard for {@value #DEAF_AFTER_SECONDS} s (time this node stood still not
     * counted) while this node is on the bus, hears itself and its receiver keeps up, was killed or lost Redis: what
     * it stored and confirmed just before may never have been published, so this node's connections are told
     * ({@link OpenConnections#otherNodeSilent}; the conversation order checks those messages). Once per silence: a
     * node heard again is followed again.
     */
    private void noticeSilentNodes(long now) {
        if (otherNodesHeard.isEmpty() || now - deafnessCountedFrom() >= HEARS_ITSELF_NANOS || !receiverKeepsUp(now)
                || !isUp()) {
            return;
        }
        for (Map.Entry<String, Long> heard : otherNodesHeard.entrySet()) {
            long heardNanos = heard.getValue();
            if (now - hearingClock.countedFrom(heardNanos) >= SILENT_NODE_NANOS
                    && otherNodesHeard.remove(heard.getKey(), heardNanos)) {
                synchronized (silentNodes) {
                    if (!silentNodes.add(heard.getKey())) {
                        continue;
                    }
                    anySilentNode = true;
                    LOG.info("Node {} has not been heard for {} s: the messages it may store without publishing "
                            + "them are checked until it is heard again", heard.getKey(),
                            TimeUnit.NANOSECONDS.toSeconds(now - heardNanos));
                    try {
                        connections.otherNodeSilent(Duration.ofNanos(now - heardNanos));
                    } catch (Throwable failure) {
                        LOG.error("Telling the connections that node {} fell silent failed: {}", heard.getKey(),
                                RedisBusUnavailable.describe(failure));
                    }
                }
            }
        }
    }

    /**
     * Receiver thread: {@code other} was heard (or left the bus saying so): if it was told of as silent, the
     * connections are told that it is heard again ({@link OpenConnections#otherNodeHeardAgain}); whether it was.
     */
    private boolean heardAgain(String other) {
        if (!anySilentNode) {
            return false;
        }
        synchronized (silentNodes) {
            if (!silentNodes.remove(other)) {
                return false;
            }
            anySilentNode = !silentNodes.isEmpty();
            LOG.info("Node {}, silent before, is heard again", other);
            try {
                connections.otherNodeHeardAgain();
            } catch (Throwable failure) {
                LOG.error("Telling the connections that node {} is heard again failed: {}", other,
                        RedisBusUnavailable.describe(failure));
            }
            return true;
        }
    }

    /**
     * Receiver thread: {@code other}, not told of as silent, owes catch-ups: some of its publications failed since it
     * was last heard, {@code nanosSinceHeard} ago (its link to Redis dropped for less than a silence's 5 s, or its
     * outbox was full). The messages it stored meanwhile reach no node as events, and a thread here that goes on after
     * one would wait a gap's 10 s for it: the connections are told of a silence that ends at once
     * ({@link OpenConnections#otherNodeSilent}, then {@link OpenConnections#otherNodeHeardAgain}), so that the
     * conversation order checks what was stored since.
     */
    private void couldNotPublish(String other, long nanosSinceHeard) {
        synchronized (silentNodes) {
            LOG.debug("Node {} could not publish some frames since it was last heard {} ms ago: what was stored since "
                    + "is checked", other, TimeUnit.NANOSECONDS.toMillis(nanosSinceHeard));
            try {
                connections.otherNodeSilent(Duration.ofNanos(nanosSinceHeard));
                connections.otherNodeHeardAgain();
            } catch (Throwable failure) {
                LOG.error("Telling the connections that node {} could not publish failed: {}", other,
                        RedisBusUnavailable.describe(failure));
            }
        }
    }

    /**
     * While this node has not heard itself for {@value #DEAF_AFTER_SECONDS} s and Lettuce holds both its connections
     * for open, one of them may have died without a word (the other end gone: a failover to another address, a NAT or
     * firewall that forgot the connection, a host that lost power). TCP tells only when its keep-alive or
     * retransmissions give up, minutes to hours later, and Lettuce reconnects only then: until it does, this node
     * would stay off the bus. So it tries new connections ({@link #replaceConnections}, on a thread of its own), at
     * once, then {@value #DEAF_AFTER_SECONDS} s later, the pause doubling up to 40 s, until it hears itself. Not while
     * Lettuce already reconnects (a connection it knows dropped), nor while the receiver thread is stuck (deaf for its
     * own reasons: new connections would not help).
     */
    private void replaceConnectionsWhileDeaf(long now) {
        if (now - deafnessCountedFrom() < DEAF_AFTER_NANOS) {
            if (now - heardOwnNanos < DEAF_AFTER_NANOS) {
                warnedOfReplacements = false;
                nextReplacementNanos = now;
                replacementPauseNanos = DEAF_AFTER_NANOS;
            }
            return;
        }
        if (!running || now - nextReplacementNanos < 0 || !receiverKeepsUp(now)
                || !subscriber.isOpen() || !publisher.isOpen() || !replacing.compareAndSet(false, true)) {
            return;
        }
        nextReplacementNanos = now + replacementPauseNanos;
        replacementPauseNanos = Math.min(2 * replacementPauseNanos, LONGEST_REPLACEMENT_PAUSE_NANOS);
        if (!warnedOfReplacements) {
            warnedOfReplacements = true;
            LOG.warn("This node has not heard itself on the bus for {} s while its connections to Redis look open: "
                    + "trying new ones (one may have died silently), {} s apart and then further until it hears itself",
                    DEAF_AFTER_SECONDS, DEAF_AFTER_SECONDS);
        }
        try {
            busThread(this::replaceConnections, "parley-bus-replacer").start();
        } catch (Throwable failure) {
            replacing.set(false);
            LOG.error("Could not start replacing the connections to Redis: {}", RedisBusUnavailable.describe(failure));
        }
    }

    /**
     * Connects and subscribes anew, and publishes a probe on {@link #probeChannel} with the new publisher: only once
     * the new subscriber has received it (within {@value #PROBE_WAIT_MILLIS} ms), and unless this node heard itself
     * meanwhile, it takes the new connections for its own and closes the old ones. Without the probe, a Redis that
     * answers new connections but holds publications ({@code CLIENT PAUSE … WRITE}, as during a failover) would have
     * the node take connections that carry nothing, say it is up, and go deaf and close everyone again 5 s later.
     * Between the two subscriptions this node may have missed publications (what arrives on the new one before it is
     * this node's subscriber is dropped, and the old one may have carried nothing): a close of every connection is
     * asked for before anything the new subscriber receives is taken, as when a subscriber receives again
     * ({@link #receivingAgain}). What was in flight on the old publisher fails, and its
     * recipients are owed a catch-up. A connection of the replacement that drops before it is taken ({@link
     * #othersDropped}) makes this attempt fail too; the next one comes later ({@link #replaceConnectionsWhileDeaf}).
     * What was answered on the old publisher after the new one was taken is owed as well ({@link #publish}): a later
     * publication sent on the new one may have reached Redis first.
     */
    private void replaceConnections() {
        StatefulRedisPubSubConnection<byte[], byte[]> newSubscriber = null;
        StatefulRedisConnection<byte[], byte[]> newPublisher = null;
        try {
            long droppedBefore;
            synchronized (state) {
                droppedBefore = othersDropped;
            }
            CountDownLatch probeHeard = new CountDownLatch(1);
            newSubscriber = connectSubscriber(probeHeard);
            newSubscriber.sync().subscribe(channel, probeChannel);
            newPublisher = client.connect(ByteArrayCodec.INSTANCE);
            newPublisher.async().publish(probeChannel, PROBE);
            if (!probeHeard.await(PROBE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.debug("New connections to Redis are not taken: what they published did not come back within {} ms",
                        PROBE_WAIT_MILLIS);
                closeQuietly(newSubscriber, newPublisher);
                return;
            }
            Replaced replaced = take(newSubscriber, newPublisher, droppedBefore);
            if (replaced == null) {
                LOG.debug("New connections to Redis were made but are not taken (heard again, closed, or dropped)");
                closeQuietly(newSubscriber, newPublisher);
                return;
            }
            newSubscriber = null;
            newPublisher = null;
            LOG.info("Replaced the connections to Redis: closing this node's connections with 1012 so that they "
                    + "catch up");
            closeEveryConnection();
            rejoined(replaced.back());
            closeQuietly(replaced.subscriber(), replaced.publisher());
        } catch (Throwable failure) {
            LOG.debug("Replacing the connections to Redis failed: {}", RedisBusUnavailable.describe(failure));
            closeQuietly(newSubscriber, newPublisher);
        } finally {
            replacing.set(false);
        }
    }

    /** The connections a replacement took the place of, and its rejoin's transition (0: none). */
    private record Replaced(StatefulRedisPubSubConnection<byte[], byte[]> subscriber,
                            StatefulRedisConnection<byte[], byte[]> publisher, long back) {
    }

    /**
     * Takes {@code newSubscriber} and {@code newPublisher} for this node's own, asking for a close of every connection
     * first, unless this node heard itself meanwhile, is closing, or a connection of its client that was neither of
     * its own dropped since {@code droppedBefore} was read (perhaps one of these: Lettuce told it before they were
     * this node's, and reconnects it). Returns what they replaced, or null when they are not taken.
     */
    private Replaced take(StatefulRedisPubSubConnection<byte[], byte[]> newSubscriber,
                          StatefulRedisConnection<byte[], byte[]> newPublisher, long droppedBefore) {
        synchronized (state) {
            if (!running || System.nanoTime() - lastHeardSelfNanos < DEAF_AFTER_NANOS
                    || othersDropped != droppedBefore) {
                return null;
            }
            closesAsked.incrementAndGet();
            StatefulRedisPubSubConnection<byte[], byte[]> oldSubscriber = subscriber;
            StatefulRedisConnection<byte[], byte[]> oldPublisher = publisher;
            subscriber = newSubscriber;
            publisherUnanswered = new Unanswered();
            publisher = newPublisher;
            subscribedBefore = true;
            subscriberReady = true;
            publisherReady = true;
            long now = System.nanoTime();
            lastHeardSelfNanos = now; // the probe came back: heard, whether or not this is a rejoin
            heardOwnNanos = now;
            return new Replaced(oldSubscriber, oldPublisher, cameBack());
        }
    }

    /** Closes {@code connections} (nulls skipped) without waiting; a failure is logged at debug. */
    private static void closeQuietly(StatefulConnection<?, ?>... connections) {
        for (StatefulConnection<?, ?> connection : connections) {
            if (connection == null) {
                continue;
            }
            try {
                connection.closeAsync();
            } catch (RuntimeException e) {
                LOG.debug("Closing a connection to Redis failed: {}", RedisBusUnavailable.describe(e));
            }
        }
    }

    // ---- receiving ----

    /**
     * On Lettuce's thread: this node's own publication, back from Redis, proves that the bus carries what this node
     * publishes, and is dropped here (no thread is woken for it); the others' go to the receiver thread. It counts as
     * heard only while the receiver thread keeps up: a receiver stuck (in a local delivery) with publications waiting
     * makes this node deaf as surely as Redis going quiet, and the node then goes down as it would then, closing its
     * connections to catch up.
     */
    private void onPublication(byte[] message) {
        if (BusCodec.publishedBy(message, node)) {
            long now = System.nanoTime();
            if (receiverKeepsUp(now)) {
                heardItself(now);
            }
            return;
        }
        if (!inbox.offer(message)) {
            LOG.warn("The bus's inbox is full (this node cannot keep up): closing every connection here to catch up");
            closesAsked.incrementAndGet();
            inbox.clear();
            closeEveryConnection();
        }
    }

    /**
     * Whether the receiver thread keeps up: no publication waits for it, or it is waiting (for one, and about to wake
     * for what just arrived; or for a close of every connection, which this node asked for itself), or it handed one
     * over less than {@link #RECEIVER_STALL_NANOS} ago.
     */
    private boolean receiverKeepsUp(long now) {
        return inbox.isEmpty() || receiverWaiting || now - receiverProgressNanos < RECEIVER_STALL_NANOS;
    }

    /** Takes what has arrived, up to {@link #MAX_PUBLICATIONS_PER_ROUND} publications, and hands it over as one batch. */
    private void receiveLoop() {
        List<byte[]> round = new ArrayList<>();
        while (running) {
            LocalBatch here = new LocalBatch();
            try {
                receiverWaiting = true;
                try {
                    round.add(inbox.take());
                } finally {
                    receiverWaiting = false;
                }
                inbox.drainTo(round, MAX_PUBLICATIONS_PER_ROUND - 1);
                long closesAskedWhenTaken = closesAsked.get();
                receiverProgressNanos = System.nanoTime();
                for (byte[] message : round) {
                    try {
                        receive(message, here, closesAskedWhenTaken);
                    } catch (Throwable failure) {
                        LOG.error("A publication could not be handled: {}", RedisBusUnavailable.describe(failure));
                    }
                    receiverProgressNanos = System.nanoTime();
                }
            } catch (InterruptedException interrupted) {
                if (!running) {
                    return;
                }
                noteStrayInterrupt();
            } finally {
                round.clear();
                here.close();
            }
        }
    }

    /**
     * The receiver thread was interrupted while the bus runs: not by {@link #close} (which stops it), but by code it
     * ran (a local delivery that caught an interrupt and set it again, say). It goes on, and says so once: ended, the
     * node would never hand over another node's frame again.
     */
    private void noteStrayInterrupt() {
        if (!strayInterruptNoted) {
            strayInterruptNoted = true;
            LOG.warn("The bus's receiver thread was interrupted by something other than the bus's close: going on");
        }
    }

    /**
     * Hands the events of {@code message} to {@code here}; anything else it carries (a catch-up, a user's change, an
     * item this node cannot read) is acted on in its place, after the events before it are handed over and before
     * those after it: an event that came after an unreadable one must not reach a recipient before the 1012 that has
     * it catch up on the unreadable one (it would catch up from that later event's id).
     */
    private void receive(byte[] message, LocalBatch here, long closesAskedWhenTaken) {
        BusCodec.Batch batch; // not EventDelivery.Batch, which this class inherits
        try {
            batch = BusCodec.decode(message);
        } catch (IllegalArgumentException unreadable) {
            LOG.warn("A publication on the bus could not be read ({}): closing every connection here to catch up",
                    unreadable.getMessage());
            connections.closeAllToCatchUp();
            return;
        }
        long now = System.nanoTime();
        if (batch.node().equals(node)) {
            // Not reached while onPublication recognises every publication of this node; kept so that one it did not
            // would never be delivered here a second time.
            heardItself(now);
            return;
        }
        Long heardBefore = batch.leaving() ? otherNodesHeard.remove(batch.node())
                : otherNodesHeard.put(batch.node(), now);
        boolean wasSilent = heardAgain(batch.node());
        if (!firstTimeFrom(batch.node(), batch.sequence(), now)) {
            return;
        }
        received.incrementAndGet();
        boolean deliver = mayDeliverReceived(here, closesAskedWhenTaken);
        List<Item> items = batch.items();
        List<Unreadable> unreadable = batch.unreadable();
        int nextUnreadable = 0;
        boolean owesCatchUp = false;
        for (int position = 0; position < items.size(); position++) {
            while (nextUnreadable < unreadable.size()
                    && unreadable.get(nextUnreadable).readableBefore() <= position) {
                closeRecipients(batch.node(), unreadable.get(nextUnreadable++), here);
            }
            Item item = items.get(position);
            try {
                if (item instanceof Event event) {
                    if (deliver) {
                        here.deliver(event.event());
                    }
                    continue;
                }
                if (item instanceof Repeated repeated) {
                    if (deliver) {
                        local.sendRepeated(repeated.repeated()); // after the events before it were put in order
                    }
                    continue;
                }
                here.close();
                handle(item);
                owesCatchUp |= item instanceof CatchUp;
            } catch (Throwable failure) {
                LOG.error("An item from node {} could not be handled: {}", batch.node(),
                        RedisBusUnavailable.describe(failure));
            }
        }
        while (nextUnreadable < unreadable.size()) {
            closeRecipients(batch.node(), unreadable.get(nextUnreadable++), here);
        }
        if (owesCatchUp && !wasSilent && heardBefore != null) {
            couldNotPublish(batch.node(), now - heardBefore);
        }
    }

    /** Hands over what {@code here} holds, then closes the recipients of {@code sender}'s item that is unreadable. */
    private void closeRecipients(String sender, Unreadable unreadable, LocalBatch here) {
        here.close();
        LOG.warn("An item from node {} could not be read ({}): closing its recipients here to catch up", sender,
                unreadable.reason());
        try {
            if (unreadable.recipients().isEmpty()) {
                connections.closeAllToCatchUp();
            } else {
                connections.closeToCatchUp(unreadable.recipients());
            }
        } catch (Throwable failure) {
            LOG.error("The recipients of an item from node {} could not be closed: {}", sender,
                    RedisBusUnavailable.describe(failure));
        }
    }

    /**
     * Whether the events of a publication received may go to this node's connections, once every close of them that
     * was asked for has run: the receiver hands over what it holds and waits for those closes (counted as waiting, not
     * as stuck: {@link #receiverKeepsUp}). A close is asked for whenever this node may have missed publications (it
     * lost the bus, stopped hearing itself, its inbox overflowed) and again when it receives again: a connection given
     * an event from after such a gap before its 1012 would catch up from that event's id and never get the ones it
     * missed. The events are dropped when a close asked for after the publication was taken has run: it closed every
     * connection open then, whose clients catch up (an event handed over after it would set the conversation's order
     * back).
     *
     * @param closesAskedWhenTaken {@link #closesAsked} read after the publication was taken from the inbox
     */
    private boolean mayDeliverReceived(LocalBatch here, long closesAskedWhenTaken) {
        if (closesDone < closesAsked.get()) {
            here.close();
            awaitTheClosesAsked();
        }
        return running && closesDone <= closesAskedWhenTaken;
    }

    /** Waits until every close asked for has run (or the bus closes); warns once when that takes over 5 s. */
    private void awaitTheClosesAsked() {
        long since = System.nanoTime();
        boolean warned = false;
        while (running && closesDone < closesAsked.get()) {
            if (!warned && System.nanoTime() - since > DEAF_AFTER_NANOS) {
                LOG.warn("This node's receiver has waited {} s for its connections to be closed: nothing the other "
                        + "nodes publish reaches them until then", DEAF_AFTER_SECONDS);
                warned = true;
            }
            receiverWaiting = true;
            try {
                LockSupport.parkNanos(this, CLOSE_WAIT_NANOS);
            } finally {
                receiverWaiting = false;
            }
            if (Thread.interrupted() && running) {
                noteStrayInterrupt(); // else parkNanos would return at once, again and again
            }
        }
    }

    /** Acts on a user's change or a catch-up another node published. */
    private void handle(Item item) {
        if (item instanceof UserChanged changed) {
            localChanges.changed(changed.user());
        } else if (item instanceof CatchUp catchUp) {
            logCatchUp(catchUp);
            if (catchUp.all()) {
                connections.closeAllToCatchUp(catchUp.openedBefore());
            } else {
                connections.closeToCatchUp(catchUp.users(), catchUp.openedBefore());
            }
        }
    }

    /**
     * Receiver thread: one line at {@code INFO} for the first catch-up notice in {@value #CATCH_UP_LOG_SECONDS} s, the
     * others at {@code DEBUG} and counted in the next {@code INFO} line (an outage of Redis under traffic makes every
     * node publish one notice per publication it could not make: a review counted 20-40 in a second).
     */
    private void logCatchUp(CatchUp catchUp) {
        String whom = catchUp.all() ? "everyone" : catchUp.users().size() + " user(s)";
        long now = System.nanoTime();
        if (now - catchUpLoggedNanos < TimeUnit.SECONDS.toNanos(CATCH_UP_LOG_SECONDS)) {
            catchUpsNotLogged++;
            LOG.debug("Another node could not publish some frames: closing here the connections of {} opened before {}",
                    whom, catchUp.openedBefore());
            return;
        }
        LOG.info("Another node could not publish some frames: closing here, so that they catch up, the connections "
                + "of {} opened before {}{}", whom, catchUp.openedBefore(), catchUpsNotLogged == 0 ? ""
                : " (and " + catchUpsNotLogged + " such notice(s) since the last of these lines, logged at DEBUG)");
        catchUpLoggedNanos = now;
        catchUpsNotLogged = 0;
    }

    /** Whether this is the first time this batch of {@code sender} arrives here (a duplicate is dropped). */
    private boolean firstTimeFrom(String sender, long sequence, long now) {
        long[] last = lastSequenceByNode.get(sender);
        if (last == null) {
            if (lastSequenceByNode.size() > 1_000) {
                lastSequenceByNode.values().removeIf(seen -> now - seen[1] > FORGET_NODE_NANOS);
            }
            lastSequenceByNode.put(sender, new long[] {sequence, now});
            return true;
        }
        last[1] = now;
        if (sequence <= last[0]) {
            LOG.debug("Dropped publication {} of node {}: already received", sequence, sender);
            return false;
        }
        last[0] = sequence;
        return true;
    }

    // ---- connection state ----

    private void onSubscribed() {
        long back;
        boolean receivingAgain;
        synchronized (state) {
            receivingAgain = receivingAgain();
            lastHeardSelfNanos = System.nanoTime();
            back = cameBack();
        }
        closeForReceivingAgain(receivingAgain);
        rejoined(back);
    }

    /** A publication of this node's own came back at {@code now}: it hears itself. */
    private void heardItself(long now) {
        lastHeardSelfNanos = now;
        heardOwnNanos = now;
        heardAgain();
    }

    private void heardAgain() {
        long back = 0;
        boolean receivingAgain = false;
        synchronized (state) {
            if (!subscriberReady && subscriber != null && subscriber.isOpen()) {
                receivingAgain = receivingAgain();
                back = cameBack();
            }
        }
        closeForReceivingAgain(receivingAgain);
        rejoined(back);
    }

    /**
     * Under {@link #state}: marks the subscriber ready. When it was not (resubscribed, or hearing itself again), this
     * node may have missed publications meanwhile: asks for a close of every connection, before anything received
     * from now on is taken (the receiver waits for it), and returns true; the caller then has it run, out of the lock.
     */
    private boolean receivingAgain() {
        boolean again = subscribedBefore && !subscriberReady;
        subscribedBefore = true;
        subscriberReady = true;
        if (again) {
            closesAsked.incrementAndGet();
        }
        return again;
    }

    /** Out of {@link #state}: after {@link #receivingAgain} returned true, closes every connection here. */
    private void closeForReceivingAgain(boolean receivingAgain) {
        if (receivingAgain) {
            LOG.info("Receiving the bus again: closing the connections opened meanwhile with 1012 so that they "
                    + "catch up");
            closeEveryConnection();
        }
    }

    /**
     * Under {@link #state}: marks this node off the bus. When it was on it, returns the transition's number (above 0),
     * and the caller must then, out of the lock, {@link #closeForTheLostBus} with it: closing thousands of connections
     * takes a while, and threads publishing meanwhile must not wait for it (they read {@link #state}). Else 0.
     */
    private long wentDown() {
        if (!up) {
            return 0;
        }
        up = false;
        otherNodesHeard.clear(); // silent for this node's own outage, not theirs
        closesAsked.incrementAndGet();
        return ++transitions;
    }

    /**
     * Under {@link #state}: marks this node on the bus again once both its connections are ready. When it was off it,
     * returns the transition's number (above 0), for {@link #rejoined} out of the lock. Else 0. It asks for no close:
     * the connections of a node that missed publications are closed when it receives again ({@link
     * #receivingAgain}), and a node whose publisher alone was away missed nothing (what it could not publish is owed).
     */
    private long cameBack() {
        if (up || !subscriberReady || !publisherReady) {
            return 0;
        }
        up = true;
        lastHeardSelfNanos = System.nanoTime();
        return ++transitions;
    }

    /** Out of {@link #state}: for a loss of the bus (transition {@code lost}; 0: none), closes every connection. */
    private void closeForTheLostBus(long lost, String why) {
        if (lost == 0) {
            return;
        }
        LOG.warn("Lost the bus ({}): closing this node's connections with 1012 so that they catch up; serving them "
                + "on this node alone until Redis is back", why);
        tellOffTheBus(true, lost);
        closeEveryConnection();
    }

    /** Out of {@link #state}: for a rejoin (transition {@code back}; 0: none), says so. */
    private void rejoined(long back) {
        if (back != 0) {
            LOG.info("Rejoined the bus at {}", settings.shown());
            tellOffTheBus(false, back);
        }
    }

    /**
     * Tells the connections' order whether this node can see the other nodes' messages ({@link
     * OpenConnections#offTheBus}), for transition {@code transition}: a later transition told first (the threads that
     * saw a loss and the rejoin after it run out of {@link #state}) is not undone by an earlier one.
     */
    private void tellOffTheBus(boolean off, long transition) {
        synchronized (offTheBusTold) {
            if (transition <= offTheBusToldFor) {
                return;
            }
            offTheBusToldFor = transition;
            try {
                connections.offTheBus(off);
            } catch (Throwable failure) {
                LOG.error("Telling the connections this node is {} the bus failed: {}", off ? "off" : "on",
                        RedisBusUnavailable.describe(failure));
            }
        }
    }

    /**
     * Has the {@link #closer} close every connection here to catch up, once {@link #closesAsked} counts this close
     * (the caller asked for it). The closer's closes run one after the other, in the order asked; one covers every
     * close asked for before it began, and those are then skipped (a close that ran later would close connections
     * opened since, which missed nothing). Returns at once.
     */
    private void closeEveryConnection() {
        try {
            closer.execute(() -> {
                long asked = closesAsked.get();
                if (asked <= closesDone) {
                    return;
                }
                try {
                    connections.closeAllToCatchUp();
                } catch (Throwable failure) {
                    LOG.error("Closing this node's connections to catch up failed: {}",
                            RedisBusUnavailable.describe(failure));
                } finally {
                    closesDone = asked;
                    LockSupport.unpark(receiving);
                }
            });
        } catch (RejectedExecutionException closed) {
            LOG.debug("The bus is closed: this node's connections are not closed to catch up");
        }
    }

    private final class ConnectionEvents implements RedisConnectionStateListener {

        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            long back = 0;
            synchronized (state) {
                if (connection == publisher) {
                    publisherUnanswered = new Unanswered(); // Lettuce's stack was emptied with the old channel
                    publisherReady = true;
                    lastHeardSelfNanos = System.nanoTime();
                    back = cameBack();
                }
            }
            rejoined(back);
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (!running) {
                return;
            }
            long lost;
            synchronized (state) {
                if (connection == publisher) {
                    publisherReady = false;
                } else if (connection == subscriber) {
                    subscriberReady = false;
                } else {
                    othersDropped++;
                    return;
                }
                lost = wentDown();
            }
            closeForTheLostBus(lost, "the connection to Redis was lost");
        }
    }

    /**
     * A batch of the local delivery, opened at its first event and closed (its frames handed over) by {@link #close},
     * after which the next event opens another. Used by one thread at a time; never throws: an event that cannot be
     * delivered is logged, and the next goes on.
     */
    private final class LocalBatch {

        private EventDelivery.Batch open;
        private int events;

        void deliver(OutboundEvent event) {
            try {
                if (open == null) {
                    open = local.openBatch();
                }
                open.deliver(event);
            } catch (Throwable failure) {
                LOG.error("An event could not be delivered on this node: {}", RedisBusUnavailable.describe(failure));
            }
            if (++events >= MAX_EVENTS_PER_BATCH) {
                close();
            }
        }

        /**
         * Queues what batches staged for publication, then hands the frames over (which may hand over frames another
         * thread's batch delivered meanwhile into the same batch of the local delivery: what it staged since is queued
         * right after).
         */
        void close() {
            EventDelivery.Batch closing = open;
            events = 0;
            if (closing == null) {
                return;
            }
            open = null;
            publishStaged();
            try {
                closing.close();
            } catch (Throwable failure) {
                LOG.error("Frames of this node could not be handed over: {}", RedisBusUnavailable.describe(failure));
            }
            publishStaged();
        }
    }

    /**
     * The publications sent on one connection and not answered yet by Redis, as Lettuce counts them: it keeps each
     * command in its stack until Redis answers it or the connection ends, a command that timed out too, and refuses
     * every command beyond {@link #MAX_PUBLICATIONS_IN_FLIGHT}, logging each refusal as a warning with its stack
     * trace (a hostile review counted 45 a second on a node whose connection to Redis had gone silent). Redis answers
     * in order, so an answer to the n-th publication means that the ones before it left the stack too, answered late
     * or timed out before.
     */
    private static final class Unanswered {
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong answeredUpTo = new AtomicLong();

        /** Counts a publication about to be sent; its number, for {@link #answered}. */
        long sent() {
            return sent.incrementAndGet();
        }

        /** Redis answered publication {@code number} (and so every one before it). */
        void answered(long number) {
            answeredUpTo.accumulateAndGet(number, Math::max);
        }

        long count() {
            return sent.get() - answeredUpTo.get();
        }
    }

    /**
     * What this node owes the others after publications failed: catch-ups for their recipients, and user changes. A
     * catch-up closes the recipients' connections opened before the last failure plus {@link #CLOCK_MARGIN} (clocks
     * of nodes differ a little): a connection opened later caught up with {@code after=} after the lost event was
     * stored, so it missed nothing.
     */
    private static final class Owed {
        private final Set<UserId> users = new HashSet<>();
        private final Set<UserId> changes = new HashSet<>();
        private boolean everyone;
        private Instant latest;

        synchronized void add(List<Item> items) {
            for (Item item : items) {
                if (item instanceof Event event) {
                    for (Delivery delivery : event.event().deliveries()) {
                        owe(delivery.recipient());
                    }
                    later(Instant.now().plus(CLOCK_MARGIN));
                } else if (item instanceof Repeated repeated) {
                    for (Delivery delivery : repeated.repeated().deliveries()) {
                        owe(delivery.recipient());
                    }
                    later(Instant.now().plus(CLOCK_MARGIN));
                } else if (item instanceof UserChanged changed) {
                    changes.add(changed.user());
                } else if (item instanceof CatchUp catchUp) {
                    if (catchUp.all()) {
                        everyone = true;
                        users.clear();
                    } else {
                        catchUp.users().forEach(this::owe);
                    }
                    later(catchUp.openedBefore());
                }
            }
        }

        private void later(Instant instant) {
            latest = latest == null || instant.isAfter(latest) ? instant : latest;
        }

        private void owe(UserId user) {
            if (everyone) {
                return;
            }
            users.add(user);
            if (users.size() > MAX_OWED_USERS) {
                everyone = true;
                users.clear();
            }
        }

        synchronized boolean isEmpty() {
            return !everyone && users.isEmpty() && changes.isEmpty();
        }

        /** Moves what is owed into {@code batch}, first. */
        synchronized void drainInto(List<Item> batch) {
            if (everyone) {
                batch.add(new CatchUp(List.of(), true, latest));
            } else if (!users.isEmpty()) {
                batch.add(new CatchUp(List.copyOf(users), false, latest));
            }
            changes.forEach(user -> batch.add(new UserChanged(user)));
            everyone = false;
            users.clear();
            changes.clear();
            latest = null;
        }
    }
}
