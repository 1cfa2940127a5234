package org.parley.benchmarks;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Where the frames of a run go: every {@code conf_message} and {@code re_message} is entered in the {@link Ledger},
 * the first delivery of each message sent from {@link #startMeasuring} on is timed (a repeated one never), a
 * {@code presence} notice (a peer connecting or leaving, as every client does in the storm mode) is counted apart, and
 * every other frame (errors, unreadable frames) is counted as an error frame.
 */
final class Traffic {

    private final Ledger ledger = new Ledger();
    private final Latencies latencies = new Latencies();
    private final AtomicLong errorFrames = new AtomicLong();
    private final AtomicLong presenceFrames = new AtomicLong();
    private final AtomicBoolean warnedRateLimited = new AtomicBoolean();
    private volatile long measureFrom = Long.MAX_VALUE;

    Ledger ledger() {
        return ledger;
    }

    Latencies latencies() {
        return latencies;
    }

    long errorFrames() {
        return errorFrames.get();
    }

    long presenceFrames() {
        return presenceFrames.get();
    }

    /** Deliveries of messages sent from now on are timed. */
    void startMeasuring(long fromNanos) {
        measureFrom = fromNanos;
    }

    /** A frame handler for a connection; {@code onConfirmed} runs after each of its confirmations. */
    Consumer<Frames.Incoming> handler(Runnable onConfirmed) {
        return frame -> {
            switch (frame.action()) {
                case "conf_message" -> {
                    ledger.confirmed(frame.clientMsgId() == null ? "" : frame.clientMsgId(), frame.createdMsgId());
                    onConfirmed.run();
                }
                case "re_message" -> {
                    long now = System.nanoTime();
                    long sentAt = ledger.received(frame.clientMsgId() == null ? "" : frame.clientMsgId(),
                            frame.createdMsgId());
                    if (sentAt >= measureFrom) {
                        latencies.record(sentAt, now);
                    }
                }
                case "presence" -> presenceFrames.incrementAndGet();
                default -> {
                    errorFrames.incrementAndGet();
                    if ("rate_limited".equals(frame.errorCode()) && !warnedRateLimited.getAndSet(true)) {
                        System.err.println("The server refuses messages above its per-user send rate (rate_limited): "
                                + "start it with PARLEY_SEND_RATE_PER_SECOND=0 for load runs (contract §16)");
                    }
                }
            }
        };
    }

    Consumer<Frames.Incoming> handler() {
        return handler(() -> { });
    }
}
