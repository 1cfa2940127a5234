package org.parley.application.groupcommit;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

import org.parley.application.port.out.MessageDelivery;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.OutboundMessage;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageDraft;

/**
 * Group commit: the one way messages are stored. Callers hand over drafts and get a future; one writer thread takes
 * every draft waiting at that moment (up to a batch size), stores them with {@link MessageRepository#appendAll} in one
 * transaction, and only after that commit hands the batch to one delivery thread, which delivers each message and
 * completes its future. The two threads form a pipeline: while one batch is delivered, the next one is being stored.
 * So:
 * <ul>
 *   <li><b>durability is kept</b>: no {@code conf_message} or {@code re_message} frame of a message leaves before the
 *       transaction holding it has committed;</li>
 *   <li><b>a commit is shared</b>: under load, the messages that arrive while one batch commits form the next batch,
 *       so the cost of a commit (a WAL flush on PostgreSQL) is divided among them; with no load a message is written
 *       alone at once, with no added wait;</li>
 *   <li><b>one order</b>: batches are stored one after another by one thread, so on this server ids are in commit
 *       order and every connection receives frames in id order;</li>
 *   <li><b>callers do not block</b> on storage (a websocket handler returns at once), except when more than the
 *       queue's capacity is waiting: then {@link #store} waits for room, which slows the senders down
 *       (back-pressure) instead of growing memory without bound.</li>
 * </ul>
 * A failing batch is retried one message at a time, so one bad message fails alone and the others are stored.
 * Futures complete on the delivery thread: what callers chain to them must be short and must not block.
 */
public final class MessageWriter implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MessageWriter.class.getName());
    private static final long IDLE_POLL_MILLIS = 50;
    private static final int MAX_BATCHES_AWAITING_DELIVERY = 16;
    private static final int FAILURES_MEANING_STORE_DOWN = 2;
    /** Put on {@link #toDeliver} by the writer thread as it stops: the delivery thread stops when it reaches it. */
    private static final Runnable END = () -> { };

    private final MessageRepository messages;
    private final MessageDelivery delivery;
    private final int maxBatchSize;
    private final BlockingQueue<Pending> queue;
    private final ReadWriteLock closing = new ReentrantReadWriteLock();
    private final Thread writer;
    /** Committed batches waiting for delivery, in commit order; bounded, so a lagging delivery slows the writer. */
    private final BlockingQueue<Runnable> toDeliver = new LinkedBlockingQueue<>(MAX_BATCHES_AWAITING_DELIVERY);
    private final Thread deliverer;
    private volatile boolean closed;

    /**
     * Starts the writer and delivery threads.
     *
     * @param maxBatchSize   the most messages stored in one transaction
     * @param queueCapacity  the most messages waiting to be stored before {@link #store} makes callers wait
     */
    public MessageWriter(MessageRepository messages, MessageDelivery delivery, int maxBatchSize, int queueCapacity) {
        this.messages = Objects.requireNonNull(messages, "messages");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        if (maxBatchSize < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("maxBatchSize and queueCapacity must be positive");
        }
        this.maxBatchSize = maxBatchSize;
        this.queue = new LinkedBlockingQueue<>(queueCapacity);
        this.deliverer = daemon(this::deliverCommitted, "parley-message-delivery");
        this.writer = daemon(this::writeQueued, "parley-message-writer");
        deliverer.start();
        writer.start();
    }

    /**
     * Stores {@code draft}; the future completes with the stored message once its batch has committed, or fails with
     * the storage failure. Nothing is delivered.
     */
    public CompletableFuture<Message> store(MessageDraft draft) {
        return enqueue(draft, Optional.empty());
    }

    /**
     * Stores {@code draft}, then, once its batch has committed, delivers {@code outbound.apply(stored)}; the future
     * completes after that delivery. When storing fails nothing is delivered and the future fails.
     */
    public CompletableFuture<Message> storeThenDeliver(MessageDraft draft,
                                                       Function<Message, OutboundMessage> outbound) {
        return enqueue(draft, Optional.of(Objects.requireNonNull(outbound, "outbound")));
    }

    private CompletableFuture<Message> enqueue(MessageDraft draft, Optional<Function<Message, OutboundMessage>> then) {
        Pending pending = new Pending(Objects.requireNonNull(draft, "draft"), then, new CompletableFuture<>());
        closing.readLock().lock();
        try {
            if (closed) {
                pending.result().completeExceptionally(new IllegalStateException("The server is shutting down"));
            } else {
                queue.put(pending);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.result().completeExceptionally(new IllegalStateException("Interrupted while queueing a message", e));
        } finally {
            closing.readLock().unlock();
        }
        return pending.result();
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
            writer.join(Math.max(1, timeoutMillis));
            deliverer.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
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

    private void writeQueued() {
        List<Pending> batch = new ArrayList<>(maxBatchSize);
        while (true) {
            Pending first;
            try {
                first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                // Only close() ends the loop: messages handed over must be stored or failed, never dropped.
                continue;
            }
            if (first == null) {
                if (closed && queue.isEmpty()) {
                    handOver(END);
                    return;
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, maxBatchSize - 1);
            write(batch);
            batch.clear();
        }
    }

    /**
     * Stores a batch. When the store refuses it, its messages are retried one by one, so the one message the store
     * refuses fails alone; but when {@value #FAILURES_MEANING_STORE_DOWN} retries in a row fail too, the store is taken
     * to be down rather than refusing a message, and the rest of the batch fails at once: a database outage costs a
     * few time-outs per batch, not one per message.
     */
    private void write(List<Pending> batch) {
        List<Message> stored;
        try {
            stored = messages.appendAll(batch.stream().map(Pending::draft).toList());
        } catch (RuntimeException | Error failure) {
            if (batch.size() == 1) {
                refused(batch.get(0), failure);
            } else {
                writeOneByOne(batch);
            }
            return;
        }
        delivered(batch, stored);
    }

    private void writeOneByOne(List<Pending> batch) {
        int failuresInARow = 0;
        Throwable lastFailure = null;
        for (Pending pending : batch) {
            if (failuresInARow >= FAILURES_MEANING_STORE_DOWN) {
                refused(pending, lastFailure);
                continue;
            }
            List<Message> stored;
            try {
                stored = messages.appendAll(List.of(pending.draft()));
            } catch (RuntimeException | Error failure) {
                refused(pending, failure);
                lastFailure = failure;
                failuresInARow++;
                continue;
            }
            delivered(List.of(pending), stored);
            failuresInARow = 0;
        }
    }

    /** Through the delivery thread too, so the sender learns of it in the order it sent. */
    private void refused(Pending pending, Throwable failure) {
        handOver(() -> pending.result().completeExceptionally(failure));
    }

    private void delivered(List<Pending> batch, List<Message> stored) {
        List<Pending> committed = List.copyOf(batch);
        handOver(() -> {
            for (int i = 0; i < committed.size(); i++) {
                committed.get(i).stored(stored.get(i), delivery);
            }
        });
    }

    /** Queues work for the delivery thread, waiting while it lags {@value #MAX_BATCHES_AWAITING_DELIVERY} batches. */
    private void handOver(Runnable work) {
        while (true) {
            try {
                toDeliver.put(work);
                return;
            } catch (InterruptedException e) {
                // Committed messages must be delivered and their futures completed: keep trying.
            }
        }
    }

    private void deliverCommitted() {
        while (true) {
            Runnable next;
            try {
                next = toDeliver.take();
            } catch (InterruptedException e) {
                continue;
            }
            if (next == END) {
                return;
            }
            next.run();
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private record Pending(MessageDraft draft, Optional<Function<Message, OutboundMessage>> then,
                           CompletableFuture<Message> result) {

        /** Delivers (if asked) and completes; a delivery failure is logged, never undoes the stored message. */
        void stored(Message message, MessageDelivery delivery) {
            then.ifPresent(outbound -> {
                try {
                    delivery.deliver(outbound.apply(message));
                } catch (RuntimeException failure) {
                    LOG.log(Level.ERROR, "Message " + message.id() + " was stored but could not be delivered", failure);
                }
            });
            result.complete(message);
        }
    }
}
