package org.parley.adapter.websocket;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

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
 * <p>Holds, per connection, a flag and, only while tasks wait, a queue: a few dozen bytes for an idle connection.
 * Thread-safe: {@link #submit} may be called from any thread (Tyrus reports a close on the thread that saw it).
 */
final class FrameLane {

    private static final Logger LOG = LoggerFactory.getLogger(FrameLane.class);

    private final Executor workers;
    /** Tasks submitted while one ran; null while none waits. Guarded by {@code this}. */
    private ArrayDeque<Runnable> waiting;
    /** A worker is running this lane's tasks. Guarded by {@code this}. */
    private boolean busy;

    /** @param workers runs the lane's tasks: must never run one on the submitting thread, nor block that thread */
    FrameLane(Executor workers) {
        this.workers = Objects.requireNonNull(workers, "workers");
    }

    /** No task of this connection waits or runs on a worker: a frame may be handled on the calling thread now. */
    synchronized boolean idle() {
        return !busy;
    }

    /**
     * Runs {@code task} on a worker after every task submitted before it has run. Never blocks. A task that throws is
     * logged and the next one runs.
     *
     * @return false when the workers refused it (they have stopped: the server is stopping); then it will not run
     */
    boolean submit(Runnable task) {
        Objects.requireNonNull(task, "task");
        synchronized (this) {
            if (busy) {
                if (waiting == null) {
                    waiting = new ArrayDeque<>(4);
                }
                waiting.add(task);
                return true;
            }
            busy = true;
        }
        try {
            workers.execute(() -> runFrom(task));
            return true;
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                busy = false;
                waiting = null;
            }
            LOG.debug("The workers refused a websocket task (the server is stopping): {}", Failures.describe(e));
            return false;
        }
    }

    private void runFrom(Runnable first) {
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
                    busy = false;
                }
            }
        }
    }
}
