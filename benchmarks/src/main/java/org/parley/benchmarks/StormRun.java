package org.parley.benchmarks;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The storm mode: N connections (N/2 sender/receiver pairs, each two fresh users) exchange a modest total rate of
 * messages; after the warm-up the server is restarted ({@code --restart-command}, or a hook given by a test) and every
 * connection drops. Every client then reconnects at once (its first attempt without a pause or jitter), backing off
 * after each refused or failed attempt as {@link Backoff} schedules ({@code --retry-delay-ms},
 * {@code --retry-max-delay-ms}), until {@code --reconnect-timeout} seconds after the restart began; each receiver, once
 * open again, catches up with
 * {@code GET /chat/messages/<its sender>/?after=<highest id it had seen>} ({@link CatchUp}), and what it lists enters
 * the ledger beside the frames ({@link Ledger#caughtUp}). Sending never stops (a sender skips its turns while it is
 * disconnected) until {@code --duration} seconds after every receiver caught up.
 *
 * <p>Times are taken with {@link System#nanoTime()}: the restart command's start, each client's first handshake after
 * it, each receiver's first catch-up answered after it.
 */
final class StormRun {

    /** The handshakes whose rate is reported apart: the first ones after a start are when it matters (issue 16). */
    static final int FIRST_HANDSHAKES = 5_000;

    private StormRun() {
    }

    /**
     * Runs a storm. {@code restartHook} restarts the server in-process (a test's seam); null runs
     * {@code --restart-command} through {@code sh -c} and waits for it to exit.
     */
    static Report run(Options options, Runnable restartHook) throws Exception {
        if (restartHook == null && options.restartCommand().isEmpty()) {
            throw new IllegalArgumentException("the storm mode needs --restart-command");
        }
        int count = options.connections();
        int pairs = count / 2;
        Report report = new Report("storm", Instant.now())
                .parameter("url", options.httpBase())
                .parameter("connections", count)
                .parameter("source_addresses", options.sourceAddresses())
                .parameter("handshake_concurrency", options.handshakeConcurrency())
                .parameter("io_threads", options.ioThreads())
                .parameter("rate_per_s", options.rate())
                .parameter("warmup_s", options.warmupSeconds())
                .parameter("duration_after_caught_up_s", options.durationSeconds())
                .parameter("reconnect_timeout_s", options.reconnectTimeoutSeconds())
                .parameter("retry_delay_ms", options.reconnectBackoff().firstMillis())
                .parameter("retry_max_delay_ms", options.reconnectBackoff().maxMillis())
                .parameter("restart", restartHook != null ? "in-process hook" : options.restartCommand().get());
        Traffic traffic = new Traffic();
        AdminApi admin = new AdminApi(options.httpBase(), options.adminKey());
        String runId = Long.toString(System.currentTimeMillis(), 36);
        List<UUID> users = admin.createUsers(count, runId);
        List<String> tokens = Crowd.tokensFor(users, new AccessTokens(options.jwtSecret(), Duration.ofHours(2)));

        Storm storm = new Storm(options, traffic.ledger());
        List<Sender> senders = new ArrayList<>(pairs);
        List<Client> clients = new ArrayList<>(count);
        for (int i = 0; i < pairs; i++) {
            Sender sender = new Sender(runId + "-" + i, users.get(2 * i + 1).toString(), traffic.ledger());
            senders.add(sender);
            clients.add(new Client(storm, tokens.get(2 * i), traffic.handler(), sender, null));
        }
        for (int i = 0; i < pairs; i++) {
            clients.add(new Client(storm, tokens.get(2 * i + 1), traffic.handler(), null, users.get(2 * i).toString()));
        }
        List<String> clientTokens = clients.stream().map(client -> client.token).toList();
        Pacer pacer = new Pacer(senders, options.rate());
        try {
            List<ChatConnection> opened = Crowd.connect(storm.chat, clientTokens, index -> clients.get(index).frames,
                    options.handshakeConcurrency(), Duration.ofSeconds(Math.max(60, count / 50)));
            for (int i = 0; i < count; i++) {
                clients.get(i).attach(opened.get(i));
            }
            pacer.start();
            Thread.sleep(TimeUnit.SECONDS.toMillis(options.warmupSeconds()));

            long restartAt = storm.restarting();
            int exitStatus = restartHook != null ? runHook(restartHook) : runCommand(options.restartCommand().get());
            long commandEnd = System.nanoTime();
            long deadline = restartAt + TimeUnit.SECONDS.toNanos(options.reconnectTimeoutSeconds());
            boolean allBack = Crowd.await(() -> storm.back.get() == count, remaining(deadline));
            boolean allCaughtUp = Crowd.await(() -> storm.caughtUp.get() == pairs, remaining(deadline));
            long settledFrom = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(options.durationSeconds()));
            pacer.stop();
            boolean drained = Crowd.await(() -> traffic.ledger().settledAcrossRestart(settledFrom),
                    Duration.ofSeconds(options.drainSeconds()));

            report.figure("restart_command_s", seconds(commandEnd - restartAt))
                    .figure("restart_command_exit_status", exitStatus);
            storm.figures(report, restartAt, count, pairs);
            report.figure("messages_sent", pacer.sent.get())
                    .figure("sends_skipped_while_disconnected", pacer.skipped.get())
                    .figure("error_frames", traffic.errorFrames())
                    .figure("presence_frames", traffic.presenceFrames())
                    .figure("drained", drained);
            report.accountingAcrossRestart(traffic.ledger().reconcileAcrossRestart(), storm.chat.unexpectedCloses(),
                    storm.chat.sendFailures());
            report.requirement("restart_command_exited_0", exitStatus == 0)
                    .requirement("all_back_within_timeout", allBack)
                    .requirement("all_caught_up_within_timeout", allCaughtUp);
        } finally {
            pacer.stop();
            storm.close(clients);
        }
        return report;
    }

    private static int runHook(Runnable restartHook) {
        try {
            restartHook.run();
            return 0;
        } catch (RuntimeException e) {
            System.err.println("parley-bench: the restart failed: " + e);
            return 1;
        }
    }

    /** Runs {@code command} through {@code sh -c} with the tool's standard streams; returns its exit status. */
    private static int runCommand(String command) throws IOException, InterruptedException {
        return new ProcessBuilder("sh", "-c", command).inheritIO().start().waitFor();
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /**
     * {@code handshakes - 1} intervals over the time from the first handshake to the last of them, per second; NaN
     * (not measured) with fewer than two handshakes or no time between them.
     */
    static double handshakesPerSecond(long[] sortedNanos, int handshakes) {
        if (handshakes < 2 || sortedNanos.length < handshakes
                || sortedNanos[handshakes - 1] == sortedNanos[0]) {
            return Double.NaN;
        }
        return (handshakes - 1) / seconds(sortedNanos[handshakes - 1] - sortedNanos[0]);
    }

    /** What the clients share: the websocket clients, the catch-up, the retry timer, the times and counters. */
    private static final class Storm {
        final ChatClients chat;
        final CatchUp catchUp;
        final Ledger ledger;
        final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(
                new DefaultThreadFactory("bench-storm-retry", true));
        final ExecutorService catchUps;
        final long reconnectTimeoutNanos;
        final Backoff backoff;
        final AtomicInteger back = new AtomicInteger();
        final AtomicInteger caughtUp = new AtomicInteger();
        final ConcurrentLinkedQueue<Long> backAt = new ConcurrentLinkedQueue<>();
        final AtomicLong lastCaughtUpAt = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong gaveUp = new AtomicLong();
        final AtomicLong drops = new AtomicLong();
        final AtomicLong catchUpRequests = new AtomicLong();
        final AtomicLong catchUpFailures = new AtomicLong();
        final AtomicLong catchUpListed = new AtomicLong();
        volatile long restartAt;
        volatile boolean restarted;
        volatile boolean closing;

        Storm(Options options, Ledger ledger) {
            this.chat = new ChatClients(options.wsBase(), options.sourceAddresses(), options.ioThreads());
            this.catchUp = new CatchUp(options.httpBase());
            this.ledger = ledger;
            this.catchUps = Executors.newFixedThreadPool(Math.min(64, options.handshakeConcurrency()),
                    new DefaultThreadFactory("bench-catch-up", true));
            this.reconnectTimeoutNanos = TimeUnit.SECONDS.toNanos(options.reconnectTimeoutSeconds());
            this.backoff = options.reconnectBackoff();
        }

        /** The restart begins now: from here on a client's next handshake brings it back. Returns the time. */
        long restarting() {
            restartAt = System.nanoTime();
            restarted = true;
            return restartAt;
        }

        void figures(Report report, long restartAt, int count, int pairs) {
            long[] times = backAt.stream().mapToLong(Long::longValue).sorted().toArray();
            int first = Math.min(count, FIRST_HANDSHAKES);
            report.figure("clients_back", times.length)
                    .figure("receivers_caught_up", caughtUp.get());
            if (times.length > 0) {
                report.figure("restart_to_first_handshake_s", seconds(times[0] - restartAt));
                report.figure("first_handshake_to_all_back_s", times.length == count
                        ? seconds(times[count - 1] - times[0]) : "not all back");
                report.figure("first_handshake_to_all_caught_up_s", caughtUp.get() == pairs
                        ? seconds(lastCaughtUpAt.get() - times[0]) : "not all caught up");
                report.figure("restart_to_all_caught_up_s", caughtUp.get() == pairs
                        ? seconds(lastCaughtUpAt.get() - restartAt) : "not all caught up");
            } else {
                report.figure("restart_to_first_handshake_s", "no client came back");
            }
            report.figure("handshakes_per_s_first_" + first, handshakesPerSecond(times, first))
                    .figure("handshakes_per_s_all", handshakesPerSecond(times, count))
                    .figure("connections_dropped", drops.get())
                    .figure("reconnect_attempts_refused", refused.get())
                    .figure("reconnect_attempts_failed", failed.get())
                    .figure("clients_given_up", gaveUp.get())
                    .figure("catch_up_requests", catchUpRequests.get())
                    .figure("catch_up_failures", catchUpFailures.get())
                    .figure("catch_up_messages_listed", catchUpListed.get());
        }

        /**
         * Runs {@code task}, attempt {@code attempt} of a retried step, after the pause {@link Backoff} draws; returns
         * false, running nothing, when that pause would end after {@code deadlineNanos} (the step gives up now rather
         * than after the run has stopped waiting for it) or the run is closing.
         */
        boolean later(int attempt, long deadlineNanos, Runnable task) {
            long pause = backoff.pauseMillis(attempt, ThreadLocalRandom.current());
            if (closing || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause) - deadlineNanos > 0) {
                return false;
            }
            retries.schedule(task, pause, TimeUnit.MILLISECONDS);
            return true;
        }

        void close(List<Client> clients) {
            closing = true;
            chat.closing();
            retries.shutdownNow();
            catchUps.shutdownNow();
            for (Client client : clients) {
                ChatConnection connection = client.connection;
                if (connection != null) {
                    connection.close();
                }
            }
            try {
                Crowd.await(() -> chat.openConnections() == 0, Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                chat.close();
            }
        }
    }

    /**
     * One simulated device: a sender's or a receiver's connection that reconnects whenever it drops, and, for a
     * receiver, the catch-up after each reconnect from the highest message id it had seen.
     */
    private static final class Client {
        final Storm storm;
        final String token;
        final Consumer<Frames.Incoming> frames;
        final Sender sender;
        /** The receiver's peer (its sender's user id); null for a sender. */
        final String peer;
        final AtomicLong highestSeen = new AtomicLong();
        volatile ChatConnection connection;
        private boolean back;
        private boolean caughtUp;

        Client(Storm storm, String token, Consumer<Frames.Incoming> traffic, Sender sender, String peer) {
            this.storm = storm;
            this.token = token;
            this.sender = sender;
            this.peer = peer;
            this.frames = peer == null ? traffic : frame -> {
                if ("re_message".equals(frame.action())) {
                    highestSeen.accumulateAndGet(frame.createdMsgId(), Math::max);
                }
                traffic.accept(frame);
            };
        }

        void attach(ChatConnection opened) {
            connection = opened;
            if (sender != null) {
                sender.attach(opened);
            }
            opened.closed().thenRun(this::dropped);
        }

        private void dropped() {
            if (storm.closing) {
                return;
            }
            storm.drops.incrementAndGet();
            long after = highestSeen.get();
            long deadline = (storm.restarted ? storm.restartAt : System.nanoTime()) + storm.reconnectTimeoutNanos;
            reconnect(after, deadline, 0);
        }

        /** Attempt {@code attempt} (0: the first after the drop, at once) to open this client's connection again. */
        private void reconnect(long after, long deadline, int attempt) {
            if (storm.closing) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                storm.gaveUp.incrementAndGet();
                return;
            }
            storm.chat.open(token, frames).whenComplete((opened, failure) -> {
                if (failure != null) {
                    (failure instanceof ConnectException ? storm.refused : storm.failed).incrementAndGet();
                    if (!storm.later(attempt + 1, deadline, () -> reconnect(after, deadline, attempt + 1))
                            && !storm.closing) {
                        storm.gaveUp.incrementAndGet();
                    }
                    return;
                }
                if (storm.closing) {
                    opened.close();
                    return;
                }
                attach(opened);
                if (storm.restarted) {
                    comeBack();
                }
                if (peer != null) {
                    storm.catchUps.execute(() -> catchUp(after, deadline, 0));
                }
            });
        }

        private void comeBack() {
            long now = System.nanoTime();
            synchronized (this) {
                if (back) {
                    return;
                }
                back = true;
            }
            storm.backAt.add(now);
            storm.back.incrementAndGet();
        }

        /**
         * Lists what came after {@code after}; retried on the reconnect's schedule ({@link Backoff}) until answered or
         * the deadline passes. {@code attempt} 0 is the first, sent as soon as the websocket is open.
         */
        private void catchUp(long after, long deadline, int attempt) {
            try {
                int requests = storm.catchUp.fetch(token, peer, after, (clientMsgId, id) -> {
                    storm.catchUpListed.incrementAndGet();
                    storm.ledger.caughtUp(clientMsgId == null ? "" : clientMsgId, id);
                    highestSeen.accumulateAndGet(id, Math::max);
                });
                storm.catchUpRequests.addAndGet(requests);
                if (storm.restarted) {
                    long now = System.nanoTime();
                    synchronized (this) {
                        if (caughtUp) {
                            return;
                        }
                        caughtUp = true;
                    }
                    storm.lastCaughtUpAt.accumulateAndGet(now, Math::max);
                    storm.caughtUp.incrementAndGet();
                }
            } catch (IOException e) {
                storm.catchUpFailures.incrementAndGet();
                int next = attempt + 1;
                storm.later(next, deadline, () -> storm.catchUps.execute(() -> catchUp(after, deadline, next)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The senders' schedule on a thread of its own: message k is due {@code k / rate} seconds after the start and goes
     * to sender {@code k mod P}, which skips its turn while it is disconnected.
     */
    private static final class Pacer {
        final List<Sender> senders;
        final int rate;
        final AtomicLong sent = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();
        private volatile boolean running;
        private Thread thread;

        Pacer(List<Sender> senders, int rate) {
            this.senders = senders;
            this.rate = rate;
        }

        void start() {
            running = true;
            thread = new Thread(this::pace, "bench-storm-pacer");
            thread.setDaemon(true);
            thread.start();
        }

        private void pace() {
            long start = System.nanoTime();
            for (long k = 0; running; k++) {
                long due = start + k * 1_000_000_000L / rate;
                long now;
                while (running && (now = System.nanoTime()) < due) {
                    LockSupport.parkNanos(due - now);
                }
                Sender sender = senders.get((int) (k % senders.size()));
                if (!running) {
                    return;
                }
                if (sender.connected()) {
                    sender.send(due);
                    sent.incrementAndGet();
                } else {
                    skipped.incrementAndGet();
                }
            }
        }

        void stop() {
            running = false;
            Thread current = thread;
            if (current != null) {
                try {
                    current.join(TimeUnit.SECONDS.toMillis(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
