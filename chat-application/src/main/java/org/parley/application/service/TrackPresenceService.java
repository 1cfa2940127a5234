package org.parley.application.service;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.parley.application.error.Unavailable;
import org.parley.application.port.in.TrackPresence;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.PresenceChanged;
import org.parley.application.port.out.PresenceRepository;
import org.parley.application.port.out.PresenceStore;
import org.parley.application.port.out.TimeSource;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.UserId;

/**
 * Presence on this node, and its announcements (contract §13).
 *
 * <p><b>What this node holds.</b> A user is held from their first connection here until their last one here has been
 * closed for {@code grace} (the offline grace): a connection opening within the grace keeps them held, and nothing is
 * announced. So a client that reconnects at once (a page reload, a network switch, many quick connects) announces
 * nothing, and a user's announcements are bounded by one "online" and one "offline" per grace period, however often
 * they connect. {@link #opened} and a connection's close only count, under a lock, in microseconds: a handshake never
 * waits for Redis, the database or a delivery.
 *
 * <p><b>Announcing.</b> Changes are taken by one thread of this node ({@code parley-presence}), {@link #TURN_DELAY}
 * after the first of them, which coalesces what changed since its last turn (a user who came and went meanwhile is no change), tells the {@link PresenceStore} which
 * users this node now holds and let go, and gets back who came online or went offline across every node. For each,
 * it finds the thread partners (one query for all of a turn's users, {@link PresenceRepository#partnersOf}), records
 * {@code last_seen} for those going offline (the moment their last connection closed; one transaction) and delivers a {@link PresenceChanged} to the partners
 * through {@link EventDelivery} (a bus carries it to the partners' other nodes; partners with no connection anywhere
 * are not reached). Every {@link PresenceStore#maintenanceInterval()} the same thread maintains the store, which finds
 * users whose node stopped (announced offline, {@code last_seen} = when it was noticed).
 *
 * <p><b>Stopping</b> ({@link #close}): every user held here is let go at once (grace or not) and announced before the
 * bus and the database close.
 */
public final class TrackPresenceService implements TrackPresence, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TrackPresenceService.class.getName());
    private static final Duration CLOSING = Duration.ofSeconds(3);
    /**
     * How long a turn waits after the first change it will take: a burst of handshakes (a node's users reconnecting
     * after a restart) becomes a few turns of many users, each one store call and one partner query, rather than one
     * per user.
     */
    static final Duration TURN_DELAY = Duration.ofMillis(100);

    private final PresenceStore store;
    private final PresenceRepository repository;
    private final EventDelivery delivery;
    private final TimeSource time;
    private final long graceNanos;
    private final ScheduledExecutorService worker;

    private final Object lock = new Object();
    /** Under {@link #lock}: the users held here. */
    private final Map<UserId, Held> held = new HashMap<>();
    /** Under {@link #lock}: users whose holding changed since the worker's last turn. */
    private final Set<UserId> changed = new LinkedHashSet<>();
    /** Under {@link #lock}: when each user let go since the worker's last turn had closed their last connection. */
    private final Map<UserId, Instant> departedAt = new HashMap<>();
    /** Under {@link #lock}: whether a turn of the worker is already due. */
    private boolean turnDue;
    /** Under {@link #lock}. */
    private boolean closing;

    /** The worker's only: the users the store was told this node holds. */
    private final Set<UserId> reported = new HashSet<>();
    /** The worker's only: whether a failure is being reported (logged once until it works again). */
    private boolean failing;
    /** The worker's only: whether that failure was logged (then its end is logged too). */
    private boolean failureLogged;

    /**
     * Starts the worker thread.
     *
     * @param grace how long a user is still held after their last connection here closed (0: let go at once)
     */
    public TrackPresenceService(PresenceStore store, PresenceRepository repository, EventDelivery delivery,
                                TimeSource time, Duration grace) {
        this.store = Objects.requireNonNull(store, "store");
        this.repository = Objects.requireNonNull(repository, "repository");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.time = Objects.requireNonNull(time, "time");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative");
        }
        this.graceNanos = grace.toNanos();
        this.worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "parley-presence");
            thread.setDaemon(true);
            return thread;
        });
        long interval = store.maintenanceInterval().toMillis();
        worker.scheduleWithFixedDelay(this::maintain, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public Connection opened(UserId user) {
        Objects.requireNonNull(user, "user");
        synchronized (lock) {
            Held holding = held.get(user);
            if (holding == null) {
                holding = new Held();
                held.put(user, holding);
                changedLocked(user);
            } else if (holding.open == 0) {
                // Back within the grace: still held, nothing to announce; the pending release no longer applies.
                holding.generation++;
            }
            holding.open++;
        }
        return new Open(this, user);
    }

    /**
     * One open connection of a user, closed once. A flag in a field of its own, not a lambda holding an
     * {@code AtomicBoolean}: it lives as long as its connection, and this is 16 bytes less for each.
     */
    private static final class Open implements Connection {
        private static final AtomicIntegerFieldUpdater<Open> CLOSED =
                AtomicIntegerFieldUpdater.newUpdater(Open.class, "closed");

        private final TrackPresenceService presence;
        private final UserId user;
        @SuppressWarnings("unused") // through CLOSED
        private volatile int closed;

        Open(TrackPresenceService presence, UserId user) {
            this.presence = presence;
            this.user = user;
        }

        @Override
        public void closed() {
            if (CLOSED.compareAndSet(this, 0, 1)) {
                try {
                    presence.closed(user);
                } catch (Throwable e) {
                    LOG.log(Level.WARNING, "The presence of user {0} could not be updated: {1}", user, describe(e));
                }
            }
        }
    }

    private void closed(UserId user) {
        long generation;
        synchronized (lock) {
            Held holding = held.get(user);
            if (holding == null || holding.open == 0) {
                return;
            }
            holding.open--;
            if (holding.open > 0) {
                return;
            }
            holding.lastClosed = time.now();
            generation = ++holding.generation;
            if (graceNanos == 0 || closing) {
                releaseLocked(user, generation);
                return;
            }
        }
        try {
            worker.schedule(() -> {
                synchronized (lock) {
                    releaseLocked(user, generation);
                }
            }, graceNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            // Stopping: close() lets everyone go.
        }
    }

    /** Under {@link #lock}: lets {@code user} go unless a connection opened since {@code generation}. */
    private void releaseLocked(UserId user, long generation) {
        Held holding = held.get(user);
        if (holding != null && holding.open == 0 && holding.generation == generation) {
            held.remove(user);
            departedAt.put(user, holding.lastClosed);
            changedLocked(user);
        }
    }

    /** Under {@link #lock}. */
    private void changedLocked(UserId user) {
        changed.add(user);
        if (!turnDue) {
            try {
                worker.schedule(this::turn, closing ? 0 : TURN_DELAY.toMillis(), TimeUnit.MILLISECONDS);
                turnDue = true;
            } catch (RejectedExecutionException stopped) {
                // Stopping: close() takes the last turn itself.
            }
        }
    }

    /** The worker's turn: what changed since the last one, told to the store, and the transitions announced. */
    private void turn() {
        Set<UserId> arrived = new HashSet<>();
        Set<UserId> left = new HashSet<>();
        Map<UserId, Instant> lastSeen = new HashMap<>();
        synchronized (lock) {
            turnDue = false;
            for (UserId user : changed) {
                boolean holds = held.containsKey(user);
                boolean told = reported.contains(user);
                if (holds && !told) {
                    arrived.add(user);
                } else if (!holds && told) {
                    left.add(user);
                    lastSeen.put(user, departedAt.get(user));
                }
            }
            changed.clear();
            departedAt.clear();
        }
        if (arrived.isEmpty() && left.isEmpty()) {
            return;
        }
        try {
            PresenceStore.Transitions transitions = store.update(arrived, left);
            reported.addAll(arrived);
            reported.removeAll(left);
            announce(transitions, lastSeen);
        } catch (Throwable failure) {
            failed("Presence could not be updated", failure);
        }
    }

    /** The worker's round: the store maintained (this node's entry renewed, stopped nodes' users found). */
    private void maintain() {
        try {
            announce(store.maintain(Set.copyOf(reported)), Map.of());
        } catch (Throwable failure) {
            failed("Presence could not be maintained", failure);
        }
    }

    /**
     * Records {@code last_seen} of everyone gone offline (one transaction), finds the partners of everyone who changed
     * (one query per {@value PresenceRepository#BATCH} users), and tells them.
     */
    private void announce(PresenceStore.Transitions transitions, Map<UserId, Instant> lastSeen) {
        if (transitions.isEmpty()) {
            return;
        }
        Map<UserId, Instant> seen = new HashMap<>();
        Instant now = time.now();
        for (UserId user : transitions.offline()) {
            seen.put(user, Optional.ofNullable(lastSeen.get(user)).orElse(now));
        }
        if (!seen.isEmpty()) {
            try {
                repository.recordLastSeen(seen);
            } catch (Throwable failure) {
                failed("The last-seen times of users could not be stored", failure);
            }
        }
        Set<UserId> changed = new HashSet<>(transitions.online());
        changed.addAll(transitions.offline());
        Map<UserId, Set<UserId>> partners;
        try {
            partners = repository.partnersOf(changed);
        } catch (Throwable failure) {
            failed("The thread partners of users could not be read to announce their presence", failure);
            return;
        }
        for (UserId user : changed) {
            Set<UserId> told = partners.getOrDefault(user, Set.of());
            if (told.isEmpty()) {
                continue;
            }
            try {
                delivery.deliver(new PresenceChanged(user, transitions.online().contains(user),
                        Optional.ofNullable(seen.get(user)), DeliveryPolicy.forPresence(told)));
            } catch (Throwable failure) {
                failed("The presence of a user could not be announced", failure);
            }
        }
        if (failing) {
            failing = false;
            if (failureLogged) {
                failureLogged = false;
                LOG.log(Level.INFO, "Presence is announced again");
            }
        }
    }

    /**
     * Logs the first failure until a turn works again; a storage outage ({@link Unavailable}) is not logged here: the
     * storage adapter logs each outage once, and one input is worth one log line at most.
     */
    private void failed(String what, Throwable failure) {
        if (!failing) {
            failing = true;
            failureLogged = !(failure instanceof Unavailable);
            if (failureLogged) {
                LOG.log(Level.WARNING, what + " (logged once until it works again): " + describe(failure));
            }
        }
    }

    /**
     * Takes a turn now and waits for it: every change made before this call is announced (tests).
     *
     * @throws IllegalStateException when that takes more than 10 s
     */
    void settle() {
        try {
            worker.submit(this::turn).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Presence did not settle", e);
        }
    }

    /** Runs one maintenance round now and waits for it (tests). */
    void maintainNow() {
        try {
            worker.submit(this::maintain).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Presence was not maintained", e);
        }
    }

    /**
     * Lets every user held here go at once and announces it (the node stops), waiting at most a few seconds; then
     * stops the worker. Call it before the bus and the database close. Calling it again does nothing.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
            Instant now = time.now();
            for (Map.Entry<UserId, Held> holding : held.entrySet()) {
                Instant lastClosed = holding.getValue().open == 0 ? holding.getValue().lastClosed : now;
                departedAt.put(holding.getKey(), lastClosed == null ? now : lastClosed);
                changed.add(holding.getKey());
            }
            held.clear();
        }
        try {
            worker.submit(this::turn).get(CLOSING.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            LOG.log(Level.WARNING, "Presence could not be announced while stopping: " + describe(e));
        } finally {
            worker.shutdownNow();
        }
    }

    private static String describe(Throwable failure) {
        try {
            return String.valueOf(failure).replace('\n', ' ').replace('\r', ' ');
        } catch (Throwable indescribable) {
            return failure.getClass().getName();
        }
    }

    /** A user held here. Under {@link #lock}. */
    private static final class Held {
        int open;
        /** Counts the times the last connection closed and a connection reopened within the grace. */
        long generation;
        Instant lastClosed;
    }
}
