package org.parley.application.webhook;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.parley.application.port.in.LinkToAttachment;
import org.parley.application.port.out.ClaimedWebhookEvent;
import org.parley.application.port.out.ConnectedUsers;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.ReadMarkerRepository;
import org.parley.application.port.out.TimeSource;
import org.parley.application.port.out.UserAccounts;
import org.parley.application.port.out.WebhookEndpoint;
import org.parley.application.port.out.WebhookEvent;
import org.parley.application.port.out.WebhookNotice;
import org.parley.application.port.out.WebhookOutbox;
import org.parley.domain.chat.Message;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * Sends the webhook outbox to the app's backend (contract §15), on threads of its own, so that a backend that is
 * slow or down never slows chat: one claiming thread ({@value #CLAIMING_THREAD}) and at most
 * {@link Settings#senders()} sending threads, none of them group commit's or delivery's.
 *
 * <p>The claiming thread asks the outbox for the due heads of its receivers ({@link WebhookOutbox#claimDue}: the
 * oldest event of each receiver, not claimed by another node), as many as senders are free, and hands each to a
 * sender; it asks again as soon as a sender is done, or every {@link Settings#pollInterval()} when idle. A sender reads
 * the message as history shows it, whether its receiver is online ({@link ConnectedUsers}), POSTs it
 * ({@link WebhookEndpoint}) and then:
 * <ul>
 *   <li>a 2xx: {@link WebhookOutbox#acknowledge} (the receiver's next event becomes its head);</li>
 *   <li>anything else, or no answer in time: {@link WebhookOutbox#retryLater}, after {@link Backoff#after} the
 *       failures so far (1 s, 2 s, 4 s … 10 min); a failure 24 h or more after the event's creation gives it up
 *       ({@link WebhookOutbox#giveUp}, one log line).</li>
 * </ul>
 * So events are sent at least once (a node that dies mid-POST leaves its claim to end, and the event is sent again),
 * one at a time per receiver and in order. The log says when the backend starts failing and when it answers again
 * (one line each), not once per attempt.
 */
public final class WebhookRelay implements AutoCloseable {

    static final String CLAIMING_THREAD = "parley-webhook-relay";
    private static final System.Logger LOG = System.getLogger(WebhookRelay.class.getName());

    /**
     * How the relay runs.
     *
     * @param senders      the most POSTs in flight at once (sending threads), at least 1
     * @param pollInterval how often an idle relay asks the outbox for due events
     * @param lease        how long a claim holds: longer than a POST's time-out, so that a live node's claim never
     *                     ends under it
     * @param backoff      when failed events are tried again, and given up
     */
    public record Settings(int senders, Duration pollInterval, Duration lease, Backoff backoff) {

        public Settings {
            Objects.requireNonNull(pollInterval, "pollInterval");
            Objects.requireNonNull(lease, "lease");
            Objects.requireNonNull(backoff, "backoff");
            if (senders < 1 || pollInterval.isNegative() || pollInterval.isZero() || lease.isNegative()
                    || lease.isZero()) {
                throw new IllegalArgumentException("senders, pollInterval and lease must be positive");
            }
        }

        /** {@code senders} threads, polling every 250 ms, a claim held for the POST time-out plus a minute. */
        public static Settings of(int senders, Duration postTimeout) {
            return new Settings(senders, Duration.ofMillis(250), postTimeout.plusMinutes(1), Backoff.CONTRACT);
        }
    }

    private final WebhookOutbox outbox;
    private final WebhookEndpoint endpoint;
    private final MessageRepository messages;
    private final ReadMarkerRepository readMarkers;
    private final UserAccounts users;
    private final LinkToAttachment links;
    private final ConnectedUsers online;
    private final TimeSource time;
    private final Settings settings;
    private final String claimant = "node-" + UUID.randomUUID();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicInteger consecutiveStoreFailures = new AtomicInteger();
    private final Semaphore freeSenders;
    private final Semaphore wakeUp = new Semaphore(0);
    private volatile boolean closed;
    private ExecutorService senders;
    private Thread claiming;

    /** A relay that does nothing until {@link #start()} (or, in tests, {@link #relayDue()}) is called. */
    public WebhookRelay(WebhookOutbox outbox, WebhookEndpoint endpoint, MessageRepository messages,
                        ReadMarkerRepository readMarkers, UserAccounts users, LinkToAttachment links,
                        ConnectedUsers online, TimeSource time, Settings settings) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.messages = Objects.requireNonNull(messages, "messages");
        this.readMarkers = Objects.requireNonNull(readMarkers, "readMarkers");
        this.users = Objects.requireNonNull(users, "users");
        this.links = Objects.requireNonNull(links, "links");
        this.online = Objects.requireNonNull(online, "online");
        this.time = Objects.requireNonNull(time, "time");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.freeSenders = new Semaphore(settings.senders());
    }

    /** Starts the claiming thread and the sending threads. */
    public synchronized WebhookRelay start() {
        if (claiming != null) {
            throw new IllegalStateException("The webhook relay is already running");
        }
        AtomicInteger numbers = new AtomicInteger();
        senders = Executors.newFixedThreadPool(settings.senders(), task -> {
            Thread thread = new Thread(task, "parley-webhook-sender-" + numbers.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        claiming = new Thread(this::claimLoop, CLAIMING_THREAD);
        claiming.setDaemon(true);
        claiming.start();
        return this;
    }

    /**
     * Claims what is due now and sends it, one event after another, on the calling thread (tests drive the relay with
     * it, on a clock of their own).
     *
     * @return how many events were claimed
     */
    public int relayDue() {
        List<ClaimedWebhookEvent> claimed = outbox.claimDue(claimant, time.now(), settings.lease(), settings.senders());
        claimed.forEach(this::send);
        return claimed.size();
    }

    /**
     * Stops claiming, interrupts the POSTs in flight (their events are tried again later, by this node after a restart
     * or by another) and waits for the sending threads at most {@code timeout}.
     */
    public void close(Duration timeout) {
        closed = true;
        wakeUp.release();
        Thread thread;
        ExecutorService pool;
        synchronized (this) {
            thread = claiming;
            pool = senders;
        }
        if (thread == null) {
            return;
        }
        try {
            thread.join(timeout.toMillis());
            pool.shutdownNow();
            pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(2));
    }

    private void claimLoop() {
        while (!closed) {
            int claimedNow = 0;
            int free = freeSenders.drainPermits();
            try {
                if (free > 0) {
                    List<ClaimedWebhookEvent> claimed = outbox.claimDue(claimant, time.now(), settings.lease(), free);
                    claimedNow = claimed.size();
                    for (ClaimedWebhookEvent event : claimed) {
                        senders.execute(() -> sendThenFree(event));
                    }
                    consecutiveStoreFailures.set(0);
                }
            } catch (RuntimeException | Error failure) {
                if (consecutiveStoreFailures.getAndIncrement() == 0) {
                    LOG.log(Level.WARNING, "The webhook relay cannot read its outbox (trying again every "
                            + settings.pollInterval().toMillis() + " ms): " + describe(failure));
                }
            } finally {
                freeSenders.release(free - claimedNow);
            }
            if (claimedNow == 0) {
                try {
                    wakeUp.tryAcquire(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wakeUp.drainPermits();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void sendThenFree(ClaimedWebhookEvent claimed) {
        try {
            send(claimed);
        } catch (RuntimeException | Error failure) {
            // The outbox could not be told (the database is away): the claim ends with its lease and the event is
            // sent again then. Never let one event stop a sending thread.
            LOG.log(Level.WARNING, "Webhook event " + claimed.event().id() + " could not be settled: "
                    + describe(failure));
        } finally {
            freeSenders.release();
            wakeUp.release();
        }
    }

    /** Sends one claimed event and settles it in the outbox: acknowledged, tried again later, or given up. */
    void send(ClaimedWebhookEvent claimed) {
        WebhookEvent event = claimed.event();
        Optional<Message> message = messages.findById(event.message());
        if (message.isEmpty()) {
            outbox.giveUp(claimed);
            LOG.log(Level.WARNING, "Webhook event " + event.id() + " dropped: message " + event.message().value()
                    + " is not stored");
            return;
        }
        Message current = message.get();
        Map<UserId, User> people = users.findAllById(Set.of(current.sender(), current.receiver()));
        String failure;
        if (!people.containsKey(current.sender()) || !people.containsKey(current.receiver())) {
            failure = "a participant of message " + current.id().value() + " cannot be read";
        } else {
            failure = endpoint.post(new WebhookNotice(event, online.isOnline(event.receiver()), current,
                    readMarkers.findIn(current.threadId()).seen(current), people, links.linkFor(current)));
        }
        // A POST cut short by a stop still settles its event (so that it is tried again at once after a restart,
        // not when its claim ends): the outbox is told with the interrupt put aside, then it is restored.
        boolean interrupted = Thread.interrupted();
        try {
            settle(claimed, failure);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void settle(ClaimedWebhookEvent claimed, String failure) {
        if (failure == null) {
            outbox.acknowledge(claimed);
            if (failing.compareAndSet(true, false)) {
                LOG.log(Level.INFO, "The webhook answers again");
            }
            return;
        }
        failed(claimed, failure);
    }

    private void failed(ClaimedWebhookEvent claimed, String why) {
        WebhookEvent event = claimed.event();
        int failures = claimed.attempts() + 1;
        Instant now = time.now();
        if (!now.isBefore(event.createdAt().plus(settings.backoff().giveUpAfter()))) {
            outbox.giveUp(claimed);
            LOG.log(Level.WARNING, "Webhook event " + event.id() + " (" + event.kind() + " of message "
                    + event.message().value() + ") given up after " + failures + " attempts in "
                    + settings.backoff().giveUpAfter().toHours() + " h; last failure: " + why);
            return;
        }
        outbox.retryLater(claimed, now.plus(settings.backoff().after(failures)));
        if (failing.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "The webhook failed (" + why + "); events are tried again with backoff, from "
                    + settings.backoff().first().toMillis() + " ms doubling to " + settings.backoff().longest().toSeconds()
                    + " s");
        }
    }

    private static String describe(Throwable failure) {
        try {
            return String.valueOf(failure).replace('\n', ' ').replace('\r', ' ');
        } catch (Throwable indescribable) {
            return failure.getClass().getName();
        }
    }
}
