package org.parley.application.cluster;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.OpenConnections;
import org.parley.application.port.out.OutboundEvent;
import org.parley.application.port.out.RepeatedSend;
import org.parley.application.port.out.ThreadPosition;
import org.parley.application.port.out.UserAccounts;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.Audience;
import org.parley.domain.delivery.Delivery;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * Keeps each conversation's frames in id order on this node when its events come from several nodes (contract §18),
 * in front of this node's local delivery: this node's group commit hands its events in commit order, and a bus hands
 * the other nodes' events in the order each published them, but the two can interleave (two people of one
 * conversation, on two nodes, writing at the same moment). It uses the {@link ThreadPosition} each
 * {@link MessageStored} carries (the message stored just before it in its thread, which storage knows because a
 * thread's stores are serialized):
 * <ul>
 *   <li><b>position unknown</b> (an announcement that repeats an older message, or storage that does not say):
 *       moving no order along, delivered at once, unless its thread is followed and has not delivered its message
 *       yet: then right after it ({@link #holdAnnouncement});</li>
 *   <li><b>its predecessor was the last delivered</b> (or the thread's first message): delivered, and then every
 *       event held for it, in chain order;</li>
 *   <li><b>its predecessor was not delivered yet</b>: held until the predecessor comes, for at most
 *       {@link Settings#gapWait()}. Held half a {@linkplain Settings#firstSightWait() first sight's wait}, the
 *       missing messages are read from storage once, and delivered in order as their nodes would have published them
 *       ({@link #fillWaits}; a publication lost, or a node cut off from Redis, then costs a late frame, not a
 *       reconnection). When they cannot be (storage does not answer, or a file message, whose frame is its sender's
 *       announcement), and the predecessor does not come, this node has missed a message (a gap): the recipients of
 *       the held events here are closed to catch up ({@link OpenConnections#closeToCatchUp}, 1012 on a websocket) and
 *       the held events are dropped, so their clients, whose last frame precedes the gap, get everything with
 *       {@code after=}; the thread's later events wait until that close has run (one forwarded before it would reach
 *       a connection about to be closed, and its client would catch up from after the gap);</li>
 *   <li><b>an id at or below the last delivered</b>: a duplicate (or a straggler whose gap was already closed):
 *       dropped;</li>
 *   <li><b>a thread not followed yet</b> (first seen since this node started, or forgotten while idle): delivered at
 *       once when its predecessor is older than what this node delivered {@link Settings#gapWait()} ago (it came
 *       long ago, or would have), or was stored before this node started; otherwise held as above for
 *       {@link Settings#firstSightWait()}. When the
 *       predecessor does not come, it was either stored before this node joined the bus (started or rejoined: the
 *       {@link Storage#highestId()}, read then), and every connection here caught up past it, so the held
 *       events are delivered; or stored since, and it never reached this node (its node was cut off from Redis, or
 *       died before publishing it, or this node is deaf without knowing it yet), so the recipients' connections opened
 *       before the first held event arrived are closed to catch up, and the held events are forwarded once that close
 *       has run (hostile reviews lost 32-37 messages per device when the wait ended by delivering). While this node
 *       is off the bus ({@link OpenConnections#offTheBus}) any predecessor, however old, may be another node's
 *       message this node cannot see, so every such event is held and the end of the wait is a gap (a hostile
 *       review: during an outage, B got its own later message and caught up past A's earlier one, stored through the
 *       other node).</li>
 * </ul>
 * Every other event (a read marker, an edit, a deletion, typing, presence) has no place in a thread's message order:
 * it is passed on at once. A send repeated and answered from storage ({@link #sendRepeated}) is delivered nowhere
 * again; if this node never delivered its message (the node that stored it may have stopped before publishing it),
 * the recipients' connections opened before it was stored are closed to catch up, and the thread's order moves on
 * past it once they are; if it holds the message for its turn, the sender's connections here opened before it arrived
 * are closed (the answer, written outside every order, would overtake it). While another node is silent, what is
 * stored meanwhile is watched ({@link #watchSilentNodes}): a message never delivered here is read from storage and
 * delivered in its thread's order, or, where it cannot be, its recipients' connections that may have missed it are
 * closed to catch up.
 *
 * <p><b>Memory is bounded</b>: a thread is followed by its last delivered id (and what is held for it, at most
 * {@link Settings#maxHeldPerThread()} events: one more is a gap at once); a thread idle for
 * {@link Settings#forgetIdleAfter()} is forgotten, and beyond {@link Settings#maxThreads()} the least recently active
 * ones are too. {@link #connections()} wraps the node's {@link OpenConnections} so that closing every connection (the
 * bus was lost) also forgets every thread: no one is left whose frames an order would protect.
 *
 * <p><b>Batches</b> ({@link #openBatch()}): group commit delivers each committed batch through one, and the bus each
 * round of publications it received, so that a connection gets a batch's frames in one write. Their stored messages
 * are ordered as above, but every stored message this node forwards, from whichever batch or thread, goes in the
 * order it is forwarded into <em>one</em> batch of the local delivery at a time (the joined batch), under one lock; the
 * joined batch is closed, its frames handed over, when any batch that delivered into it is closed. So a conversation's
 * frames leave in the order they were forwarded even when one of its messages came in group commit's batch and the
 * next in the bus's, both open at once: each batch's frames would otherwise be held until its own close, and the later
 * batch could close first. A joined batch left open (the thread of the batch that opened it died) is closed by the
 * ticker within {@link #STALE_BATCH_MILLIS} ms plus one tick.
 *
 * <p><b>Failures stay with their event</b>: {@link #deliver} never throws; a delivery that throws is logged and the
 * next event goes on. Thread-safe: stored messages are forwarded under one lock (the joined batch's) and each
 * thread's order is kept under its own lock, taken after it; the local delivery is called under them (it never
 * blocks). Events outside every order ({@link #deliver} of a read marker, an edit, typing) take neither, unless a
 * joined batch is open: then they go into it, after the frames it holds. The connections a gap owes a catch-up are
 * closed once the node-wide lock is released (a close runs callbacks on the closing thread). A ticker
 * thread ({@link #start}) ends waits, closes a joined batch left open and forgets idle threads.
 */
public final class ConversationOrder implements EventDelivery, AutoCloseable {

    /**
     * @param gapWait          how long an event of a followed thread waits for its predecessor before the gap is
     *                         declared (its recipients closed to catch up)
     * @param forgetIdleAfter  how long a thread with nothing delivered or held is followed
     * @param maxThreads       the most threads followed at once
     * @param maxHeldPerThread the most events held for one thread
     * @param firstSightWait   how long the first events of a thread not followed yet wait for a recent predecessor
     *                         (then delivered, or, when it was stored since this node joined the bus, forwarded
     *                         once the recipients that may have missed it are closed); at most {@code gapWait}
     */
    public record Settings(Duration gapWait, Duration forgetIdleAfter, int maxThreads, int maxHeldPerThread,
                           Duration firstSightWait) {

        public Settings {
            Objects.requireNonNull(gapWait, "gapWait");
            Objects.requireNonNull(forgetIdleAfter, "forgetIdleAfter");
            Objects.requireNonNull(firstSightWait, "firstSightWait");
            if (gapWait.isNegative() || gapWait.isZero()) {
                throw new IllegalArgumentException("gapWait must be positive, got " + gapWait);
            }
            if (firstSightWait.isNegative() || firstSightWait.isZero() || firstSightWait.compareTo(gapWait) > 0) {
                throw new IllegalArgumentException("firstSightWait must be positive and at most gapWait, got "
                        + firstSightWait);
            }
            if (forgetIdleAfter.compareTo(gapWait.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("forgetIdleAfter must be at least twice gapWait, got "
                        + forgetIdleAfter);
            }
            if (maxThreads < 1 || maxHeldPerThread < 1) {
                throw new IllegalArgumentException("maxThreads and maxHeldPerThread must be positive");
            }
        }

        /** The same wait for a gap and for a thread's first sight. */
        public Settings(Duration gapWait, Duration forgetIdleAfter, int maxThreads, int maxHeldPerThread) {
            this(gapWait, forgetIdleAfter, maxThreads, maxHeldPerThread, gapWait);
        }

        /**
         * Ten seconds before a gap is declared, two at a thread's first sight, threads forgotten after ten idle minutes,
         * at most 100,000 threads and 1,000 events each. The gap wait is long because a gap declared wrongly costs
         * every recipient a reconnection: an overloaded node can take seconds to hand over its own events or the
         * bus's (two seconds were exceeded at 1,800 messages/s on a 2-core machine running both nodes, Redis,
         * PostgreSQL and the clients), while a real gap, a message published but never received without the bus
         * connection dropping, is rare (a dropped connection already closes every connection of the node with 1012).
         * The first-sight wait stays short: on a healthy bus every node sees every message, so a thread first seen
         * with a recent predecessor that does not come within it is rare (a node just started or rejoined, or one
         * whose node is cut off), and ending it costs at most the close of connections that may have missed it.
         */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(10), Duration.ofMinutes(10), 100_000, 1_000, Duration.ofSeconds(2));
        }
    }

    /**
     * What the order reads from storage: a {@link MessageRepository}'s and a {@link UserAccounts}' answers
     * ({@link #of}). Any method may throw when storage cannot answer (the caller tries again later, or closes the
     * connections that may have missed what it could not read).
     */
    public interface Storage {

        /** Nothing stored, ever (tests). */
        Storage EMPTY = new Storage() {
            @Override
            public long highestId() {
                return NONE;
            }

            @Override
            public List<Message> findBetween(long afterId, long upToId, int limit) {
                return List.of();
            }

            @Override
            public List<Message> findInThread(ThreadId thread, long afterId, long upToId, int limit) {
                return List.of();
            }

            @Override
            public List<Message> latestInThread(ThreadId thread, long upToId, int limit) {
                return List.of();
            }

            @Override
            public Optional<User> findUser(UserId id) {
                return Optional.empty();
            }
        };

        /** {@link MessageRepository#highestId()}. */
        long highestId();

        /** {@link MessageRepository#findBetween}. */
        List<Message> findBetween(long afterId, long upToId, int limit);

        /**
         * Up to {@code limit} messages of {@code thread} with an id above {@code afterId} and at most {@code upToId},
         * lowest id first ({@link MessageRepository#findInThread}): within a thread ids follow commit order, so once
         * {@code upToId} is stored these are all its thread's messages in that range, each stored right after the one
         * before it.
         */
        List<Message> findInThread(ThreadId thread, long afterId, long upToId, int limit);

        /**
         * Up to {@code limit} messages of {@code thread} with an id at most {@code upToId}, highest id first
         * ({@link MessageRepository#findInThread}): a message and the one stored just before it, for {@code 2}.
         */
        List<Message> latestInThread(ThreadId thread, long upToId, int limit);

        /** {@link UserAccounts#findById}: the user a {@code user_profile} message shares. */
        Optional<User> findUser(UserId id);

        static Storage of(MessageRepository messages, UserAccounts users) {
            Objects.requireNonNull(messages, "messages");
            Objects.requireNonNull(users, "users");
            return new Storage() {
                @Override
                public long highestId() {
                    return messages.highestId();
                }

                @Override
                public List<Message> findBetween(long afterId, long upToId, int limit) {
                    return messages.findBetween(afterId, upToId, limit);
                }

                @Override
                public List<Message> findInThread(ThreadId thread, long afterId, long upToId, int limit) {
                    Optional<MessageId> after = afterId < 1 ? Optional.empty() : Optional.of(new MessageId(afterId));
                    return messages.findInThread(thread, new MessageRange(after, Optional.of(new MessageId(upToId + 1)),
                            MessageRange.Direction.OLDEST_FIRST), limit);
                }

                @Override
                public List<Message> latestInThread(ThreadId thread, long upToId, int limit) {
                    return messages.findInThread(thread, new MessageRange(Optional.empty(),
                            Optional.of(new MessageId(upToId + 1)), MessageRange.Direction.NEWEST_FIRST), limit);
                }

                @Override
                public Optional<User> findUser(UserId id) {
                    return users.findById(id);
                }
            };
        }
    }

    /** How long a joined batch may stay open before the ticker closes it (its opener died without closing it). */
    static final long STALE_BATCH_MILLIS = 1_000;
    /**
     * The watch of silent nodes ({@link #watchSilentNodes}) reads the messages from the highest id delivered here this
     * long before a node fell silent, and checks those stored at least this long ago (a live node's newer ones may
     * still be on their way).
     */
    static final Duration SILENT_NODE_MARGIN = Duration.ofSeconds(2);
    /** The most messages {@link #fillFromStorage} reads from a thread at once. */
    static final int FILL_LIMIT = 1_000;
    /** How many messages the watch of silent nodes reads at a time. */
    static final int SILENT_WATCH_PAGE = 1_000;
    /** How long one tick's watch of silent nodes may read and check before it leaves the rest to the next tick. */
    static final Duration SILENT_WATCH_TICK_BUDGET = Duration.ofMillis(500);
    /** How long the history of the highest id delivered is kept ({@link #deliveredHistory}). */
    private static final long DELIVERED_HISTORY_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** At most one gap in this many seconds is logged as a warning ({@link #logGap}). */
    static final int GAP_LOG_SECONDS = 10;
    private static final System.Logger LOG = System.getLogger(ConversationOrder.class.getName());
    /** The "previous id" of a thread's first message. */
    private static final long NONE = 0;
    /** A followed thread's last delivered id before anything was delivered for it. */
    private static final long NOT_YET = -1;
    /**
     * How long after a repeated send's message was stored a receiver's connection may have been opened and still have
     * caught up without it ({@link #sendRepeated}): the clocks of two nodes differ by up to a second (they keep time
     * with NTP, as the bus assumes), and a message's {@code created_at} is taken before its batch commits, up to a
     * second later on a busy store.
     */
    public static final Duration REPEAT_MARGIN = Duration.ofSeconds(2);

    private final EventDelivery next;
    private final OpenConnections connections;
    private final Settings settings;
    private final LongSupplier nanoTime;
    private final Clock wallClock;
    private final Storage storage;
    private final long gapWaitNanos;
    private final long firstSightWaitNanos;
    /** How long events wait for a predecessor before it is read from storage ({@link #fillWaits}). */
    private final long fillAfterNanos;
    private final Map<ThreadId, Followed> threads = new ConcurrentHashMap<>();
    /** Threads with held events, for the ticker. */
    private final Set<ThreadId> waiting = ConcurrentHashMap.newKeySet();
    private final AtomicLong maxDelivered = new AtomicLong(NONE);
    /** (time, the highest id delivered by then), oldest first: how {@link #settled} is found. */
    private final ArrayDeque<long[]> marks = new ArrayDeque<>();
    /** Ticker: (time, the highest id delivered by then) each tick for the last minute, oldest first. */
    private final ArrayDeque<long[]> deliveredHistory = new ArrayDeque<>();
    /** When each node the bus found silent was last heard ({@code nanoTime}), for the ticker's watch. */
    private final Queue<Long> silentNodesToCheck = new ConcurrentLinkedQueue<>();
    /**
     * How many nodes the bus told of as silent and not yet as heard again ({@link OpenConnections#otherNodeSilent},
     * {@link OpenConnections#otherNodeHeardAgain}): the watch goes on while there is one.
     */
    private final AtomicInteger silentNodes = new AtomicInteger();
    /**
     * Ticker: the watch of silent nodes has checked every message stored up to this id ({@link #NOT_YET}: no watch);
     * each silence moves it back to what was delivered here before that node's last word.
     */
    private long silentWatchedUpTo = NOT_YET;
    /**
     * Ticker: once no node is silent, the highest id stored then ({@link #NOT_YET} while one is): the watch ends when
     * it has checked up to it. A node heard again publishes only catch-up notices for what it stored while silent,
     * and a message it stored just before is too new to have been checked: a review saw a thread held 10 s after a
     * rejoin for one.
     */
    private long silentWatchEndsAt = NOT_YET;
    /** Ticker: how many messages the watch checked, and found never delivered here, since it began. */
    private long silentWatchChecked;
    private long silentWatchFound;
    private long silentWatchFilled;
    /** Ticker: when a line of the watch was last logged at {@code INFO} ({@link #NOT_YET}: never). */
    private long watchLoggedNanos = NOT_YET;
    /** Ticker: whether a failed read of the watch was logged since the last that worked. */
    private boolean silentCheckFailureLogged;
    /**
     * The highest id delivered at least {@code gapWait} ago: a predecessor at or below it came long ago, or would have
     * (a shorter horizon let a node's own traffic move it past another node's message a moment old, which a node cut
     * off from Redis had stored and not published: a hostile review lost 3 messages per run that way).
     */
    private volatile long settled = NONE;
    /**
     * The highest id stored when this node last joined the bus, as {@link Storage#highestId()} answered: at the
     * start, before it joined, and on the ticker soon after each rejoin (up to a tick late: a message stored in between counts as
     * stored before, which only matters if its publication is also 2 s late); {@link #NOT_YET} until it has. A
     * message up to it was stored before every connection here caught up (they opened after the join, or were closed
     * by the rejoin); a later one reaches this node over the bus, so one that never did was missed.
     */
    private volatile long storedBeforeJoining = NOT_YET;
    /**
     * The highest id stored when this node started, read before it joined the bus and before any connection opened
     * ({@link #start}; {@link #NOT_YET} if that read failed): a first sight whose predecessor is at or below it is
     * delivered at once (no connection here needs the predecessor live).
     */
    private volatile long storedBeforeStart = NOT_YET;
    /** Whether {@link #storedBeforeJoining} is to be read (again) by the ticker. */
    private volatile boolean joiningToRead = true;
    /** Whether a failed read of {@link #storedBeforeJoining} was logged since the last that worked. */
    private boolean joiningReadFailureLogged;
    /** Told by the bus: this node cannot see the other nodes' messages now ({@link OpenConnections#offTheBus}). */
    private volatile boolean offTheBus;
    /** When this node was last told it is off the bus ({@link System#nanoTime()}), for {@link #caughtUpBeforeLoss}. */
    private volatile long busLostAtNanos;
    /** Whether the ticker is to read {@link #caughtUpBeforeLoss} and watch what is stored while off the bus. */
    private final AtomicBoolean busLossToWatch = new AtomicBoolean();
    /**
     * Off the bus: the highest id delivered here {@link #SILENT_NODE_MARGIN} before the bus was lost ({@link #NOT_YET}
     * until the ticker has read it, and on the bus). The loss's close had every connection here catch up after that,
     * so a first sight whose predecessor is at or below it is delivered at once, as it is on the bus below
     * {@link #settled}; a later one may be another node's message this node never got, and waits.
     */
    private volatile long caughtUpBeforeLoss = NOT_YET;
    /** The next close of every connection is the loss's, which keeps each thread's order (told with offTheBus). */
    private final AtomicBoolean lossCloseDue = new AtomicBoolean();
    private final ScheduledExecutorService ticker;
    /** Held while a stored message is forwarded, and while the joined batch is opened or closed. */
    private final ReentrantLock forwarding = new ReentrantLock();
    /** The local delivery's batch every stored message goes into while one is open; guarded by {@link #forwarding}. */
    private Batch joined;
    /** Whether {@link #joined} is open: read without the lock by {@link #deliver}; written under it. */
    private volatile boolean joinedOpen;
    /** When {@link #joined} was opened; guarded by {@link #forwarding}. */
    private long joinedOpenedNanos;
    /**
     * Catch-ups that gaps and repeated sends found under {@link #forwarding} owe, closed once it is released
     * ({@link #unlockForwarding}); guarded by it.
     */
    private final List<CatchUpDue> closingsDue = new ArrayList<>();
    /** Whether a gap was logged as a warning yet, when, and how many were not since; guarded by {@link #forwarding}. */
    private boolean gapLogged;
    private long gapLoggedNanos;
    private int gapsNotLogged;

    /**
     * Without a ticker: the caller calls {@link #tick()} (tests, with their own clocks); nothing was stored before this
     * node joined.
     */
    ConversationOrder(EventDelivery next, OpenConnections connections, Settings settings, LongSupplier nanoTime) {
        this(next, connections, settings, nanoTime, Clock.systemUTC(), Storage.EMPTY, null);
    }

    /** Without a ticker, with the test's clocks and storage. */
    ConversationOrder(EventDelivery next, OpenConnections connections, Settings settings, LongSupplier nanoTime,
                      Clock wallClock, Storage storage) {
        this(next, connections, settings, nanoTime, wallClock, storage, null);
    }

    private ConversationOrder(EventDelivery next, OpenConnections connections, Settings settings, LongSupplier nanoTime,
                              Clock wallClock, Storage storage, ScheduledExecutorService ticker) {
        this.next = Objects.requireNonNull(next, "next");
        this.connections = Objects.requireNonNull(connections, "connections");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.gapWaitNanos = settings.gapWait().toNanos();
        this.firstSightWaitNanos = settings.firstSightWait().toNanos();
        this.fillAfterNanos = firstSightWaitNanos / 2;
        this.ticker = ticker;
    }

    /**
     * An order in front of {@code next} (this node's local delivery), with its ticker thread running (a daemon,
     * stopped by {@link #close()}).
     *
     * @param connections this node's connections, closed to catch up when a gap is found
     * @param storage     the messages stored: their highest id is asked here, before this node joins the bus, and on
     *                    the ticker thread each time it rejoins; those another node may have left unpublished are read
     *                    on the ticker when that node falls silent ({@link OpenConnections#otherNodeSilent}). A read
     *                    that throws is tried again a tick later.
     */
    public static ConversationOrder start(EventDelivery next, OpenConnections connections, Settings settings,
                                          Storage storage) {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "parley-conversation-order");
            thread.setDaemon(true);
            return thread;
        });
        ConversationOrder order = new ConversationOrder(next, connections, settings, System::nanoTime,
                Clock.systemUTC(), storage, ticker);
        order.readStoredBeforeJoining(); // before the bus is joined and any connection opened; else on the ticker
        order.storedBeforeStart = order.storedBeforeJoining;
        long period = Math.max(10, settings.firstSightWait().toMillis() / 4);
        ticker.scheduleWithFixedDelay(order::tickQuietly, period, period, TimeUnit.MILLISECONDS);
        return order;
    }

    /** Delivers, holds or drops {@code event} by its thread's order (see the class comment); never throws. */
    @Override
    public void deliver(OutboundEvent event) {
        if (event == null) {
            return;
        }
        try {
            if (event instanceof MessageStored stored) {
                forwarding.lock();
                try {
                    order(stored);
                } finally {
                    unlockForwarding();
                }
            } else if (joinedOpen) {
                passOnAfterJoined(event);
            } else {
                passOn(event, next);
            }
        } catch (Throwable failure) {
            LOG.log(Level.ERROR, "An event could not be put in order: " + LocalUserChanges.describe(failure));
        }
    }

    /**
     * An event outside every order delivered alone while a joined batch may be open: into it, after the frames it
     * holds (an edit or a deletion must not reach a connection before the message it changes, held there); alone if
     * it was closed meanwhile.
     */
    private void passOnAfterJoined(OutboundEvent event) {
        forwarding.lock();
        try {
            Batch into = joined;
            passOn(event, into != null ? into::deliver : next);
        } finally {
            unlockForwarding();
        }
    }

    /**
     * A batch whose events are ordered as {@link #deliver} orders them and go, with every other stored message this
     * node forwards meanwhile, into the joined batch of the local delivery, handed over when this batch (or another
     * that delivered into it) is closed (see the class comment). Events outside every order go into it too, so they
     * keep their place among this batch's. Used by one thread at a time; never throws.
     */
    @Override
    public Batch openBatch() {
        return new JoiningBatch();
    }

    /**
     * A send was repeated and answered from storage: when this node has neither delivered its message nor holds it
     * (the thread is not followed, or its last delivered message is older), the frame may never have come here (the
     * node that stored it stopped before publishing it), so the recipients' connections that may have been open then
     * are closed to catch up: the receiver's opened before the message was stored plus {@link #REPEAT_MARGIN}, the
     * sender's other devices' opened before it was stored. Not the margin for the sender: the connection that resends
     * was opened after its node stopped, within the margin as a rule, and closing it would lose the answer and have it
     * resend again (a sender's device opened within a second of its own message, on a clock that far behind, is the
     * price). A connection opened later caught up past the message. A thread forgotten while idle closes them too,
     * needlessly: a client resends only what was not confirmed, which is rare. The thread's order then moves on past
     * the message ({@link #moveOnPast}): the messages stored after it are forwarded once the close has run, not held
     * for it. When this node holds the message, waiting for its predecessor, its sender's connections here opened
     * before it arrived are closed to catch up, before the answer is written (to a connection closed by then):
     * written, it would overtake the held message and what it waits for. One opened since caught up past both (stored
     * before it arrived), and gets the answer. Never throws.
     */
    @Override
    public void sendRepeated(RepeatedSend repeated) {
        if (repeated == null) {
            return;
        }
        try {
            forwarding.lock();
            try {
                Optional<Instant> heldSince = heldSince(repeated);
                if (heldSince.isPresent()) {
                    // Its answer, written to the resending connection outside every order, would overtake the held
                    // message and whatever it waits for: a client counting its own confirmations as seen would then
                    // catch up from above a message this node never got (a hostile review lost 5 that way, on a node
                    // cut off from Redis). The sender's connections here opened before the message arrived are
                    // closed first, so the answer reaches none of them; they catch up, and resend. One opened since
                    // caught up past the message and what it waits for, both stored before it arrived: closing it too
                    // made a client that reconnected and resent at once loop, closed every 300-400 ms until the
                    // message went on (a hostile review).
                    Set<UserId> senders = new LinkedHashSet<>();
                    for (Delivery delivery : repeated.deliveries()) {
                        if (delivery.audience() == Audience.SENDER) {
                            senders.add(delivery.recipient());
                        }
                    }
                    LOG.log(Level.DEBUG, "Message {0} of thread {1}, sent again, is held here for its turn: the "
                            + "sender's connections are closed so that they catch up", repeated.message().value(),
                            repeated.thread());
                    closingsDue.add(new CatchUpDue(senders, heldSince.get(), null));
                    withoutSendersFrames(repeated);
                } else {
                    closeIfNeverDelivered(repeated, "sent again");
                }
            } finally {
                unlockForwarding();
            }
        } catch (Throwable failure) {
            LOG.log(Level.ERROR, "A repeated send could not be checked: " + LocalUserChanges.describe(failure));
        }
    }

    /**
     * Under {@link #forwarding}: when {@code repeated}'s message was neither delivered here nor is held here, closes
     * its recipients' connections that may have missed it (see {@link #sendRepeated}) and moves its thread's order on
     * past it; whether it did. {@code why} says in the log how it was found.
     */
    private boolean closeIfNeverDelivered(RepeatedSend repeated, String why) {
        if (deliveredOrHeld(repeated)) {
            return false;
        }
        Set<UserId> receivers = new LinkedHashSet<>();
        Set<UserId> senders = new LinkedHashSet<>();
        for (Delivery delivery : repeated.deliveries()) {
            (delivery.audience() == Audience.SENDER ? senders : receivers).add(delivery.recipient());
        }
        senders.removeAll(receivers);
        LOG.log(Level.DEBUG, "Message {0} of thread {1}, {2}, was never delivered here: the connections of {3} "
                        + "recipient(s) are closed so that they catch up", repeated.message().value(), repeated.thread(),
                why, receivers.size() + senders.size());
        ThreadId thread = repeated.thread();
        CatchUpDue receiversClose = new CatchUpDue(receivers, repeated.storedAt().plus(REPEAT_MARGIN), thread);
        CatchUpDue sendersClose = new CatchUpDue(senders, repeated.storedAt(), thread);
        closingsDue.add(receiversClose);
        closingsDue.add(sendersClose);
        moveOnPast(thread, repeated.message().value(), sendersClose);
        return true;
    }

    /**
     * Under {@link #forwarding}: a repeated send showed that message {@code id} of {@code thread} was stored and never
     * delivered here, and its recipients' close ({@code close}, the last of the two) is due. The thread's order moves
     * on past it, so that the messages stored after it are not held for it (a hostile review: the sender's next
     * messages, on the node it reconnected to after the one that stored {@code id} was killed, waited the full gap
     * wait with no {@code conf_message}, and then sender and receiver were closed once more); what the thread holds
     * at or below it is dropped (its recipients are among those closed); what follows it is forwarded once the close
     * has run. A thread not followed yet, and holding nothing after {@code id}, is not taken to end at it (it may have
     * moved on long since): its first message after {@code id} is forwarded at once, without a first sight's wait.
     */
    private void moveOnPast(ThreadId thread, long id, CatchUpDue close) {
        long now = nanoTime.getAsLong();
        while (true) {
            Followed followed = threads.computeIfAbsent(thread, key -> new Followed(now));
            synchronized (followed) {
                if (followed.forgotten) {
                    continue;
                }
                followed.touchedNanos = now;
                boolean heldAfterIt = followed.held.containsKey(id);
                if (followed.last == NOT_YET && !heldAfterIt) {
                    followed.repeatedUnseen = id;
                    followed.closing = close;
                    return;
                }
                if (id <= followed.last) {
                    return; // older than the first this node saw of the thread: nothing here waits for it
                }
                if (followed.last == NOT_YET) {
                    followed.first = id;
                }
                followed.last = id;
                followed.held.values().removeIf(held -> held.id <= id);
                followed.closing = close;
                return;
            }
        }
    }

    /**
     * Under {@link #forwarding}: {@code repeated}'s message, held here, goes on without its sender's frames. Each of
     * the sender's connections here was either opened before it arrived, and is being closed to catch up, or opened
     * since and caught up past it (the one that resent it gets the answer): its confirmation, delivered again when the
     * message goes on, came twice on the resending connection (a hostile review: 2-42 per run).
     */
    private void withoutSendersFrames(RepeatedSend repeated) {
        Followed followed = threads.get(repeated.thread());
        if (followed == null) {
            return;
        }
        long id = repeated.message().value();
        synchronized (followed) {
            for (Map.Entry<Long, Held> entry : followed.held.entrySet()) {
                Held held = entry.getValue();
                if (held.id == id) {
                    MessageStored event = held.event;
                    List<Delivery> receivers = event.deliveries().stream()
                            .filter(delivery -> delivery.audience() != Audience.SENDER).toList();
                    entry.setValue(new Held(held.id, held.previous, new MessageStored(event.message(), receivers,
                            event.clientMessageId(), event.attachedProfile(), event.attachmentLink(),
                            event.position()), held.arrivedNanos, held.arrivedAt));
                    return;
                }
            }
        }
    }

    /**
     * Under {@link #forwarding}: when {@code repeated}'s message is held here, waiting for its predecessor, when it
     * arrived (wall clock).
     */
    private Optional<Instant> heldSince(RepeatedSend repeated) {
        Followed followed = threads.get(repeated.thread());
        if (followed == null) {
            return Optional.empty();
        }
        long id = repeated.message().value();
        synchronized (followed) {
            if (followed.forgotten) {
                return Optional.empty();
            }
            return followed.held.values().stream().filter(held -> held.id == id).map(Held::arrivedAt).findFirst();
        }
    }

    /** Under {@code followed}'s lock: whether it holds message {@code id}, waiting for its predecessor. */
    private static boolean holds(Followed followed, long id) {
        return followed.held.values().stream().anyMatch(held -> held.id == id);
    }

    /**
     * Under {@link #forwarding}: whether {@code repeated}'s message was delivered here (or found missing, its
     * recipients closed), or is held for its turn; not when it is older than the first this node saw of its thread.
     */
    private boolean deliveredOrHeld(RepeatedSend repeated) {
        Followed followed = threads.get(repeated.thread());
        if (followed == null) {
            return false;
        }
        long id = repeated.message().value();
        synchronized (followed) {
            return !followed.forgotten && (followed.last != NOT_YET && id >= followed.first && id <= followed.last
                    || id == followed.repeatedUnseen
                    || holds(followed, id));
        }
    }

    /**
     * This node's connections as the bus should close them: the same, except that closing every connection also
     * forgets every thread's order (everyone reconnects and catches up, so there is nothing left to keep in order, and
     * a thread whose events were lost meanwhile must not wait for them). The events held then are dropped, and their
     * recipients' connections are closed once more: one opened while the close ran was not among those it closed, and
     * would otherwise never get them. Not the loss's close (the first after {@link OpenConnections#offTheBus} was told
     * true): then each thread's last delivered message is what shows that a later one's predecessor is another node's,
     * unseen here, and such a wait ends after {@link Settings#firstSightWait()} as a gap. The rejoin's close, which
     * the bus asks for before it tells that it is on the bus again, forgets as before (a hostile review: kept threads
     * held a cross-node conversation 10 s after the rejoin).
     */
    public OpenConnections connections() {
        return new OpenConnections() {
            @Override
            public void closeToCatchUp(Collection<UserId> users, Instant openedBefore) {
                connections.closeToCatchUp(users, openedBefore);
            }

            @Override
            public void closeAllToCatchUp(Instant openedBefore) {
                connections.closeAllToCatchUp(openedBefore);
                if (lossCloseDue.getAndSet(false)) {
                    return; // the loss's close: each thread's order is what lets this node see a gap meanwhile
                }
                Set<UserId> heldFor = forgetAll();
                if (!heldFor.isEmpty()) {
                    connections.closeToCatchUp(heldFor);
                }
            }

            @Override
            public void closeDeactivated(UserId user) {
                connections.closeDeactivated(user);
            }

            @Override
            public void otherNodeSilent(Duration silentFor) {
                silentNodes.incrementAndGet();
                silentNodesToCheck.add(nanoTime.getAsLong() - silentFor.toNanos());
                connections.otherNodeSilent(silentFor);
            }

            @Override
            public void otherNodeHeardAgain() {
                silentNodes.updateAndGet(count -> Math.max(0, count - 1));
                connections.otherNodeHeardAgain();
            }

            @Override
            public void offTheBus(boolean off) {
                lossCloseDue.set(off);
                if (off) {
                    busLostAtNanos = nanoTime.getAsLong();
                    busLossToWatch.set(true);
                } else {
                    caughtUpBeforeLoss = NOT_YET;
                }
                offTheBus = off;
                if (!off) {
                    joiningToRead = true;
                }
                connections.offTheBus(off);
            }
        };
    }

    /** Stops the ticker and hands over a joined batch still open. Events held then are dropped (the node is stopping). */
    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        forwarding.lock();
        try {
            closeJoined();
        } finally {
            unlockForwarding();
        }
    }

    /** How many threads are followed now (for tests). */
    int followedThreads() {
        return threads.size();
    }

    /**
     * Ends the waits that have lasted {@code gapWait}, moves the "settled" mark along and forgets idle threads. Called
     * by the ticker; tests call it with their own clock.
     */
    void tick() {
        long now = nanoTime.getAsLong();
        readStoredBeforeJoining();
        advanceSettled(now);
        deliveredHistory.addLast(new long[] {now, maxDelivered.get()});
        while (now - deliveredHistory.peekFirst()[0] > DELIVERED_HISTORY_NANOS) {
            deliveredHistory.removeFirst();
        }
        watchSilentNodes(now);
        fillWaits(now);
        forwarding.lock();
        try {
            endWaits(now);
            if (joined != null && now - joinedOpenedNanos >= TimeUnit.MILLISECONDS.toNanos(STALE_BATCH_MILLIS)) {
                LOG.log(Level.WARNING, "A batch of frames was left open for " + STALE_BATCH_MILLIS
                        + " ms or more (the thread delivering it stopped?): its frames are handed over now");
                closeJoined();
            }
        } finally {
            unlockForwarding();
        }
        forgetIdle(now);
    }

    /**
     * Reads {@link #storedBeforeJoining} when this node has joined or rejoined the bus since it was last read; a read
     * that fails (storage away) leaves the older value, which only closes more, and is tried again a tick later (one
     * warning until a read works).
     */
    private void readStoredBeforeJoining() {
        if (!joiningToRead) {
            return;
        }
        joiningToRead = false;
        try {
            storedBeforeJoining = Math.max(storedBeforeJoining, storage.highestId());
            joiningReadFailureLogged = false;
        } catch (Throwable failure) {
            joiningToRead = true;
            if (!joiningReadFailureLogged) {
                joiningReadFailureLogged = true;
                LOG.log(Level.WARNING, "The highest stored message id could not be read (tried again every tick): "
                        + LocalUserChanges.describe(failure));
            }
        }
    }

    /**
     * Ticker: while another node is silent ({@link OpenConnections#otherNodeSilent}, until {@link
     * OpenConnections#otherNodeHeardAgain}), the messages it may store and confirm without publishing them (it was
     * killed between the two, or is cut off from Redis and goes on serving its own connections) are read from storage
     * and checked ({@link #checkStored}): one never delivered here is delivered from storage in its thread's order,
     * or, where it cannot be, its recipients' connections that may have missed it are closed to catch up. The
     * watch reads, in pages of {@link #SILENT_WATCH_PAGE} by id, from the highest id delivered here {@link
     * #SILENT_NODE_MARGIN} before the node was last heard (and above what was stored before this node last joined the
     * bus), and checks each message stored at least that margin ago; it stops at the first one newer, to go on from
     * there a tick later, so a node killed while silent is covered up to its last message. A tick reads for at most
     * {@link #SILENT_WATCH_TICK_BUDGET}. Paused while this node is off the bus (nothing is delivered here then, and
     * its connections were closed) and until it has read what was stored before it rejoined. A read that fails is tried
     * again a tick later. Once no node is silent, the watch goes on until it has checked what was stored until then
     * ({@link #silentWatchEndsAt}), and ends.
     */
    private void watchSilentNodes(long now) {
        if (busLossToWatch.getAndSet(false) && offTheBus) {
            caughtUpBeforeLoss = deliveredBy(busLostAtNanos - SILENT_NODE_MARGIN.toNanos());
            silentNodesToCheck.add(busLostAtNanos); // every other node is silent to this one now
        }
        Long lastHeard;
        while ((lastHeard = silentNodesToCheck.poll()) != null) {
            long from = deliveredBy(lastHeard - SILENT_NODE_MARGIN.toNanos());
            if (silentWatchedUpTo == NOT_YET) {
                silentWatchChecked = 0;
                silentWatchFound = 0;
                silentWatchFilled = 0;
                logWatch("Another node fell silent (or could not publish), or this node lost the bus: the messages "
                        + "stored after id " + from + " are checked while a node stays silent or this node off the "
                        + "bus; any never delivered here is delivered from "
                        + "storage in its conversation's order (where it cannot be, its recipients here are closed so "
                        + "that they catch up)");
            }
            silentWatchedUpTo = silentWatchedUpTo == NOT_YET ? from : Math.min(silentWatchedUpTo, from);
        }
        if (silentWatchedUpTo == NOT_YET) {
            return;
        }
        if (joiningToRead) {
            return;
        }
        Instant storedBefore = wallClock.instant().minus(SILENT_NODE_MARGIN);
        long budgetEnds = now + SILENT_WATCH_TICK_BUDGET.toNanos();
        try {
            long highest = storage.highestId();
            if (silentNodes.get() > 0 || offTheBus) {
                silentWatchEndsAt = NOT_YET;
            } else if (silentWatchEndsAt == NOT_YET) {
                silentWatchEndsAt = highest;
            } else {
                highest = Math.min(highest, silentWatchEndsAt);
            }
            if (silentWatchEndsAt != NOT_YET && Math.max(silentWatchedUpTo, storedBeforeJoining) >= silentWatchEndsAt) {
                logWatch("No other node is silent now, and what was stored until then is checked: the watch ends ("
                        + silentWatchChecked + " message(s) checked; of those never delivered here, " + silentWatchFilled
                        + " delivered from storage, " + silentWatchFound + " closed their recipients)");
                silentWatchedUpTo = NOT_YET;
                silentWatchEndsAt = NOT_YET;
                return;
            }
            while (true) {
                long from = Math.max(silentWatchedUpTo, storedBeforeJoining);
                if (from >= highest) {
                    silentWatchedUpTo = from;
                    break;
                }
                List<Message> page = storage.findBetween(from, highest, SILENT_WATCH_PAGE);
                long checkedUpTo = page.isEmpty() ? highest : from;
                boolean tooNewFound = false;
                for (Message message : page) {
                    if (message.createdAt().isAfter(storedBefore)) {
                        tooNewFound = true;
                        break;
                    }
                    checkStored(message);
                    checkedUpTo = message.id().value();
                }
                if (!tooNewFound && page.size() < SILENT_WATCH_PAGE) {
                    checkedUpTo = highest; // nothing else is stored up to it
                }
                silentWatchedUpTo = checkedUpTo;
                if (tooNewFound || checkedUpTo >= highest || nanoTime.getAsLong() - budgetEnds >= 0) {
                    break;
                }
            }
            silentCheckFailureLogged = false;
        } catch (Throwable failure) {
            if (!silentCheckFailureLogged) {
                silentCheckFailureLogged = true;
                LOG.log(Level.WARNING, "What a silent node may have left unpublished could not be read (tried "
                        + "again every tick): " + LocalUserChanges.describe(failure));
            }
        }
    }

    /**
     * Ticker: logs {@code line} of the watch of silent nodes at {@code INFO}, or at {@code DEBUG} when one was logged at
     * {@code INFO} in the last {@value #GAP_LOG_SECONDS} s (a link to Redis that flaps begins and ends a watch each
     * time).
     */
    private void logWatch(String line) {
        long now = nanoTime.getAsLong();
        if (watchLoggedNanos == NOT_YET || now - watchLoggedNanos >= TimeUnit.SECONDS.toNanos(GAP_LOG_SECONDS)) {
            watchLoggedNanos = now;
            LOG.log(Level.INFO, line);
        } else {
            LOG.log(Level.DEBUG, line);
        }
    }

    /**
     * Ticker: a message the watch of silent nodes read. One delivered or held here is done with; one never delivered
     * here is delivered from storage in its thread's order ({@link #fillFromStorage}), and where that cannot be (a file
     * message, whose frame waits for its sender's announcement; a thread whose order here already moved past it) its
     * recipients that may have missed it are closed to catch up ({@link #closeIfNeverDelivered}).
     */
    private void checkStored(Message message) {
        // Not through a MessageStored, whose file message needs its attachment link: built that way, one file message
        // stored by a silent node made each tick's watch throw there, so the watch never got past it.
        RepeatedSend stored = new RepeatedSend(message.id(), message.threadId(),
                DeliveryPolicy.forStoredMessage(message), message.createdAt());
        silentWatchChecked++;
        forwarding.lock();
        try {
            if (deliveredOrHeld(stored)) {
                return;
            }
        } finally {
            unlockForwarding();
        }
        if (fillFromStorage(message.threadId(), message.id().value())) {
            silentWatchFilled++;
            return;
        }
        forwarding.lock();
        try {
            if (closeIfNeverDelivered(stored, "stored while a node was silent")) {
                silentWatchFound++;
            }
        } finally {
            unlockForwarding();
        }
    }

    /**
     * Ticker, outside {@link #forwarding}: gives this node, from storage, the messages of {@code thread} it never got
     * after the last it delivered, up to message {@code upTo} (stored), in the thread's order, as if they had come
     * from the bus late: each is the event its node would have published (a text, a shared profile with the user read
     * again, a tombstone for one deleted since; not its sender's {@code client_msg_id}, which only the sending
     * connection needs, and that is on the node that stored it), with its exact position (ids follow commit order
     * within a thread, so the thread's messages read in that range form one chain from the last delivered here).
     * What waited for them goes on after them; a live publication that comes later is dropped as delivered. A thread
     * not followed here gets {@code upTo} alone, placed after its stored predecessor, as a first sight. So a message a
     * silent node never published costs its recipients here a late frame, not a reconnection (a hostile review,
     * 2026-12-03: each device talking to a cut-off node's users was closed with 1012 several times a second).
     *
     * <p>Whether it did: not when the thread's order here is at or past {@code upTo} already (the caller decides),
     * when the range holds a file message (its frame is its sender's announcement, not its storing), holds more than
     * {@link #FILL_LIMIT} messages or does not end at {@code upTo}, or storage cannot answer. Nothing is changed then.
     */
    private boolean fillFromStorage(ThreadId thread, long upTo) {
        long last = lastDelivered(thread);
        if (last >= upTo) {
            return false;
        }
        List<Held> chain = new ArrayList<>();
        try {
            List<Message> messages;
            long previous;
            if (last == NOT_YET) {
                List<Message> itAndBefore = storage.latestInThread(thread, upTo, 2); // one read for both
                messages = itAndBefore.isEmpty() ? List.of() : List.of(itAndBefore.get(0));
                previous = itAndBefore.size() < 2 ? NONE : itAndBefore.get(1).id().value();
            } else {
                messages = storage.findInThread(thread, last, upTo, FILL_LIMIT);
                previous = last;
            }
            if (messages.isEmpty() || messages.get(messages.size() - 1).id().value() != upTo) {
                return false;
            }
            long now = nanoTime.getAsLong();
            Instant at = wallClock.instant();
            for (Message message : messages) {
                Optional<MessageStored> event = asPublished(message, previous);
                if (event.isEmpty()) {
                    return false;
                }
                chain.add(new Held(message.id().value(), previous, event.get(), now, at));
                previous = message.id().value();
            }
        } catch (Throwable failure) {
            LOG.log(Level.DEBUG, "Thread {0}: the messages up to {1} could not be read from storage: {2}", thread,
                    upTo, LocalUserChanges.describe(failure));
            return false;
        }
        forwarding.lock();
        try {
            while (true) {
                Followed followed = threads.computeIfAbsent(thread, key -> new Followed(chain.get(0).arrivedNanos));
                synchronized (followed) {
                    if (followed.forgotten) {
                        continue;
                    }
                    followed.touchedNanos = chain.get(0).arrivedNanos;
                    for (Held event : chain) {
                        arrive(thread, followed, event);
                    }
                    LOG.log(Level.DEBUG, "Thread {0}: {1} message(s) up to {2}, never received here, were read from "
                            + "storage and put in order", thread, chain.size(), upTo);
                    return true;
                }
            }
        } finally {
            unlockForwarding();
        }
    }

    /** The last id delivered here in {@code thread}, {@link #NOT_YET} when it is not followed. */
    private long lastDelivered(ThreadId thread) {
        Followed followed = threads.get(thread);
        if (followed == null) {
            return NOT_YET;
        }
        synchronized (followed) {
            return followed.forgotten ? NOT_YET : followed.last;
        }
    }

    /**
     * The event that published {@code message}, stored right after {@code previous} in its thread, rebuilt from
     * storage; empty for a file message (see {@link #fillFromStorage}).
     */
    private Optional<MessageStored> asPublished(Message message, long previous) {
        MessageContent content = message.content();
        if (content instanceof MessageContent.File) {
            return Optional.empty();
        }
        Optional<User> profile = content instanceof MessageContent.ProfileShare share
                ? storage.findUser(share.profile()) : Optional.empty();
        ThreadPosition position = previous == NONE ? ThreadPosition.first()
                : ThreadPosition.after(new MessageId(previous));
        return Optional.of(new MessageStored(message, DeliveryPolicy.forStoredMessage(message), Optional.empty(),
                profile, Optional.empty(), position));
    }

    /**
     * Ticker, outside {@link #forwarding}: each thread whose events have waited {@link #fillAfterNanos} for a
     * predecessor (a publication lost, or a node cut off from Redis that stored it) has the missing ones read from
     * storage ({@link #fillFromStorage}), once per predecessor, before its wait ends in a close; not a thread whose gap
     * is being closed, nor a predecessor stored before this node joined the bus (the wait's end delivers past it). At
     * most {@link #SILENT_WATCH_TICK_BUDGET} of reading a tick.
     */
    private void fillWaits(long now) {
        long budgetEnds = now + SILENT_WATCH_TICK_BUDGET.toNanos();
        for (ThreadId thread : waiting) {
            Followed followed = threads.get(thread);
            if (followed == null) {
                continue;
            }
            long missing;
            synchronized (followed) {
                if (followed.forgotten || followed.held.isEmpty() || now - followed.oldestHeldNanos < fillAfterNanos
                        || followed.closing != null && !followed.closing.done
                        || waitsForOneStoredBeforeJoining(followed)) {
                    continue;
                }
                missing = followed.held.firstKey();
                if (missing == followed.filledFor) {
                    continue;
                }
                followed.filledFor = missing;
            }
            fillFromStorage(thread, missing);
            if (nanoTime.getAsLong() - budgetEnds >= 0) {
                return;
            }
        }
    }

    /** The highest id delivered here at {@code nanos}, as far back as {@link #deliveredHistory} goes ({@code 0} before). */
    private long deliveredBy(long nanos) {
        long delivered = NONE;
        for (long[] mark : deliveredHistory) {
            if (mark[0] > nanos) {
                break;
            }
            delivered = mark[1];
        }
        return delivered;
    }

    /** Under {@link #forwarding}: ends the waits that have lasted long enough. */
    private void endWaits(long now) {
        for (ThreadId thread : waiting) {
            Followed followed = threads.get(thread);
            if (followed == null) {
                waiting.remove(thread);
                continue;
            }
            synchronized (followed) {
                // Off the bus, a predecessor not here yet never comes: only this node's own would, at once. One
                // stored before this node joined the bus is needed by no connection here (a stale publication, from
                // before the rejoin, began the thread's order).
                long wait = followed.last == NOT_YET || offTheBus || waitsForOneStoredBeforeJoining(followed)
                        ? firstSightWaitNanos : gapWaitNanos;
                if (!followed.held.isEmpty() && now - followed.oldestHeldNanos >= wait) {
                    endWait(thread, followed);
                }
                endAnnouncementWaits(thread, followed, now);
                if (followed.held.isEmpty() && followed.announcements.isEmpty()) {
                    waiting.remove(thread);
                }
            }
        }
    }

    /**
     * Under {@link #forwarding} and {@code followed}'s lock: announcements held a gap's wait for a message that never
     * came here are dropped, and their recipients' connections closed to catch up (the thread's order is below the
     * message, so their catch-up gets it).
     */
    private void endAnnouncementWaits(ThreadId thread, Followed followed, long now) {
        Set<UserId> recipients = new LinkedHashSet<>();
        Iterator<Held> announcements = followed.announcements.values().iterator();
        while (announcements.hasNext()) {
            Held announcement = announcements.next();
            if (now - announcement.arrivedNanos >= gapWaitNanos) {
                announcements.remove();
                for (Delivery delivery : announcement.event.deliveries()) {
                    recipients.add(delivery.recipient());
                }
            }
        }
        if (!recipients.isEmpty()) {
            LOG.log(Level.DEBUG, "Thread {0}: an uploaded file was announced, but its message did not reach this node "
                    + "within {1} ms: the connections of {2} recipient(s) are closed so that they catch up", thread,
                    settings.gapWait().toMillis(), recipients.size());
            closingsDue.add(new CatchUpDue(recipients, OpenConnections.ANY_TIME, null));
        }
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (Throwable failure) {
            LOG.log(Level.ERROR, "A round of the conversation order failed: " + LocalUserChanges.describe(failure));
        }
    }

    /** Under {@link #forwarding}: delivers, holds or drops a stored message by its thread's order. */
    private void order(MessageStored event) {
        ThreadPosition position = event.position();
        if (!position.known()) {
            if (!holdAnnouncement(event)) {
                forward(event);
            }
            return;
        }
        Held arriving = new Held(event.message().id().value(),
                position.previous().map(MessageId::value).orElse(NONE), event, nanoTime.getAsLong(),
                wallClock.instant());
        ThreadId thread = event.message().threadId();
        while (true) {
            Followed followed = threads.computeIfAbsent(thread, key -> new Followed(arriving.arrivedNanos));
            synchronized (followed) {
                if (followed.forgotten) {
                    continue;
                }
                followed.touchedNanos = arriving.arrivedNanos;
                arrive(thread, followed, arriving);
                return;
            }
        }
    }

    /**
     * Under {@link #forwarding}: an announcement (an uploaded file's frame, which repeats a message stored earlier, its
     * position unknown) of a followed thread that has not delivered its message yet is held until it has, and then
     * forwarded right after it ({@link #release}): forwarded at once, it overtook the messages its own waited for, and
     * a 1012 meanwhile had its client catch up from above them for good (a hostile review lost 89-94 messages in a
     * run where every user sent a file while one node was cut off; 259 before messages were delivered from storage).
     * One held for a gap's wait is dropped and its recipients closed ({@link #endAnnouncementWaits}). Whether it was
     * held; not in a thread not followed, nor for a message delivered already.
     */
    private boolean holdAnnouncement(MessageStored event) {
        Followed followed = threads.get(event.message().threadId());
        if (followed == null) {
            return false;
        }
        long id = event.message().id().value();
        synchronized (followed) {
            if (followed.forgotten || followed.last == NOT_YET || id <= followed.last
                    || followed.announcements.size() >= settings.maxHeldPerThread()) {
                return false;
            }
            long now = nanoTime.getAsLong();
            followed.announcements.putIfAbsent(id, new Held(id, NONE, event, now, wallClock.instant()));
            followed.touchedNanos = now;
            waiting.add(event.message().threadId());
            return true;
        }
    }

    /** Under {@code followed}'s lock. */
    private void arrive(ThreadId thread, Followed followed, Held event) {
        if (followed.last == NOT_YET) {
            boolean afterRepeated = event.previous == followed.repeatedUnseen;
            // Off the bus, a predecessor stored since the loss may be another node's too: this node's own traffic
            // moves "settled".
            if (!afterRepeated && event.previous != NONE && (offTheBus ? event.previous > caughtUpBeforeLoss
                    : event.previous > settled && event.previous > storedBeforeStart)) {
                hold(thread, followed, event);
                return;
            }
            followed.last = event.previous;
            followed.first = afterRepeated ? event.previous : event.id;
            dropStale(followed);
        }
        if (event.id <= followed.last) {
            LOG.log(Level.DEBUG, "Message {0} of thread {1} was already delivered here (or its gap closed): dropped",
                    event.id, thread);
            return;
        }
        if (event.previous <= followed.last && (followed.closing == null || followed.closing.done)) {
            followed.closing = null;
            forward(event.event);
            followed.last = event.id;
            release(followed);
            return;
        }
        // Waiting for its predecessor, or for the close of a gap found here to run: a frame forwarded before it would
        // reach a connection about to be closed, whose catch-up would then start after the gap (a hostile review).
        hold(thread, followed, event);
    }

    private void hold(ThreadId thread, Followed followed, Held event) {
        if (followed.held.putIfAbsent(event.previous, event) != null) {
            return;
        }
        if (followed.held.size() == 1) {
            followed.oldestHeldNanos = event.arrivedNanos;
        }
        waiting.add(thread);
        if (followed.held.size() > settings.maxHeldPerThread()) {
            endWait(thread, followed);
        }
    }

    /** Under {@code followed}'s lock: drops the held events at or below the last delivered (moved past meanwhile). */
    private static void dropStale(Followed followed) {
        if (followed.last != NOT_YET) {
            followed.held.values().removeIf(held -> held.id <= followed.last);
        }
    }

    /**
     * Delivers every held event whose predecessor has now been delivered, in chain order, then the announcements
     * held for messages now delivered ({@link #holdAnnouncement}).
     */
    private void release(Followed followed) {
        Held successor;
        while ((successor = followed.held.remove(followed.last)) != null) {
            forward(successor.event);
            followed.last = successor.id;
        }
        while (!followed.announcements.isEmpty() && followed.announcements.firstKey() <= followed.last) {
            forward(followed.announcements.pollFirstEntry().getValue().event);
        }
        if (!followed.held.isEmpty()) {
            followed.oldestHeldNanos = followed.held.values().stream()
                    .mapToLong(held -> held.arrivedNanos).min().orElse(followed.oldestHeldNanos);
        }
    }

    /**
     * The wait is over (or too much is held). A thread that was not followed yet, on the bus, whose predecessor was
     * stored before this node joined shows no gap: its held events are delivered in id order; one whose predecessor
     * was stored since closes the recipients' connections that may have missed it ({@link #closeThoseThatMissedIt}).
     * Otherwise a predecessor is missing: the recipients are closed to catch up, and the held events dropped.
     */
    private void endWait(ThreadId thread, Followed followed) {
        if (followed.closing != null && !followed.closing.done) {
            return; // what it holds is forwarded once the close has run
        }
        if (waitsForOneStoredBeforeJoining(followed)) {
            // Stored before this node joined the bus: every connection here caught up past it (and past every
            // message up to it); a later break in the chain, stored since, waits as any would.
            do {
                // Never backwards: a thread that moved on past a repeated send while a stale publication from before
                // the join was held here would otherwise go back to it, and the watch and the waits would deliver
                // everything after it again (a hostile review: the same ids twice live on one connection, older
                // frames after newer ones, after Redis froze).
                dropStale(followed);
                if (followed.held.isEmpty()) {
                    return;
                }
                followed.last = Math.max(followed.last, followed.held.firstKey());
                if (followed.first == NOT_YET) {
                    followed.first = followed.last;
                }
                release(followed);
            } while (waitsForOneStoredBeforeJoining(followed));
            return;
        }
        List<Held> held = new ArrayList<>(followed.held.values());
        held.sort(Comparator.comparingLong(event -> event.id));
        followed.held.clear();
        boolean firstSight = followed.last == NOT_YET;
        long waitedFor = held.get(0).previous;
        Set<UserId> recipients = new LinkedHashSet<>();
        for (Held event : held) {
            for (Delivery delivery : event.event.deliveries()) {
                recipients.add(delivery.recipient());
            }
        }
        if (firstSight && !offTheBus) {
            closeThoseThatMissedIt(thread, followed, held, recipients);
            return;
        }
        if (firstSight) {
            followed.first = held.get(0).id;
        }
        followed.last = Math.max(followed.last, held.get(held.size() - 1).id);
        if (firstSight || offTheBus) {
            // Off the bus, every conversation written through two nodes comes here: the loss was logged once.
            LOG.log(Level.DEBUG, "Thread {0}: message {1} is not seen here while this node is off the bus; {2} later "
                    + "message(s) not delivered here, and the connections of {3} recipient(s) closed so that they "
                    + "catch up", thread, waitedFor, held.size(), recipients.size());
        } else {
            String within = held.size() > settings.maxHeldPerThread()
                    ? "before more than " + settings.maxHeldPerThread() + " later ones were held for it"
                    : "within " + settings.gapWait().toMillis() + " ms";
            logGap(thread, waitedFor, within, held.size(), recipients.size());
        }
        CatchUpDue close = new CatchUpDue(recipients, OpenConnections.ANY_TIME, thread);
        followed.closing = close;
        closingsDue.add(close);
    }

    /**
     * Under {@link #forwarding}: the first gap in {@value #GAP_LOG_SECONDS} s is logged as a warning, the others at
     * {@code DEBUG} and counted in the next warning (a bus that drops publications would otherwise log a line per
     * conversation).
     */
    private void logGap(ThreadId thread, long waitedFor, String within, int dropped, int recipients) {
        long now = nanoTime.getAsLong();
        String line = "Thread " + thread + ": message " + waitedFor + " did not reach this node " + within + "; "
                + dropped + " later message(s) not delivered here, and the connections of " + recipients
                + " recipient(s) closed so that they catch up";
        if (gapLogged && now - gapLoggedNanos < TimeUnit.SECONDS.toNanos(GAP_LOG_SECONDS)) {
            gapsNotLogged++;
            LOG.log(Level.DEBUG, line);
            return;
        }
        LOG.log(Level.WARNING, gapsNotLogged == 0 ? line
                : line + " (and " + gapsNotLogged + " such gap(s) since the last of these lines, logged at DEBUG)");
        gapLogged = true;
        gapLoggedNanos = now;
        gapsNotLogged = 0;
    }

    /**
     * Under {@code followed}'s lock: whether the first predecessor it waits for was stored before this node joined the
     * bus (so no connection here needs it live), while on the bus.
     */
    private boolean waitsForOneStoredBeforeJoining(Followed followed) {
        return !offTheBus && !followed.held.isEmpty() && followed.held.firstKey() <= storedBeforeJoining;
    }

    /**
     * Under {@link #forwarding}, at the end of a first sight's wait on the bus: the predecessor {@code held} waited for
     * was stored since this node joined the bus and never reached it (its node was cut off from Redis, or died before
     * publishing, or is slower than the wait). A connection here opened before the first of {@code held} arrived may
     * have needed it live: those of the recipients are closed to catch up (hostile reviews lost 32-37 messages per
     * device when the wait ended by delivering: the client moved past the unseen ones); one opened since caught up
     * past it. The thread is followed from that predecessor on, and what it held is forwarded once the close has run.
     */
    private void closeThoseThatMissedIt(ThreadId thread, Followed followed, List<Held> held, Set<UserId> recipients) {
        long waitedFor = held.get(0).previous;
        Instant firstArrived = held.stream().map(Held::arrivedAt).min(Comparator.naturalOrder()).orElseThrow();
        LOG.log(Level.DEBUG, "Thread {0}: message {1}, stored since this node joined the bus, did not reach it within "
                + "{2} ms of the next; the connections of {3} recipient(s) opened before that are closed so that "
                + "they catch up", thread, waitedFor, settings.firstSightWait().toMillis(), recipients.size());
        followed.first = waitedFor;
        followed.last = waitedFor;
        for (Held event : held) {
            followed.held.put(event.previous, event);
        }
        CatchUpDue close = new CatchUpDue(recipients, firstArrived, thread);
        followed.closing = close;
        closingsDue.add(close);
    }

    private void forward(MessageStored event) {
        if (event.position().known()) {
            maxDelivered.accumulateAndGet(event.message().id().value(), Math::max);
        }
        try {
            Batch into = joined;
            if (into == null) {
                next.deliver(event);
            } else {
                into.deliver(event);
            }
        } catch (Throwable failure) {
            LOG.log(Level.ERROR, "Message " + event.message().id().value()
                    + " could not be delivered on this node: " + LocalUserChanges.describe(failure));
        }
    }

    /** An event outside every conversation's order, delivered at once through {@code into}. */
    private static void passOn(OutboundEvent event, EventDelivery into) {
        try {
            into.deliver(event);
        } catch (Throwable failure) {
            LOG.log(Level.ERROR, "An event could not be delivered on this node: " + LocalUserChanges.describe(failure));
        }
    }

    private void advanceSettled(long now) {
        synchronized (marks) {
            marks.addLast(new long[] {now, maxDelivered.get()});
            long settledNow = settled;
            while (!marks.isEmpty() && now - marks.peekFirst()[0] >= gapWaitNanos) {
                settledNow = Math.max(settledNow, marks.removeFirst()[1]);
            }
            settled = settledNow;
        }
    }

    /** Forgets the threads idle for {@code forgetIdleAfter}, and beyond {@code maxThreads} the least recently active. */
    private void forgetIdle(long now) {
        long idleNanos = settings.forgetIdleAfter().toNanos();
        int excess = threads.size() - settings.maxThreads();
        Collection<Map.Entry<ThreadId, Followed>> candidates = threads.entrySet();
        if (excess > 0) {
            List<Map.Entry<ThreadId, Followed>> byAge = new ArrayList<>(candidates);
            byAge.sort(Comparator.comparingLong(entry -> entry.getValue().touchedNanos));
            candidates = byAge;
        }
        for (Map.Entry<ThreadId, Followed> entry : candidates) {
            Followed followed = entry.getValue();
            synchronized (followed) {
                if (followed.held.isEmpty() && followed.announcements.isEmpty()
                        && (excess > 0 || now - followed.touchedNanos >= idleNanos)) {
                    followed.forgotten = true;
                    threads.remove(entry.getKey(), followed);
                    excess--;
                }
            }
        }
    }

    private Set<UserId> forgetAll() {
        Set<UserId> heldFor = new LinkedHashSet<>();
        for (Map.Entry<ThreadId, Followed> entry : threads.entrySet()) {
            Followed followed = entry.getValue();
            synchronized (followed) {
                followed.forgotten = true;
                for (Held event : followed.held.values()) {
                    for (Delivery delivery : event.event.deliveries()) {
                        heldFor.add(delivery.recipient());
                    }
                }
                for (Held announcement : followed.announcements.values()) {
                    for (Delivery delivery : announcement.event.deliveries()) {
                        heldFor.add(delivery.recipient());
                    }
                }
                followed.held.clear();
                followed.announcements.clear();
                threads.remove(entry.getKey(), followed);
            }
        }
        waiting.clear();
        return heldFor;
    }

    /**
     * Releases {@link #forwarding}, then closes the connections that gaps found under it owe a catch-up: a close runs
     * the connection's callbacks on this thread (presence, which may ask Redis), and every stored message of this node
     * waits for the lock. Never throws.
     */
    private void unlockForwarding() {
        List<CatchUpDue> due = null;
        if (!closingsDue.isEmpty() && forwarding.getHoldCount() == 1) {
            due = new ArrayList<>(closingsDue);
            closingsDue.clear();
        }
        forwarding.unlock();
        if (due == null) {
            return;
        }
        boolean gapsClosed = false;
        for (CatchUpDue catchUp : due) {
            try {
                if (!catchUp.users.isEmpty()) {
                    connections.closeToCatchUp(catchUp.users, catchUp.openedBefore);
                }
            } catch (Throwable failure) {
                LOG.log(Level.ERROR, "Closing connections to catch up failed: " + LocalUserChanges.describe(failure));
            } finally {
                catchUp.done = true;
                gapsClosed |= catchUp.thread != null;
            }
        }
        if (gapsClosed) {
            releaseAfterTheirCloses(due);
        }
    }

    /**
     * The gaps' closes of {@code due} have run: their threads forward again what they held meanwhile, in chain order
     * (to connections opened since, which caught up before it came; the recipients' older ones are closed).
     */
    private void releaseAfterTheirCloses(List<CatchUpDue> due) {
        forwarding.lock();
        try {
            for (CatchUpDue catchUp : due) {
                Followed followed = catchUp.thread == null ? null : threads.get(catchUp.thread);
                if (followed == null) {
                    continue;
                }
                synchronized (followed) {
                    if (followed.closing == catchUp) {
                        followed.closing = null;
                        release(followed);
                    }
                }
            }
        } finally {
            unlockForwarding();
        }
    }

    /** Under {@link #forwarding}: hands over the joined batch's frames, if one is open; never throws. */
    private void closeJoined() {
        Batch open = joined;
        if (open == null) {
            return;
        }
        joined = null;
        joinedOpen = false;
        try {
            open.close();
        } catch (Throwable failure) {
            LOG.log(Level.ERROR, "A batch of frames could not be handed over: " + LocalUserChanges.describe(failure));
        }
    }

    /** Under {@link #forwarding}: the joined batch, opened if none is. */
    private Batch joinedBatch() {
        if (joined == null) {
            Batch opened = null;
            try {
                opened = next.openBatch();
            } catch (Throwable failure) {
                LOG.log(Level.ERROR, "A batch of frames could not be opened; each frame goes alone: "
                        + LocalUserChanges.describe(failure));
            }
            joined = opened != null ? opened : next::deliver;
            joinedOpen = true;
            joinedOpenedNanos = nanoTime.getAsLong();
        }
        return joined;
    }

    /** A batch of this order ({@link #openBatch()}): its events go into the joined batch, closed with it. */
    private final class JoiningBatch implements Batch {

        /** Whether an event went into the joined batch since this batch was opened or last closed. */
        private boolean joinedIn;

        @Override
        public void deliver(OutboundEvent event) {
            if (event == null) {
                return;
            }
            forwarding.lock();
            try {
                Batch into = joinedBatch();
                joinedIn = true;
                if (event instanceof MessageStored stored) {
                    order(stored);
                } else {
                    passOn(event, into::deliver);
                }
            } catch (Throwable failure) {
                LOG.log(Level.ERROR, "An event could not be put in order: " + LocalUserChanges.describe(failure));
            } finally {
                unlockForwarding();
            }
        }

        @Override
        public void close() {
            if (!joinedIn) {
                return;
            }
            joinedIn = false;
            forwarding.lock();
            try {
                closeJoined();
            } finally {
                unlockForwarding();
            }
        }
    }

    /** One followed thread: guarded by its own lock. */
    private static final class Followed {
        long last = NOT_YET;
        /**
         * The first id delivered (or found missing) since this thread was followed: of the ids up to {@link #last},
         * only those from it on are known here.
         */
        long first = NOT_YET;
        /**
         * The close a gap or a repeated send of this thread asked for, until it has run and what was held meanwhile
         * was released.
         */
        CatchUpDue closing;
        /**
         * Before anything was delivered: a message a repeated send showed was never delivered here; the message
         * stored after it is forwarded without a first sight's wait ({@link #moveOnPast}).
         */
        long repeatedUnseen = NOT_YET;
        /** Held events by the id of the predecessor each waits for. */
        final TreeMap<Long, Held> held = new TreeMap<>();
        /** Announcements held for messages not delivered yet, by message id ({@link #holdAnnouncement}). */
        final TreeMap<Long, Held> announcements = new TreeMap<>();
        /** The last predecessor {@link #fillWaits} read from storage for this thread ({@link #NOT_YET} before). */
        long filledFor = NOT_YET;
        long oldestHeldNanos;
        long touchedNanos;
        boolean forgotten;

        Followed(long nowNanos) {
            this.touchedNanos = nowNanos;
        }
    }

    private record Held(long id, long previous, MessageStored event, long arrivedNanos, Instant arrivedAt) {
    }

    /**
     * The connections of {@code users} opened before {@code openedBefore} are to be closed to catch up; for a gap, the
     * {@code thread} whose events are held until it has run ({@link #done}).
     */
    private static final class CatchUpDue {
        final Set<UserId> users;
        final Instant openedBefore;
        final ThreadId thread;
        volatile boolean done;

        CatchUpDue(Set<UserId> users, Instant openedBefore, ThreadId thread) {
            this.users = users;
            this.openedBefore = openedBefore;
            this.thread = thread;
        }
    }
}
