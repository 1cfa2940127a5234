package org.parley.adapter.websocket;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.parley.adapter.websocket.container.FramesInOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order of one connection's frames across threads. A connection's reads are handled on the selector thread that
 * read them ({@code container.WorkerThreads}); a frame that cannot be handled there without waiting (anything but a
 * hot {@code text_message}) is {@linkplain #submit submitted} here and runs on a worker thread. Once one is submitted,
 * every later frame of the connection is submitted too (the reader asks {@link #idle()} first), and they run one after
 * the other, in submission order, on one worker at a time, until none is left: only then is the lane idle again, and
 * may a frame run on the reading thread again. So a connection's frames are handled in the order they arrived, and
 * never two at once.
 *
 * <p><b>Bounded.</b> The reading thread goes on reading while a frame waits on a worker (nothing stops the socket's
 * reads, as a worker thread busy with the connection's read used to), so the frames waiting are bounded:
 * {@link #offerFrame} refuses a frame that would make the text waiting exceed {@code maxWaitingChars} (UTF-16 units),
 * and the connection is then closed ({@code ChatEndpoint}: 1013, try again later). Memory held per connection is so
 * bounded by about {@code maxWaitingChars} units of text plus one frame.
 *
 * <p>Holds, per connection, a flag and, only while tasks wait, a queue: a few dozen bytes for an idle connection.
 * Thread-safe: {@link #submit} may be called from any thread (Tyrus reports a close on the thread that saw it).
 */
final class FrameLane implements FramesInOrder {

    private static final Logger LOG = LoggerFactory.getLogger(FrameLane.class);

    /** What {@link #offerFrame} answers. */
    enum Offer {
        /** The frame will run on a worker after those before it. */
        QUEUED,
        /** Refused: the text already waiting plus this frame's would exceed the bound. Nothing was queued. */
        FULL,
        /** Refused: the workers have stopped (the server is stopping). Nothing was queued. */
        STOPPED
    }

    private final Executor workers;
    private final long maxWaitingChars;
    /** Tasks submitted while one ran; null while none waits. Guarded by {@code this}. */
    private ArrayDeque<Runnable> waiting;
    /** The weights of {@link #waiting}'s tasks, in the same order; null while none waits. Guarded by {@code this}. */
    private ArrayDeque<Long> weights;
    /** The sum of {@link #weights}: text (UTF-16 units) of frames waiting to run. Guarded by {@code this}. */
    private long waitingChars;
    /** A worker is running this lane's tasks. Guarded by {@code this}. */
    private boolean busy;
    /** The worker running this lane's tasks while {@link #busy}, else null. Guarded by {@code this}. */
    private Thread runner;

    /**
     * @param workers         runs the lane's tasks: must never run one on the submitting thread, nor block that thread
     * @param maxWaitingChars the most text (UTF-16 units) of frames waiting in the lane, not counting the one running
     */
    FrameLane(Executor workers, long maxWaitingChars) {
        this.workers = Objects.requireNonNull(workers, "workers");
        if (maxWaitingChars < 1) {
            throw new IllegalArgumentException("maxWaitingChars must be positive, got " + maxWaitingChars);
        }
        this.maxWaitingChars = maxWaitingChars;
    }

    /** No task of this connection waits or runs on a worker: a frame may be handled on the calling thread now. */
    synchronized boolean idle() {
        return !busy;
    }

    /**
     * Whether the calling thread is the one running this lane's task now: what it does next comes after every task
     * submitted before that one (a close that Tyrus reports while the lane feeds it the client's close frame).
     */
    synchronized boolean runningHere() {
        return runner == Thread.currentThread();
    }

    /** Whether the lane holds its queue now: only while a task waits behind another (tests: idle lanes hold none). */
    synchronized boolean holdsAQueue() {
        return waiting != null || weights != null;
    }

    /** {@inheritDoc} Some task of this connection waits or runs on a worker. */
    @Override
    public boolean waiting() {
        return !idle();
    }

    /** {@inheritDoc} ({@link #submit}) */
    @Override
    public boolean after(Runnable task) {
        return submit(task);
    }

    /**
     * Runs {@code task} on a worker after every task submitted before it has run. Never blocks. A task that throws is
     * logged and the next one runs.
     *
     * @return false when the workers refused it (they have stopped: the server is stopping); then it will not run
     */
    boolean submit(Runnable task) {
        return offer(task, 0, Long.MAX_VALUE) == Offer.QUEUED;
    }

    /**
     * As {@link #submit}, for a frame of {@code chars} UTF-16 units of text: refused ({@link Offer#FULL}, nothing
     * queued) when it would have to wait behind others and the text waiting would then exceed the lane's bound. A frame
     * that runs at once (the lane was idle) is never refused, whatever its size: the frame size limit bounds it.
     */
    Offer offerFrame(Runnable task, long chars) {
        return offer(task, chars, maxWaitingChars);
    }

    private Offer offer(Runnable task, long chars, long bound) {
        Objects.requireNonNull(task, "task");
        synchronized (this) {
            if (busy) {
                if (waitingChars + chars > bound) {
                    return Offer.FULL;
                }
                if (waiting == null) {
                    waiting = new ArrayDeque<>(4);
                    weights = new ArrayDeque<>(4);
                }
                waiting.add(task);
                weights.add(chars);
                waitingChars += chars;
                return Offer.QUEUED;
            }
            busy = true;
        }
        try {
            workers.execute(() -> runFrom(task));
            return Offer.QUEUED;
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                busy = false;
                waiting = null;
                weights = null;
                waitingChars = 0;
            }
            LOG.debug("The workers refused a websocket task (the server is stopping): {}", Failures.describe(e));
            return Offer.STOPPED;
        }
    }

    private void runFrom(Runnable first) {
        synchronized (this) {
            runner = Thread.currentThread();
        }
        Runnable task = first;
        while (task != null) {
            try {
                task.run();
            } catch (Throwable e) {
                LOG.error("Handling a websocket frame failed", e);
            }
            synchronized (this) {
                task = waiting == null ? null : waiting.poll();
                if (task == null) {
                    waiting = null;
                    weights = null;
                    waitingChars = 0;
                    busy = false;
                    runner = null;
                } else {
                    waitingChars -= weights.poll();
                }
            }
        }
    }
}
