package org.parley.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;

/**
 * The abuse mode (issue 13): a bystander pair of users, not involved in the abuse, exchanges messages at a fixed modest
 * rate for the whole run, from 127.0.0.1 and on event-loop threads of its own; after the warm-up (no abuse: the
 * bystander's quiet figures) one user abuses the server for the duration from 127.0.0.2 onwards (see
 * {@link AbuseKind}), and the bystander's send→{@code re_message} latency is reported for each phase, each delivery
 * timed from the moment its message was due. The bystander's messages are accounted in the {@link Ledger} (a lost or
 * duplicated one fails the run, and the lost are told apart: refused with an error frame, such as {@code rate_limited}
 * when a stalled server takes a burst of the bystander's frames at once, or never answered); the abusers' are only
 * counted: refusals such as {@code rate_limited} or 429 are what
 * a server with its limits on answers, and a server without limits simply accepts everything.
 */
final class AbuseRun {

    /** The target: a bystander's p99 under abuse, on the reference machine. */
    static final double TARGET_P99_MS = 50.0;

    private AbuseRun() {
    }

    static Report run(Options options) throws Exception {
        AbuseKind kind = options.abuse().orElseThrow(() -> new IllegalArgumentException("--abuse is required"));
        Report report = new Report("abuse", Instant.now())
                .parameter("url", options.httpBase())
                .parameter("abuse", kind.optionName())
                .parameter("bystander_rate_per_s", options.bystanderRate())
                .parameter("warmup_s (no abuse)", options.warmupSeconds())
                .parameter("duration_s (under abuse)", options.durationSeconds())
                .parameter("abuser_connections", options.connections())
                .parameter("abuser_source_addresses", "127.0.0.2.." + "127.0.0." + (1 + options.sourceAddresses()));
        switch (kind) {
            case FLOOD -> report.parameter("window", options.window());
            case CONNECTIONS, SLOW_CONSUMER -> report.parameter("abuse_rate_per_s", options.abuseRate());
            case SLOW_BODIES, SLOW_HEADERS -> report.parameter("bytes_per_connection_per_s", 1);
        }
        boolean rawHttp = kind == AbuseKind.SLOW_BODIES || kind == AbuseKind.SLOW_HEADERS;
        if (!rawHttp) {
            report.parameter("body_chars", options.bodyChars());
        }
        AdminApi admin = new AdminApi(options.httpBase(), options.adminKey());
        String runId = Long.toString(System.currentTimeMillis(), 36);
        List<UUID> users = admin.createUsers(4, runId);
        List<String> tokens = Crowd.tokensFor(users, new AccessTokens(options.jwtSecret(), Duration.ofHours(2)));
        Bystander bystander = new Bystander(runId, users.get(0), users.get(1));
        Abuser abuser = new Abuser(kind, options, runId, tokens.get(2), tokens.get(3), users.get(3));

        try (ChatClients bystanderClients = new ChatClients(options.wsBase(), 1, 1, 1);
             abuser) {
            List<ChatConnection> pair = Crowd.connect(bystanderClients, tokens.subList(0, 2),
                    index -> bystander.handler(), 2, Duration.ofSeconds(30));
            bystander.attach(pair.get(0), pair.get(1));
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            long abuseFrom = start + TimeUnit.SECONDS.toNanos(options.warmupSeconds());
            long abuseUntil = abuseFrom + TimeUnit.SECONDS.toNanos(options.durationSeconds());
            bystander.phases(abuseFrom);
            Thread sending = new Thread(() -> bystander.sendAtRate(options.bystanderRate(), start, abuseUntil),
                    "bench-bystander");
            sending.setDaemon(true);
            sending.start();
            sleepUntil(abuseFrom);
            abuser.start(abuseUntil);
            sleepUntil(abuseUntil);
            abuser.stop();
            sending.join();
            boolean drained = Crowd.await(bystander.ledger::complete, Duration.ofSeconds(options.drainSeconds()));
            bystander.report(report);
            report.figure("bystander_drained", drained);
            abuser.report(report, (abuseUntil - abuseFrom) / 1e9);
            report.accounting(bystander.ledger.reconcile(), bystanderClients.unexpectedCloses(),
                    bystanderClients.sendFailures());
            Crowd.closeAll(bystanderClients, pair);
        }
        return report;
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long now;
        while ((now = System.nanoTime()) < nanos) {
            TimeUnit.NANOSECONDS.sleep(nanos - now);
        }
    }

    /** The unrelated pair: A and B send to each other in turn; each delivery is timed into its phase's histogram. */
    private static final class Bystander {
        final Ledger ledger = new Ledger();
        final Latencies quiet = new Latencies();
        final Latencies abused = new Latencies();
        final AtomicLong errorFrames = new AtomicLong();
        final AtomicLong rateLimited = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicBoolean warned = new AtomicBoolean();
        final Sender aToB;
        final Sender bToA;
        volatile long abuseFrom = Long.MAX_VALUE;
        long maxLateNanos;

        Bystander(String runId, UUID a, UUID b) {
            aToB = new Sender(runId + "-ba", b.toString(), ledger);
            bToA = new Sender(runId + "-bb", a.toString(), ledger);
        }

        void attach(ChatConnection a, ChatConnection b) {
            aToB.attach(a);
            bToA.attach(b);
        }

        void phases(long abuseFromNanos) {
            abuseFrom = abuseFromNanos;
        }

        Consumer<Frames.Incoming> handler() {
            return frame -> {
                switch (frame.action()) {
                    case "conf_message" -> ledger.confirmed(nonNull(frame.clientMsgId()), frame.createdMsgId());
                    case "re_message" -> {
                        long now = System.nanoTime();
                        long sentAt = ledger.received(nonNull(frame.clientMsgId()), frame.createdMsgId());
                        if (sentAt >= 0) {
                            (sentAt < abuseFrom ? quiet : abused).record(sentAt, now);
                        }
                    }
                    default -> {
                        errorFrames.incrementAndGet();
                        String id = frame.clientMsgId();
                        if (id != null && (id.startsWith(aToB.prefix()) || id.startsWith(bToA.prefix()))) {
                            refused.incrementAndGet();
                        }
                        if ("rate_limited".equals(frame.errorCode())) {
                            rateLimited.incrementAndGet();
                            if (!warned.getAndSet(true)) {
                                System.err.println("The bystander was refused (rate_limited): either --bystander-rate "
                                        + "is above twice the server's per-user send rate, or the server took a burst "
                                        + "of its frames at once after a stall");
                            }
                        }
                    }
                }
            };
        }

        /** Sends on a schedule from {@code start} to {@code until}, A and B in turn, each stamped with its due time. */
        void sendAtRate(int rate, long start, long until) {
            for (long k = 0; ; k++) {
                long due = start + k * 1_000_000_000L / rate;
                if (due >= until) {
                    return;
                }
                long now;
                while ((now = System.nanoTime()) < due) {
                    LockSupport.parkNanos(due - now);
                }
                maxLateNanos = Math.max(maxLateNanos, now - due);
                (k % 2 == 0 ? aToB : bToA).send(due);
            }
        }

        void report(Report report) {
            figures(report, "bystander_quiet_", quiet);
            figures(report, "bystander_abused_", abused);
            double p99 = (double) abused.percentilesMillis().get("latency_p99_ms");
            report.figure("bystander_abused_p99_target", (p99 <= TARGET_P99_MS ? "met" : "MISSED") + " (p99 <= "
                    + (int) TARGET_P99_MS + " ms)");
            long lost = ledger.reconcile().lost();
            report.figure("bystander_sender_max_late_ms", maxLateNanos / 1e6)
                    .figure("bystander_error_frames", errorFrames.get())
                    .figure("bystander_rate_limited", rateLimited.get())
                    .figure("bystander_lost_refused", refused.get())
                    .figure("bystander_lost_unanswered", Math.max(0, lost - refused.get()));
        }

        private static void figures(Report report, String prefix, Latencies latencies) {
            latencies.percentilesMillis().forEach((name, value) -> {
                if (!name.equals("latency_p90_ms") && !name.equals("latency_p999_ms")) {
                    report.figure(prefix + name.replace("latency_", ""), value);
                }
            });
        }
    }

    /**
     * The abusing users: X (token {@code abuserToken}) abuses; Y ({@code sinkToken}, id {@code sinkId}) is whom X sends
     * to. All from 127.0.0.2 onwards, on their own event loops.
     */
    private static final class Abuser implements AutoCloseable {
        final AbuseKind kind;
        final Options options;
        final String runId;
        final String abuserToken;
        final String sinkToken;
        final String sinkId;
        final ChatClients clients;
        /** Two threads: the paced sends keep their schedule while the other reopens connections (blocking). */
        final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2,
                runnable -> {
                    Thread thread = new Thread(runnable, "bench-abuser");
                    thread.setDaemon(true);
                    return thread;
                });
        final List<ChatConnection> connections = new ArrayList<>();
        volatile boolean running;
        /** Which of X's connections sends (connections, slow-consumer): its handler counts the answers. */
        volatile int sendingIndex;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong stored = new AtomicLong();
        final AtomicLong rateLimited = new AtomicLong();
        final AtomicLong otherErrors = new AtomicLong();
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong fanOutFrames = new AtomicLong();
        long accepted;
        long refused429;
        long refusedOther;
        long failed;
        double openSeconds;
        SlowSockets slow;
        int heldAtEnd;
        volatile AtomicReferenceArray<ChatConnection> flooders = new AtomicReferenceArray<>(0);
        final AtomicLong floodSequence = new AtomicLong();

        Abuser(AbuseKind kind, Options options, String runId, String abuserToken, String sinkToken, UUID sinkId) {
            this.kind = kind;
            this.options = options;
            this.runId = runId;
            this.abuserToken = abuserToken;
            this.sinkToken = sinkToken;
            this.sinkId = sinkId.toString();
            this.clients = new ChatClients(options.wsBase(), 2, options.sourceAddresses(), options.ioThreads());
        }

        void start(long untilNanos) throws Exception {
            running = true;
            long openStart = System.nanoTime();
            switch (kind) {
                case FLOOD -> {
                    connections.addAll(Crowd.connect(clients, List.of(sinkToken), index -> sinkHandler(), 1,
                            Duration.ofSeconds(30)));
                    List<ChatConnection> opened = openMany(options.connections(), untilNanos, this::floodHandler);
                    openSeconds = (System.nanoTime() - openStart) / 1e9;
                    flooders = new AtomicReferenceArray<>(opened.toArray(ChatConnection[]::new));
                    for (int c = 0; c < opened.size(); c++) {
                        for (int i = 0; i < options.window(); i++) {
                            floodSend(c);
                        }
                    }
                }
                case CONNECTIONS -> {
                    connections.addAll(Crowd.connect(clients, List.of(sinkToken), index -> sinkHandler(), 1,
                            Duration.ofSeconds(30)));
                    List<ChatConnection> fan = openMany(options.connections(), untilNanos, this::countingHandler);
                    openSeconds = (System.nanoTime() - openStart) / 1e9;
                    // Handshakes race: the one refused 429 may be any of them, the first included. The first
                    // accepted sends, and its handler (same index) counts the answers.
                    for (int i = 0; i < fan.size(); i++) {
                        if (fan.get(i) != null) {
                            sendingIndex = i;
                            pace(fan.get(i));
                            break;
                        }
                    }
                }
                case SLOW_CONSUMER -> {
                    slow = new SlowSockets(2, options.sourceAddresses(),
                            SlowSockets.neverReadingWebSocket(options.wsBase(), sinkToken), SlowSockets.maskedPing());
                    slow.openUpTo(options.connections(), untilNanos);
                    List<ChatConnection> sender = Crowd.connect(clients, List.of(abuserToken),
                            this::countingHandler, 1, Duration.ofSeconds(30));
                    connections.addAll(sender);
                    openSeconds = (System.nanoTime() - openStart) / 1e9;
                    pace(sender.get(0));
                    tickSlowSockets(untilNanos);
                }
                case SLOW_BODIES, SLOW_HEADERS -> {
                    slow = new SlowSockets(2, options.sourceAddresses(), kind == AbuseKind.SLOW_BODIES
                            ? SlowSockets.slowBody(options.httpBase(), "/auth/token/", 1_000_000)
                            : SlowSockets.slowHead(options.httpBase(), "/auth/me/"), new byte[] {' '});
                    slow.openUpTo(options.connections(), untilNanos);
                    openSeconds = (System.nanoTime() - openStart) / 1e9;
                    tickSlowSockets(untilNanos);
                }
            }
        }

        /**
         * Ends the abuse: no more sends, and the raw connections are closed, so that what the bystander sent under
         * abuse can still arrive (late, and timed so) rather than be held up by connections that outlive the abuse.
         */
        void stop() {
            running = false;
            timers.shutdownNow();
            try {
                timers.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (slow != null) {
                heldAtEnd = slow.held();
                slow.close();
            }
        }

        /**
         * Opens up to {@code count} connections for X, at most the handshake concurrency at a time, and counts the
         * refusals; the answer holds one entry per attempt, in order, {@code null} where the attempt failed.
         */
        private List<ChatConnection> openMany(int count, long deadlineNanos,
                                              IntFunction<Consumer<Frames.Incoming>> handlers) throws Exception {
            Semaphore inProgress = new Semaphore(options.handshakeConcurrency());
            List<CompletableFuture<ChatConnection>> opening = new ArrayList<>(count);
            for (int i = 0; i < count && System.nanoTime() < deadlineNanos; i++) {
                if (!inProgress.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break;
                }
                opening.add(clients.open(abuserToken, handlers.apply(i))
                        .whenComplete((connection, failure) -> inProgress.release()));
            }
            List<ChatConnection> open = new ArrayList<>();
            for (CompletableFuture<ChatConnection> future : opening) {
                try {
                    ChatConnection connection = future.get(15, TimeUnit.SECONDS);
                    open.add(connection);
                    connections.add(connection);
                    accepted++;
                } catch (ExecutionException | TimeoutException e) {
                    open.add(null);
                    int status = handshakeStatus(e);
                    if (status == 429) {
                        refused429++;
                    } else if (status > 0) {
                        refusedOther++;
                    } else {
                        failed++;
                    }
                }
            }
            return open;
        }

        /** Flood: each connection keeps W messages in flight, the next leaving when one of its own is answered. */
        private Consumer<Frames.Incoming> floodHandler(int index) {
            String prefix = runId + "-f" + index + "-";
            return frame -> {
                String id = frame.clientMsgId();
                boolean own = id != null && id.startsWith(prefix);
                switch (frame.action()) {
                    case "conf_message" -> {
                        if (own) {
                            stored.incrementAndGet();
                        }
                    }
                    case "re_message" -> { }
                    default -> countError(frame);
                }
                if (own && !"re_message".equals(frame.action()) && running) {
                    floodSend(index);
                }
            };
        }

        private void floodSend(int index) {
            ChatConnection connection = flooders.get(index);
            if (connection == null) {
                return;
            }
            sent.incrementAndGet();
            connection.send(Frames.textMessage(sinkId, runId + "-f" + index + "-" + floodSequence.incrementAndGet(),
                    options.bodyChars()));
        }

        private Consumer<Frames.Incoming> sinkHandler() {
            return frame -> {
                if ("re_message".equals(frame.action())) {
                    delivered.incrementAndGet();
                }
            };
        }

        /**
         * X's connections in the connections and slow-consumer kinds: all count their frames; the one that sends
         * ({@link #sendingIndex}: the first accepted) also counts the answers. Before, only index 0 counted them, and
         * when the handshakes' race refused index 0 with 429 the sender's answers went uncounted (abuse_stored 0 in a
         * full run).
         */
        private Consumer<Frames.Incoming> countingHandler(int index) {
            return frame -> {
                fanOutFrames.incrementAndGet();
                if (index == sendingIndex) {
                    switch (frame.action()) {
                        case "conf_message" -> stored.incrementAndGet();
                        case "re_message" -> { }
                        default -> countError(frame);
                    }
                }
            };
        }

        private void countError(Frames.Incoming frame) {
            if ("rate_limited".equals(frame.errorCode())) {
                rateLimited.incrementAndGet();
            } else {
                otherErrors.incrementAndGet();
            }
        }

        /** Sends X→Y at the abuse rate from {@code connection} until stopped. */
        private void pace(ChatConnection connection) {
            AtomicLong sequence = new AtomicLong();
            timers.scheduleAtFixedRate(() -> {
                if (running) {
                    sent.incrementAndGet();
                    connection.send(Frames.textMessage(sinkId, runId + "-x-" + sequence.incrementAndGet(),
                            options.bodyChars()));
                }
            }, 0, 1_000_000_000L / options.abuseRate(), TimeUnit.NANOSECONDS);
        }

        private void tickSlowSockets(long untilNanos) {
            timers.scheduleWithFixedDelay(() -> slow.tick(options.connections(), running ? untilNanos : 0),
                    1, 1, TimeUnit.SECONDS);
        }

        void report(Report report, double abuseSeconds) {
            report.figure("abuse_open_s", openSeconds);
            if (slow != null) {
                report.figure("abuse_connections_opened", slow.opened())
                        .figure("abuse_connections_refused_429", slow.refused429())
                        .figure("abuse_connections_refused_other", slow.refusedOther())
                        .figure("abuse_connections_failed", slow.failed())
                        .figure("abuse_connections_dropped_by_server", slow.droppedByServer())
                        .figure("abuse_connections_held_at_end", heldAtEnd);
            } else {
                report.figure("abuse_connections_accepted", accepted)
                        .figure("abuse_connections_refused_429", refused429)
                        .figure("abuse_connections_refused_other", refusedOther)
                        .figure("abuse_connections_failed", failed)
                        .figure("abuse_connections_closed_by_server", clients.unexpectedCloses());
            }
            if (kind != AbuseKind.SLOW_BODIES && kind != AbuseKind.SLOW_HEADERS) {
                report.figure("abuse_sent", sent.get())
                        .figure("abuse_sent_per_s", sent.get() / abuseSeconds)
                        .figure("abuse_stored", stored.get())
                        .figure("abuse_stored_per_s", stored.get() / abuseSeconds)
                        .figure("abuse_rate_limited", rateLimited.get())
                        .figure("abuse_other_errors", otherErrors.get());
            }
            if (kind == AbuseKind.FLOOD || kind == AbuseKind.CONNECTIONS) {
                report.figure("abuse_delivered_to_sink", delivered.get());
            }
            if (kind == AbuseKind.FLOOD && rateLimited.get() == 0 && sent.get() > 0) {
                System.err.println("No flood message was refused rate_limited: the server has no send rate limit "
                        + "(PARLEY_SEND_RATE_PER_SECOND=0, or a build before it); these figures are not the limits'");
            }
            if (kind == AbuseKind.CONNECTIONS) {
                report.figure("abuse_fan_out_frames", fanOutFrames.get());
            }
        }

        @Override
        public void close() {
            stop();
            Crowd.closeAll(clients, connections);
            if (slow != null) {
                slow.close();
            }
            clients.close();
        }

        /** The HTTP status a refused websocket handshake was answered with, or -1 when it failed otherwise. */
        private static int handshakeStatus(Throwable failure) {
            Throwable cause = failure;
            while ((cause instanceof ExecutionException || cause instanceof CompletionException)
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof WebSocketClientHandshakeException refused && refused.response() != null) {
                return refused.response().status().code();
            }
            return -1;
        }
    }

    private static String nonNull(String text) {
        return text == null ? "" : text;
    }
}
