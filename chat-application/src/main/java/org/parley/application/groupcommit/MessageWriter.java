package org.parley.application.groupcommit;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.parley.application.error.Unavailable;
import org.parley.application.port.out.AppendedMessage;
import org.parley.application.port.out.ChatMetrics;
import org.parley.application.port.out.DraftToStore;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.MessageSeen;
import org.parley.application.port.out.MessageDeleted;
import org.parley.application.port.out.MessageEdited;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.OutboundEvent;
import org.parley.application.port.out.PresenceChanged;
import org.parley.application.port.out.RepeatedSend;
import org.parley.application.port.out.UserTyping;
import org.parley.application.port.out.StoreMessages;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageDraft;

/**
 * Group commit, the {@link StoreMessages} port: the one way messages are stored. Callers hand over drafts and get a
 * future; one writer thread takes every draft waiting at that moment (up to a batch size), stores them with
 * {@link MessageRepository#appendAll} in one transaction, and only after that commit hands the batch to one delivery
 * thread, which publishes the batch's events through one {@link EventDelivery.Batch} (a connection getting several
 * frames of them gets them in one write), closes it, then completes the batch's futures. The two threads form a
 * pipeline: while one batch is delivered, the next one is being stored. When there is little to pipeline (the
 * delivery thread has completed everything it was given, and no message waits to be stored or the batch is small),
 * the writer delivers and completes the batch itself, which spares waking the delivery thread for it (a wake-up is
 * dear on a busy virtual machine: docs/PERFORMANCE.md). So:
 * <ul>
 *   <li><b>durability is kept</b>: no {@code conf_message} or {@code re_message} frame of a message leaves before the
 *       transaction holding it has committed;</li>
 *   <li><b>a commit is shared</b>: under load, the messages that arrive while one batch commits form the next batch,
 *       so the cost of a commit (a WAL flush on PostgreSQL) is divided among them; with no load a message is written
 *       alone at once, with no added wait. Where a commit costs more than its own time (embedded H2 keeps every
 *       commit's chunk for 45 s), the writer may be given a <b>gathering wait</b>: while messages arrive less than
 *       that wait apart, a batch of fewer than {@value #GATHER_ENOUGH} messages waits for more, at most until its first
 *       message has waited that long since it was queued ({@link Gathering}); a lone message still goes at once;</li>
 *   <li><b>one order</b>: batches are stored one after another by one thread, so on this server ids are in commit
 *       order and every connection receives frames in id order;</li>
 *   <li><b>each event says where its message stands</b>: the {@link MessageStored} event of a message carries the
 *       {@link org.parley.application.port.out.ThreadPosition} storage gave it (the message of its thread stored just
 *       before it, on any server), so whoever receives a conversation's events from several servers can keep them in
 *       order and notice a gap;</li>
 *   <li><b>a send is stored once</b> (contract §14): a draft that repeats its sender's {@code client_msg_id}
 *       ({@link #storeOnceThenPublish}) is answered by the repository, in the batch's transaction, with the original
 *       message; no frame is sent of it again (the delivery is told it was repeated,
 *       {@link EventDelivery#sendRepeated}: across nodes, recipients who may have missed the first catch up), and its
 *       future completes with that original;</li>
 *   <li><b>callers do not block</b> on storage (a websocket handler returns at once), except when more than the
 *       queue's capacity is waiting: then {@link #store} waits for room, which slows the senders down
 *       (back-pressure) instead of growing memory without bound ({@link #storeOnceThenPublishAtOnce} never waits: it
 *       declines instead);</li>
 * </ul>
 *
 * <p><b>Failures stay with their message.</b> Both threads are shared by every user of the server, so nothing one
 * message does may stop them:
 * <ul>
 *   <li>a batch the store refuses (whatever it throws, {@link Error}s and undeclared checked exceptions included) is
 *       retried one message at a time, so one bad message fails alone and the others are stored; its future fails;
 *       a batch refused because the store cannot be reached ({@link Unavailable}) fails whole at once, with that
 *       answer;</li>
 *   <li>a message whose delivery throws (anything) is logged once with its id and skipped; it stays stored and its
 *       future completes normally: the store, not the frames, is what a future promises;</li>
 *   <li>every future completes, normally when its message was stored, exceptionally when it was not;</li>
 *   <li>should one of the threads die all the same (the failure handling itself failing), it is replaced at once by a
 *       thread that carries on where it stopped, and the replacement is counted ({@link #threadRestarts()}).</li>
 * </ul>
 * Futures complete on the delivery thread or the writer thread: what callers chain to them must be short and must not
 * block (nor wait for a message they store: on these two threads a message handed over never waits for room in the
 * queue; it is kept, in order, for the writer to take first).
 *
 * <p><b>Metrics</b> ({@link ChatMetrics}, contract §17): each committed batch is reported once (messages stored, its
 * size, its commit time), and each delivered message once (the time from its batch's commit until its event was handed
 * to this node's connections). With {@link ChatMetrics#none()} the clock is not even read.
 */
public final class MessageWriter implements StoreMessages, AutoCloseable {

    static final String WRITER_THREAD = "parley-message-writer";
    static final String DELIVERY_THREAD = "parley-message-delivery";

    private static final System.Logger LOG = System.getLogger(MessageWriter.class.getName());
    private static final long IDLE_POLL_MILLIS = 50;
    static final int MAX_BATCHES_AWAITING_DELIVERY = 16;
    private static final int FAILURES_MEANING_STORE_DOWN = 2;
    /** A batch this full is committed without a gathering wait: fuller commits save little more (docs/PERFORMANCE.md). */
    static final int GATHER_ENOUGH = 8;
    /**
     * A committed batch this small is delivered by the writer itself when the delivery thread is idle, even with
     * messages waiting to be stored ({@link #handOver}).
     */
    static final int DELIVERED_BY_THE_WRITER_UP_TO = GATHER_ENOUGH;
    /** Put on {@link #toDeliver} by the writer thread as it stops: the delivery thread stops when it reaches it. */
    private static final Outcomes END = new Outcomes(List.of(), List.of(), null, 0);

    private final MessageRepository messages;
    /** Whether each batch also records its messages' webhook events (contract §15), in the same transaction. */
    private final boolean recordWebhookEvents;
    private final EventDelivery delivery;
    private final Failures failures;
    private final ChatMetrics metrics;
    /** Whether {@link #metrics} counts anything: without it, no clock is read for it. */
    private final boolean timed;
    private final int maxBatchSize;
    /** When a small batch waits for more messages; only the writer thread calls it (but {@link Gathering#waits}). */
    private final Gathering gathering;
    /** Whether a message's enqueue time is read: only for {@link #gathering}. */
    private final boolean stamped;
    private final BlockingQueue<Pending> queue;
    private final ReadWriteLock closing = new ReentrantReadWriteLock();
    /** Committed batches waiting for delivery, in commit order; bounded, so a lagging delivery slows the writer. */
    private final BlockingQueue<Outcomes> toDeliver = new LinkedBlockingQueue<>(MAX_BATCHES_AWAITING_DELIVERY);
    /**
     * Outcomes handed to the delivery thread and not yet completed by it: while there are none, the delivery thread
     * has nothing to do, and the writer completes a batch itself ({@link #handOver}). Only the writer thread adds.
     */
    private final AtomicInteger withDeliveryThread = new AtomicInteger();
    /** Whether the writer completes a batch itself when the delivery thread has nothing to do (always, but in tests). */
    private final boolean completeOnWriterWhenIdle;
    /**
     * Messages handed over on the writer or delivery thread (by what callers chained to futures they completed) while
     * the queue was full, with what was queued before them, in order; the writer takes them first. Unbounded, but
     * only those two threads add to it, a callback at a time.
     */
    private final Queue<Pending> overflow = new ConcurrentLinkedQueue<>();
    /** What the writer thread is completing itself; a thread replacing a writer that died in it carries on after it. */
    private volatile Outcomes completingOnWriter;
    private final AtomicInteger threadRestarts = new AtomicInteger();
    private volatile Thread writer;
    private volatile Thread deliverer;
    /** The batch the writer thread is storing; a thread replacing a writer that died in it fails what it left. */
    private volatile List<Pending> writing;
    /** What the delivery thread is completing; a thread replacing one that died in it carries on after it. */
    private volatile Outcomes completing;
    private volatile boolean closed;

    /**
     * Starts the writer and delivery threads. With {@code recordWebhookEvents}, every batch also records a
     * {@code message.new} webhook event per message in the outbox, in the batch's transaction
     * ({@link MessageRepository#appendNewRecordingEvents}; contract §15; none for a repeated send); without it the
     * write path records nothing else. Every batch and every delivery is reported to {@code metrics}
     * ({@link ChatMetrics#none()} for none).
     *
     * @param maxBatchSize   the most messages stored in one transaction
     * @param queueCapacity  the most messages waiting to be stored before {@link #store} makes callers wait
     */
    public MessageWriter(MessageRepository messages, boolean recordWebhookEvents, EventDelivery delivery,
                         int maxBatchSize, int queueCapacity, ChatMetrics metrics) {
        this(messages, recordWebhookEvents, delivery, maxBatchSize, queueCapacity, Duration.ZERO, metrics);
    }

    /**
     * As {@link #MessageWriter(MessageRepository, boolean, EventDelivery, int, int, ChatMetrics)}, with a gathering
     * wait: while messages arrive less than {@code gatherUpTo} apart, a batch of fewer than {@value #GATHER_ENOUGH}
     * messages waits for more until its first message has been queued for {@code gatherUpTo} ({@link Gathering};
     * {@link Duration#ZERO}: never waits).
     *
     * @throws IllegalArgumentException when {@code gatherUpTo} is negative
     */
    public MessageWriter(MessageRepository messages, boolean recordWebhookEvents, EventDelivery delivery,
                         int maxBatchSize, int queueCapacity, Duration gatherUpTo, ChatMetrics metrics) {
        this(messages, recordWebhookEvents, delivery, maxBatchSize, queueCapacity, gatherUpTo, new LoggedFailures(),
                metrics, true);
    }

    /**
     * As the public constructor, with {@code failures} told of every failure instead of the log (tests); without
     * {@code completeOnWriterWhenIdle}, every batch goes through the delivery thread, as under load.
     */
    MessageWriter(MessageRepository messages, EventDelivery delivery, int maxBatchSize, int queueCapacity,
                  Failures failures, boolean completeOnWriterWhenIdle) {
        this(messages, false, delivery, maxBatchSize, queueCapacity, Duration.ZERO, failures, ChatMetrics.none(),
                completeOnWriterWhenIdle);
    }

    private MessageWriter(MessageRepository messages, boolean recordWebhookEvents, EventDelivery delivery,
                          int maxBatchSize, int queueCapacity, Duration gatherUpTo, Failures failures,
                          ChatMetrics metrics, boolean completeOnWriterWhenIdle) {
        this.completeOnWriterWhenIdle = completeOnWriterWhenIdle;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.timed = metrics != ChatMetrics.none();
        this.messages = Objects.requireNonNull(messages, "messages");
        this.recordWebhookEvents = recordWebhookEvents;
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.failures = Objects.requireNonNull(failures, "failures");
        if (maxBatchSize < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("maxBatchSize and queueCapacity must be positive");
        }
        this.maxBatchSize = maxBatchSize;
        this.gathering = new Gathering(gatherUpTo, Math.min(GATHER_ENOUGH, maxBatchSize));
        this.stamped = gathering.waits();
        this.queue = new LinkedBlockingQueue<>(queueCapacity);
        this.deliverer = supervised(DELIVERY_THREAD, this::deliverCommitted, null);
        this.writer = supervised(WRITER_THREAD, this::writeQueued, null);
        deliverer.start();
        writer.start();
    }

    /**
     * Stores {@code draft}; the future completes with the stored message once its batch has committed, or fails with
     * the storage failure. Nothing is delivered.
     */
    @Override
    public CompletableFuture<Message> store(MessageDraft draft) {
        return enqueue(DraftToStore.always(draft), Optional.empty()).thenApply(AppendedMessage::message);
    }

    /**
     * Stores {@code draft}, then, once its batch has committed, delivers {@code event.apply(stored)} on the delivery
     * thread; the future completes after that delivery, normally even when building or delivering the event failed
     * (the message is stored; the failure is logged). When storing fails nothing is delivered and the future fails.
     */
    @Override
    public CompletableFuture<Message> storeThenPublish(MessageDraft draft,
                                                      Function<Message, ? extends OutboundEvent> event) {
        return enqueue(DraftToStore.always(draft), Optional.of(Objects.requireNonNull(event, "event")))
                .thenApply(AppendedMessage::message);
    }

    /**
     * Stores {@code draft} unless it repeats a send of its sender ({@link MessageRepository#appendNew} decides, in the
     * batch's transaction), then, once its batch has committed, delivers {@code event.apply(stored)} on the delivery
     * thread, for a message stored now only: of a repeat, no frame is sent again (the delivery is told of the repeat,
     * {@link EventDelivery#sendRepeated}). The future completes with what storage answered, after that delivery; it
     * fails as {@link #storeThenPublish}'s does.
     */
    @Override
    public CompletableFuture<AppendedMessage> storeOnceThenPublish(DraftToStore draft,
                                                                 Function<Message, ? extends OutboundEvent> event) {
        return enqueue(Objects.requireNonNull(draft, "draft"), Optional.of(Objects.requireNonNull(event, "event")));
    }

    /**
     * As {@link #storeOnceThenPublish}, when the queue has room now and no {@link #close} is under way: empty (nothing
     * queued) when it would have to wait for either. Never blocks.
     */
    @Override
    public Optional<CompletionStage<AppendedMessage>> storeOnceThenPublishAtOnce(
            DraftToStore draft, Function<Message, ? extends OutboundEvent> event) {
        Pending pending = new Pending(Objects.requireNonNull(draft, "draft"),
                Optional.of(Objects.requireNonNull(event, "event")), stamped ? System.nanoTime() : 0);
        if (!closing.readLock().tryLock()) {
            return Optional.empty();
        }
        try {
            return !closed && queue.offer(pending) ? Optional.of(pending.result) : Optional.empty();
        } finally {
            closing.readLock().unlock();
        }
    }

    /**
     * How many times the writer or the delivery thread died and was replaced since this writer started. Always 0 unless
     * the handling of a failure failed itself; anything else deserves a look at the log.
     */
    public int threadRestarts() {
        return threadRestarts.get();
    }

    private CompletableFuture<AppendedMessage> enqueue(DraftToStore draft,
                                               Optional<Function<Message, ? extends OutboundEvent>> then) {
        Pending pending = new Pending(Objects.requireNonNull(draft, "draft"), then, stamped ? System.nanoTime() : 0);
        Thread current = Thread.currentThread();
        if (current == writer || current == deliverer) {
            return enqueueOnAGroupCommitThread(pending);
        }
        closing.readLock().lock();
        try {
            if (closed) {
                pending.result.completeExceptionally(new IllegalStateException("The server is shutting down"));
            } else {
                queue.put(pending);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.result.completeExceptionally(new IllegalStateException("Interrupted while queueing a message", e));
        } finally {
            closing.readLock().unlock();
        }
        return pending.result;
    }

    /**
     * A message handed over by what a caller chained to a future that the writer or the delivery thread completed:
     * that thread must not wait here, since the writer is what makes room in the queue (and waits for the delivery
     * thread when that one lags), and both must go on for {@link #close} to end. So it goes into the queue when there
     * is room and nothing {@link #overflow}ed, else, behind everything queued (moved there first, so that the order of
     * hand-over is kept), into {@link #overflow}, which the writer takes first; while a close is under way it is
     * refused as after it.
     */
    private CompletableFuture<AppendedMessage> enqueueOnAGroupCommitThread(Pending pending) {
        if (!closing.readLock().tryLock()) {
            pending.result.completeExceptionally(new IllegalStateException("The server is shutting down"));
            return pending.result;
        }
        try {
            if (closed) {
                pending.result.completeExceptionally(new IllegalStateException("The server is shutting down"));
            } else if (!overflow.isEmpty() || !queue.offer(pending)) {
                queue.drainTo(overflow);
                overflow.add(pending);
            }
        } finally {
            closing.readLock().unlock();
        }
        return pending.result;
    }

    /**
     * Stops taking messages, stores and delivers every message already handed over, then stops the writer and delivery
     * threads (waiting at most about {@code timeoutMillis}). Calling it again does nothing.
     */
    public void close(long timeoutMillis) {
        closing.writeLock().lock();
        try {
            closed = true;
        } finally {
            closing.writeLock().unlock();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try {
            awaitEnd(() -> writer, deadline);
            awaitEnd(() -> deliverer, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive() || deliverer.isAlive()) {
            LOG.log(Level.WARNING, "The message writer did not finish within {0} ms", timeoutMillis);
        }
    }

    /** {@link #close(long)} with 10 seconds. */
    @Override
    public void close() {
        close(10_000);
    }

    /** Waits until the current thread of one kind has ended (following replacements) or the deadline has passed. */
    private static void awaitEnd(Supplier<Thread> current, long deadlineNanos) throws InterruptedException {
        while (true) {
            Thread thread = current.get();
            long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            thread.join(Math.max(1, leftMillis));
            if (current.get() == thread || leftMillis <= 0) {
                return;
            }
        }
    }

    /** The writer thread's loop; {@code previousDeath} is why the thread it replaces died, or null. */
    private void writeQueued(Throwable previousDeath) {
        finishCompletingOnWriter();
        List<Pending> left = writing;
        if (left != null) {
            writing = null;
            refuseTheRest(left, new IllegalStateException("The message writer stopped while storing", previousDeath));
        }
        List<Pending> batch = new ArrayList<>(maxBatchSize);
        while (true) {
            Pending first = overflow.poll();
            if (first == null) {
                try {
                    first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    // Only close() ends the loop: messages handed over must be stored or failed, never dropped.
                    continue;
                }
            }
            if (first == null) {
                if (closed && queue.isEmpty() && overflow.isEmpty()) {
                    handOver(END);
                    return;
                }
                continue;
            }
            batch.add(first);
            Pending next;
            while (batch.size() < maxBatchSize && (next = overflow.poll()) != null) {
                batch.add(next);
            }
            queue.drainTo(batch, maxBatchSize - batch.size());
            writing = batch;
            try {
                if (stamped) {
                    gather(batch);
                }
                write(batch);
            } catch (Throwable unexpected) {
                failures.unexpected(WRITER_THREAD, unexpected);
                finishCompletingOnWriter();
                refuseTheRest(batch, unexpected);
            }
            writing = null;
            batch.clear();
        }
    }

    /**
     * The gathering wait: counts the messages of {@code batch} as taken, then, while {@link #gathering} says so, waits
     * for more and adds them (never past the batch's first message's enqueue time plus the wait). An interrupt ends
     * the wait: the batch is committed as it is.
     */
    private void gather(List<Pending> batch) {
        int counted = 0;
        long firstEnqueued = batch.get(0).enqueuedNanos;
        while (true) {
            for (; counted < batch.size(); counted++) {
                gathering.taken(batch.get(counted).enqueuedNanos);
            }
            long wait = gathering.waitNanos(batch.size(), firstEnqueued, System.nanoTime());
            if (wait <= 0 || batch.size() >= maxBatchSize) {
                return;
            }
            Pending next;
            try {
                next = queue.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, maxBatchSize - batch.size());
        }
    }

    /**
     * Stores a batch. When the store refuses it, its messages are retried one by one, so the one message the store
     * refuses fails alone; but when {@value #FAILURES_MEANING_STORE_DOWN} retries in a row fail too, the store is taken
     * to be down rather than refusing a message, and the rest of the batch fails at once: a database outage costs a
     * few time-outs per batch, not one per message. When the store itself says it cannot be reached
     * ({@link Unavailable}), the whole batch fails at once with that answer, without retries: the storage adapter
     * bounds how long that takes and, while the database stays down, answers at once.
     */
    private void write(List<Pending> batch) {
        List<AppendedMessage> stored;
        long started = timed ? System.nanoTime() : 0;
        try {
            stored = append(drafts(batch));
        } catch (Unavailable unreachable) {
            // The store says it cannot be reached (not that a message is bad): retrying one by one would only wait
            // again per message. The batch fails at once; its senders are told to try again.
            refuseTheRest(batch, unreachable);
            return;
        } catch (Throwable failure) {
            if (batch.size() == 1) {
                refused(batch.get(0), failure);
            } else {
                writeOneByOne(batch);
            }
            return;
        }
        committed(batch, stored, started);
    }

    private void writeOneByOne(List<Pending> batch) {
        int failuresInARow = 0;
        Throwable lastFailure = null;
        for (Pending pending : batch) {
            if (failuresInARow >= FAILURES_MEANING_STORE_DOWN) {
                refused(pending, lastFailure);
                continue;
            }
            List<AppendedMessage> stored;
            long started = timed ? System.nanoTime() : 0;
            try {
                stored = append(List.of(pending.draft));
            } catch (Throwable failure) {
                refused(pending, failure);
                lastFailure = failure;
                failuresInARow = failure instanceof Unavailable ? FAILURES_MEANING_STORE_DOWN : failuresInARow + 1;
                continue;
            }
            committed(List.of(pending), stored, started);
            failuresInARow = 0;
        }
    }

    /**
     * One transaction storing {@code drafts} (repeats answered with their originals), with the webhook events of the
     * messages stored now when a webhook is configured.
     */
    private List<AppendedMessage> append(List<DraftToStore> drafts) {
        return recordWebhookEvents ? messages.appendNewRecordingEvents(drafts) : messages.appendNew(drafts);
    }

    private static List<DraftToStore> drafts(List<Pending> batch) {
        List<DraftToStore> drafts = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            drafts.add(pending.draft);
        }
        return drafts;
    }

    /**
     * Hands a committed batch to the delivery thread. A store that answers with another number of messages than it was
     * given (or with a null among them) is broken: which were stored is unknown, so the batch fails whole, and is not
     * retried (that could store a message twice).
     */
    private void committed(List<Pending> batch, List<AppendedMessage> stored, long startedNanos) {
        if (stored == null || stored.size() != batch.size() || stored.stream().anyMatch(Objects::isNull)) {
            IllegalStateException broken = new IllegalStateException("The store answered "
                    + (stored == null ? "nothing" : stored.size() + " messages") + " for " + batch.size());
            failures.unexpected(WRITER_THREAD, broken);
            refuseTheRest(batch, broken);
            return;
        }
        List<Pending> committed = List.copyOf(batch);
        long committedNanos = 0;
        if (timed) {
            committedNanos = System.nanoTime();
            reportBatch(stored, committedNanos - startedNanos);
        }
        handOver(new Outcomes(committed, stored, null, committedNanos));
    }

    /** Tells {@link #metrics} of a committed batch; never throws. */
    private void reportBatch(List<AppendedMessage> stored, long commitNanos) {
        int storedNow = 0;
        for (AppendedMessage appended : stored) {
            if (!appended.repeat()) {
                storedNow++;
            }
        }
        try {
            metrics.batchCommitted(storedNow, stored.size(), commitNanos);
        } catch (Throwable ignored) {
            // Counting is all that failed.
        }
    }

    /** Through the delivery thread too, so the sender learns of it in the order it sent. */
    private void refused(Pending pending, Throwable failure) {
        handOver(new Outcomes(List.of(pending), null, failure, 0));
    }

    /** Fails every message of {@code batch} not yet handed to the delivery thread. */
    private void refuseTheRest(List<Pending> batch, Throwable failure) {
        for (Pending pending : batch) {
            if (!pending.handedOver) {
                refused(pending, failure);
            }
        }
    }

    /**
     * Queues work for the delivery thread, waiting while it lags {@value #MAX_BATCHES_AWAITING_DELIVERY} batches; or,
     * when the delivery thread has nothing to do, and either no message waits to be stored or the batch is small (at
     * most {@value #DELIVERED_BY_THE_WRITER_UP_TO} messages: the rate is low, and delivering it takes a fraction of a
     * commit), does it on this (the writer) thread: the frames then leave without a thread being woken for them. Under
     * load, batches grow past that size and the two threads work as a pipeline again. The order is kept either way:
     * the writer completes a batch itself only once the delivery thread has completed everything handed to it.
     */
    private void handOver(Outcomes outcomes) {
        if (completeOnWriterWhenIdle && outcomes != END && withDeliveryThread.get() == 0
                && (outcomes.pendings.size() <= DELIVERED_BY_THE_WRITER_UP_TO || queue.isEmpty())) {
            markHandedOver(outcomes);
            completingOnWriter = outcomes;
            completeAll(outcomes, WRITER_THREAD);
            completingOnWriter = null;
            return;
        }
        withDeliveryThread.incrementAndGet();
        try {
            while (true) {
                try {
                    toDeliver.put(outcomes);
                    break;
                } catch (InterruptedException e) {
                    // Committed messages must be delivered and their futures completed: keep trying.
                }
            }
        } catch (Throwable notQueued) {
            // Nothing was handed over (the messages stay the writer's to refuse).
            withDeliveryThread.decrementAndGet();
            throw notQueued;
        }
        markHandedOver(outcomes);
    }

    /** From here on the outcome of these messages is the delivery's: the writer does not refuse them. */
    private static void markHandedOver(Outcomes outcomes) {
        for (Pending pending : outcomes.pendings) {
            pending.handedOver = true;
        }
    }

    /** The delivery thread's loop; a replacement thread first finishes what the thread it replaces was doing. */
    private void deliverCommitted(Throwable previousDeath) {
        while (true) {
            Outcomes outcomes = completing;
            if (outcomes == null) {
                outcomes = takeNext();
                completing = outcomes;
            }
            if (outcomes == END) {
                return;
            }
            completeAll(outcomes, DELIVERY_THREAD);
            completing = null;
            withDeliveryThread.decrementAndGet();
        }
    }

    /** Completes what the writer thread left half completed ({@link #handOver}), if anything. */
    private void finishCompletingOnWriter() {
        Outcomes unfinished = completingOnWriter;
        if (unfinished != null) {
            completeAll(unfinished, WRITER_THREAD);
            completingOnWriter = null;
        }
    }

    /** Completes every message of {@code outcomes} ({@link #completeTheRest}), on {@code thread}, whatever it throws. */
    private void completeAll(Outcomes outcomes, String thread) {
        while (outcomes.completed < outcomes.pendings.size()) {
            try {
                completeTheRest(outcomes, thread);
            } catch (Throwable unexpected) {
                failures.unexpected(thread, unexpected);
            }
        }
    }

    private Outcomes takeNext() {
        while (true) {
            try {
                return toDeliver.take();
            } catch (InterruptedException e) {
                // Only END, put there by the writer thread as it stops, ends the loop.
            }
        }
    }

    /**
     * Delivers the stored messages of {@code outcomes} through one {@link EventDelivery.Batch}, closes it (the frames a
     * connection gets of the batch leave together), then completes every message's future, in order: so what a caller
     * chains to a future (an answer on the sender's connection) follows the batch's frames. Each position moves past
     * a message before it is handled, so a thread that dies handling one is replaced by one that carries on with the
     * next, and closes the batch the dead thread left open.
     */
    private void completeTheRest(Outcomes outcomes, String thread) {
        int size = outcomes.pendings.size();
        if (outcomes.stored == null) {
            outcomes.next = size;
        } else if (outcomes.next < size || outcomes.batch != null) {
            if (outcomes.batch == null) {
                outcomes.batch = openBatch(thread);
            }
            while (outcomes.next < size) {
                int i = outcomes.next++;
                deliver(outcomes.batch, outcomes.pendings.get(i), outcomes.stored.get(i), outcomes);
            }
            EventDelivery.Batch batch = outcomes.batch;
            outcomes.batch = null;
            close(batch, thread);
            reportDelivered(outcomes);
        }
        while (outcomes.completed < size) {
            int i = outcomes.completed++;
            Pending pending = outcomes.pendings.get(i);
            if (outcomes.stored == null) {
                pending.result.completeExceptionally(outcomes.refusal);
            } else {
                pending.result.complete(outcomes.stored.get(i));
            }
        }
    }

    /** A batch of {@link #delivery}; should opening one throw, one that delivers each event at once. */
    private EventDelivery.Batch openBatch(String thread) {
        try {
            EventDelivery.Batch batch = delivery.openBatch();
            if (batch != null) {
                return batch;
            }
        } catch (Throwable failure) {
            failures.unexpected(thread, failure);
        }
        return delivery::deliver;
    }

    private void close(EventDelivery.Batch batch, String thread) {
        try {
            batch.close();
        } catch (Throwable failure) {
            failures.unexpected(thread, failure);
        }
    }

    /**
     * Delivers (if asked) the event, placed where storage put its message, through {@code batch}; for a repeated send,
     * tells the delivery that it was repeated ({@link EventDelivery#sendRepeated}) instead. A delivery failure is
     * reported, never undoes the stored message.
     */
    private void deliver(EventDelivery.Batch batch, Pending pending, AppendedMessage stored, Outcomes outcomes) {
        Message message = stored.message();
        try {
            if (pending.then.isEmpty()) {
                return;
            }
            OutboundEvent event = pending.then.get().apply(message);
            if (!stored.repeat()) {
                batch.deliver(placed(event, stored));
                outcomes.delivered++;
            } else if (event instanceof MessageStored first) {
                delivery.sendRepeated(RepeatedSend.of(first));
            }
        } catch (Throwable failure) {
            failures.undelivered(message, failure);
        }
    }

    /** Tells {@link #metrics} of each message of {@code outcomes} delivered (its batch closed); never throws. */
    private void reportDelivered(Outcomes outcomes) {
        if (!timed) {
            return;
        }
        try {
            long sinceCommit = System.nanoTime() - outcomes.committedNanos;
            for (int i = 0; i < outcomes.delivered; i++) {
                metrics.delivered(sinceCommit);
            }
        } catch (Throwable ignored) {
            // Counting is all that failed.
        }
    }

    /**
     * {@code event} with the position storage gave its message. Every kind of event a stored message can cause says
     * here what its position is (a new kind does not compile until it does).
     *
     * @throws IllegalStateException when the event is about another message than the one stored
     */
    private static OutboundEvent placed(OutboundEvent event, AppendedMessage stored) {
        return event.accept(new OutboundEvent.Cases<OutboundEvent>() {
            @Override
            public OutboundEvent messageStored(MessageStored messageStored) {
                if (!messageStored.message().id().equals(stored.message().id())) {
                    throw new IllegalStateException("The event of message " + stored.message().id()
                            + " is about message " + messageStored.message().id());
                }
                return messageStored.at(stored.position());
            }

            /** A read marker is not caused by storing a message. */
            @Override
            public OutboundEvent messageSeen(MessageSeen seen) {
                throw new IllegalStateException("Storing message " + stored.message().id() + " cannot cause a read marker");
            }

            @Override
            public OutboundEvent messageEdited(MessageEdited edited) {
                throw new IllegalStateException("An edit is not stored by group commit");
            }

            @Override
            public OutboundEvent messageDeleted(MessageDeleted deleted) {
                throw new IllegalStateException("A deletion is not stored by group commit");
            }

            @Override
            public OutboundEvent userTyping(UserTyping typing) {
                throw new IllegalStateException("Typing is never stored; message " + stored.message().id()
                        + " cannot cause it");
            }

            @Override
            public OutboundEvent presenceChanged(PresenceChanged presence) {
                throw new IllegalStateException("Presence is never stored; message " + stored.message().id()
                        + " cannot cause it");
            }
        });
    }

    /**
     * A daemon thread running {@code loop}; should the loop ever end by throwing, the thread is replaced by a new one
     * running it again (told why its predecessor died), and the replacement is counted.
     */
    private Thread supervised(String name, Consumer<Throwable> loop, Throwable previousDeath) {
        Thread thread = new Thread(() -> loop.accept(previousDeath), name);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler((dead, cause) -> replace(dead, cause, loop));
        return thread;
    }

    /** Runs on the dying thread, after its loop threw {@code cause}: starts its replacement first, then reports. */
    private void replace(Thread dead, Throwable cause, Consumer<Throwable> loop) {
        int restarts = threadRestarts.incrementAndGet();
        Thread replacement = supervised(dead.getName(), loop, cause);
        if (dead == writer) {
            writer = replacement;
        } else {
            deliverer = replacement;
        }
        replacement.start();
        try {
            failures.threadReplaced(dead.getName(), cause, restarts);
        } catch (Throwable ignored) {
            // Reporting is all that failed; the replacement runs.
        }
    }

    /**
     * Where the writer's failures go: the log, or a test. A failure is described in one line, without the message's
     * content, and describing it never throws whatever the failure is.
     */
    interface Failures {

        /** {@code message} was stored, but delivering it threw {@code failure}. */
        void undelivered(Message message, Throwable failure);

        /** The loop of {@code thread} caught {@code failure}, which none of its own failure handling expected. */
        void unexpected(String thread, Throwable failure);

        /** {@code thread} died of {@code cause} and was replaced; {@code restarts} replacements so far. */
        void threadReplaced(String thread, Throwable cause, int restarts);

        /** {@code failure}'s text on one line, or only its class name when even that cannot be had. Never throws. */
        static String describe(Throwable failure) {
            try {
                return String.valueOf(failure).replace('\n', ' ').replace('\r', ' ');
            } catch (Throwable indescribable) {
                return failure.getClass().getName() + " (which cannot describe itself)";
            }
        }
    }

    /** Reports to the log: one line each. */
    private static final class LoggedFailures implements Failures {

        @Override
        public void undelivered(Message message, Throwable failure) {
            LOG.log(Level.ERROR, "Message " + message.id().value() + " of user " + message.sender()
                    + " was stored but could not be delivered: " + Failures.describe(failure));
        }

        @Override
        public void unexpected(String thread, Throwable failure) {
            LOG.log(Level.ERROR, "The " + thread + " thread caught an unexpected failure: "
                    + Failures.describe(failure));
        }

        @Override
        public void threadReplaced(String thread, Throwable cause, int restarts) {
            LOG.log(Level.ERROR, "The " + thread + " thread died and was replaced (" + restarts
                    + " replacements so far): " + Failures.describe(cause));
        }
    }

    /** A draft handed over, the event to publish once it is stored, and its caller's future. */
    private static final class Pending {
        final DraftToStore draft;
        final Optional<Function<Message, ? extends OutboundEvent>> then;
        final CompletableFuture<AppendedMessage> result = new CompletableFuture<>();
        /** When it was queued ({@link System#nanoTime()}), for the gathering wait; 0 when the writer has none. */
        final long enqueuedNanos;
        /** Set by the writer thread once the draft's outcome is queued for the delivery thread. */
        boolean handedOver;

        Pending(DraftToStore draft, Optional<Function<Message, ? extends OutboundEvent>> then, long enqueuedNanos) {
            this.draft = draft;
            this.then = then;
            this.enqueuedNanos = enqueuedNanos;
        }
    }

    /**
     * Work for the delivery thread: complete some messages' futures in order, after delivering them when they were
     * stored ({@code stored} holds them, index for index), or failing them with {@code refusal} when not.
     */
    private static final class Outcomes {
        final List<Pending> pendings;
        final List<AppendedMessage> stored;
        final Throwable refusal;
        /** When the batch committed ({@link System#nanoTime()}; 0 when not timed). */
        final long committedNanos;
        /**
         * The next message to deliver, and the next to complete; only the delivery thread (or its replacement, which
         * it starts) moves them.
         */
        int next;
        int completed;
        /** The batch the stored messages are delivered through, from its opening until it is closed. */
        EventDelivery.Batch batch;
        /** How many events were handed to {@link #batch} (metrics). */
        int delivered;

        Outcomes(List<Pending> pendings, List<AppendedMessage> stored, Throwable refusal, long committedNanos) {
            this.pendings = pendings;
            this.stored = stored;
            this.refusal = refusal;
            this.committedNanos = committedNanos;
        }
    }
}
