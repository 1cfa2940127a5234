package org.parley.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;


/**
 * The throughput and rate modes: P pairs of users, each sender writing to its own receiver over its own connection.
 * Throughput keeps W messages in flight per sender (the next leaves when a confirmation arrives); rate sends a fixed
 * total rate over the senders, on a schedule, and times each delivery from the moment its message was due (so a
 * slow server cannot hide its delays by slowing the sender down).
 */
final class PairedRuns {

    private PairedRuns() {
    }

    static Report throughput(Options options) throws Exception {
        Report report = new Report("throughput", Instant.now())
                .parameter("url", options.httpBase())
                .parameter("receiver_url", options.receiverHttpBase().orElse(options.httpBase()))
                .parameter("pairs", options.pairs())
                .parameter("window", options.window())
                .parameter("io_threads", options.ioThreads())
                .parameter("independent", options.independent())
                .parameter("warmup_s", options.warmupSeconds())
                .parameter("duration_s", options.durationSeconds());
        Traffic traffic = new Traffic();
        List<Sender> senders = new ArrayList<>();
        Flag sending = new Flag();
        try (Setup setup = Setup.open(options, traffic, senders, sender -> nextMessage(sender, () -> sending.on))) {
            sending.on = true;
            for (Sender sender : senders) {
                for (int i = 0; i < options.window(); i++) {
                    sender.send(System.nanoTime());
                }
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(options.warmupSeconds()));
            long start = System.nanoTime();
            traffic.startMeasuring(start);
            long deliveredAtStart = traffic.ledger().delivered();
            Thread.sleep(TimeUnit.SECONDS.toMillis(options.durationSeconds()));
            long deliveredAtEnd = traffic.ledger().delivered();
            long end = System.nanoTime();
            sending.on = false;
            boolean drained = Crowd.await(traffic.ledger()::complete, Duration.ofSeconds(options.drainSeconds()));
            double seconds = (end - start) / 1e9;
            report.figure("delivered_messages", deliveredAtEnd - deliveredAtStart)
                    .figure("measured_s", seconds)
                    .figure("delivered_per_s", (deliveredAtEnd - deliveredAtStart) / seconds);
            traffic.latencies().percentilesMillis().forEach(report::figure);
            report.figure("error_frames", traffic.errorFrames()).figure("drained", drained);
            setup.finish(report);
        }
        return report;
    }

    static Report rate(Options options) throws Exception {
        Report report = new Report("rate", Instant.now())
                .parameter("url", options.httpBase())
                .parameter("receiver_url", options.receiverHttpBase().orElse(options.httpBase()))
                .parameter("pairs", options.pairs())
                .parameter("rate_per_s", options.rate())
                .parameter("io_threads", options.ioThreads())
                .parameter("independent", options.independent())
                .parameter("warmup_s", options.warmupSeconds())
                .parameter("duration_s", options.durationSeconds());
        Traffic traffic = new Traffic();
        List<Sender> senders = new ArrayList<>();
        try (Setup setup = Setup.open(options, traffic, senders, sender -> () -> { })) {
            long total = (long) options.rate() * (options.warmupSeconds() + options.durationSeconds());
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            long measureFrom = start + TimeUnit.SECONDS.toNanos(options.warmupSeconds());
            traffic.startMeasuring(measureFrom);
            long maxLateNanos = 0;
            long measuredSends = 0;
            for (long k = 0; k < total; k++) {
                long due = start + k * 1_000_000_000L / options.rate();
                long now;
                while ((now = System.nanoTime()) < due) {
                    LockSupport.parkNanos(due - now);
                }
                maxLateNanos = Math.max(maxLateNanos, now - due);
                if (due >= measureFrom) {
                    measuredSends++;
                }
                senders.get((int) (k % senders.size())).send(due);
            }
            long end = System.nanoTime();
            boolean drained = Crowd.await(traffic.ledger()::complete, Duration.ofSeconds(options.drainSeconds()));
            report.figure("measured_messages", measuredSends)
                    .figure("achieved_rate_per_s", measuredSends / ((end - measureFrom) / 1e9))
                    .figure("sender_max_late_ms", maxLateNanos / 1e6);
            traffic.latencies().percentilesMillis().forEach(report::figure);
            report.figure("error_frames", traffic.errorFrames()).figure("drained", drained);
            setup.finish(report);
        }
        return report;
    }

    /**
     * The throughput mode's window: what a sender's confirmation releases, its next message while {@code sending}
     * holds (so each sender keeps its window of messages in flight), nothing once the run stops sending.
     */
    static Runnable nextMessage(Sender sender, BooleanSupplier sending) {
        return () -> {
            if (sending.getAsBoolean()) {
                sender.send(System.nanoTime());
            }
        };
    }

    /**
     * The frame handler of each sender's connection, by the sender's index: every frame enters the ledger through
     * {@code traffic}, and a confirmation on sender i's connection runs sender i's {@code onConfirmed} (in throughput
     * mode, {@link #nextMessage}), never another sender's. Receivers' connections take {@link Traffic#handler()}.
     */
    static IntFunction<Consumer<Frames.Incoming>> senderHandlers(Traffic traffic, List<Sender> senders,
                                                               Function<Sender, Runnable> onConfirmed) {
        return index -> traffic.handler(onConfirmed.apply(senders.get(index)));
    }

    /** A flag read by the frame handlers. */
    private static final class Flag {
        volatile boolean on;
    }

    /**
     * The users, connections and clients of a paired run. With {@code --receiver-url} the receivers connect to
     * another node than the senders (their own clients, so each node's connections have their own event loop), and
     * every message reaches its receiver through the bus between the nodes.
     */
    private static final class Setup implements AutoCloseable {

        private final ChatClients senderClients;
        private final ChatClients receiverClients;
        private final Traffic traffic;
        private List<ChatConnection> connections = new ArrayList<>();

        private Setup(ChatClients senderClients, ChatClients receiverClients, Traffic traffic) {
            this.senderClients = senderClients;
            this.receiverClients = receiverClients;
            this.traffic = traffic;
        }

        static Setup open(Options options, Traffic traffic, List<Sender> senders,
                          Function<Sender, Runnable> onConfirmed) throws Exception {
            AdminApi admin = new AdminApi(options.httpBase(), options.adminKey());
            String runId = Long.toString(System.currentTimeMillis(), 36);
            List<UUID> users = admin.createUsers(options.pairs() * 2, runId);
            AccessTokens minting = new AccessTokens(options.jwtSecret(), Duration.ofHours(2));
            List<String> tokens = Crowd.tokensFor(users, minting);
            List<String> senderTokens = new ArrayList<>();
            List<String> receiverTokens = new ArrayList<>();
            for (int i = 0; i < options.pairs(); i++) {
                senders.add(new Sender(runId + "-" + i, users.get(2 * i + 1).toString(), traffic.ledger()));
                senderTokens.add(tokens.get(2 * i));
                receiverTokens.add(tokens.get(2 * i + 1));
            }
            ChatClients senderClients = new ChatClients(options.wsBase(), options.sourceAddresses(),
                    options.ioThreads(), options.independent());
            ChatClients receiverClients = options.receiverHttpBase().isPresent()
                    ? new ChatClients(options.receiverWsBase(), options.sourceAddresses(), options.ioThreads(),
                            options.independent())
                    : senderClients;
            Setup setup = new Setup(senderClients, receiverClients, traffic);
            try {
                List<ChatConnection> senderConnections = Crowd.connect(senderClients, senderTokens,
                        senderHandlers(traffic, senders, onConfirmed),
                        options.handshakeConcurrency(), Duration.ofSeconds(60));
                setup.connections.addAll(senderConnections);
                setup.connections.addAll(Crowd.connect(receiverClients, receiverTokens, index -> traffic.handler(),
                        options.handshakeConcurrency(), Duration.ofSeconds(60)));
                for (int i = 0; i < options.pairs(); i++) {
                    senders.get(i).attach(senderConnections.get(i));
                }
            } catch (Exception e) {
                setup.close();
                throw e;
            }
            return setup;
        }

        void finish(Report report) {
            boolean twoNodes = receiverClients != senderClients;
            report.accounting(traffic.ledger().reconcile(),
                    senderClients.unexpectedCloses() + (twoNodes ? receiverClients.unexpectedCloses() : 0),
                    senderClients.sendFailures() + (twoNodes ? receiverClients.sendFailures() : 0));
        }

        @Override
        public void close() {
            senderClients.closing();
            receiverClients.closing();
            Crowd.closeAll(senderClients, connections);
            senderClients.close();
            if (receiverClients != senderClients) {
                receiverClients.close();
            }
        }
    }
}
