package org.parley.benchmarks;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One websocket connection of the benchmark: frames are parsed and handed on; sends never block. Public only because
 * Jetty calls its listener methods through method handles; nothing outside this package creates one.
 */
public final class ChatConnection extends Session.Listener.AbstractAutoDemanding {

    private final Consumer<Frames.Incoming> frames;
    private final Counters counters;

    ChatConnection(Consumer<Frames.Incoming> frames, Counters counters) {
        this.frames = frames;
        this.counters = counters;
    }

    void send(String text) {
        Session session = getSession();
        if (session == null || !session.isOpen()) {
            counters.sendFailures.incrementAndGet();
            return;
        }
        session.sendText(text, Callback.from(() -> { }, failure -> counters.sendFailures.incrementAndGet()));
    }

    void close() {
        Session session = getSession();
        if (session != null && session.isOpen()) {
            session.close(1000, "bench done", Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketOpen(Session session) {
        super.onWebSocketOpen(session);
        counters.open.incrementAndGet();
    }

    @Override
    public void onWebSocketText(String text) {
        frames.accept(Frames.parse(text));
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        counters.open.decrementAndGet();
        if (!counters.closing) {
            counters.unexpectedCloses.incrementAndGet();
        }
        callback.succeed();
    }

    /** What the connections of one {@link ChatClients} count together. */
    static final class Counters {
        final AtomicInteger unexpectedCloses = new AtomicInteger();
        final AtomicInteger sendFailures = new AtomicInteger();
        final AtomicInteger open = new AtomicInteger();
        volatile boolean closing;
    }
}
