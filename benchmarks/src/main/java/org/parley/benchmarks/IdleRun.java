package org.parley.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;


/**
 * The idle mode: opens N connections from several loopback source addresses and measures handshakes per second and,
 * given the server's pid, its resident memory per connection; then a sample of the connections exchange a message
 * (they are alive), and after they all close the server's memory is read again.
 */
final class IdleRun {

    private IdleRun() {
    }

    static Report run(Options options) throws Exception {
        int count = options.connections();
        int samplePairs = Math.min(options.samplePairs(), count / 2);
        Report report = new Report("idle", Instant.now())
                .parameter("url", options.httpBase())
                .parameter("connections", count)
                .parameter("source_addresses", options.sourceAddresses())
                .parameter("io_threads", options.ioThreads())
                .parameter("sample_pairs", samplePairs)
                .parameter("server_pid", options.serverPid().isPresent() ? options.serverPid().getAsLong() : "none");
        ServerMemory memory = options.serverPid().isPresent() ? new ServerMemory(options.serverPid().getAsLong()) : null;
        Traffic traffic = new Traffic();
        AdminApi admin = new AdminApi(options.httpBase(), options.adminKey());
        String runId = Long.toString(System.currentTimeMillis(), 36);
        List<UUID> users = admin.createUsers(count, runId);
        List<String> tokens = Crowd.tokensFor(users, new AccessTokens(options.jwtSecret(), Duration.ofHours(2)));

        OptionalLong before = read(memory);
        try (ChatClients clients = new ChatClients(options.wsBase(), options.sourceAddresses(), options.ioThreads())) {
            long start = System.nanoTime();
            List<ChatConnection> connections = Crowd.connect(clients, tokens, index -> traffic.handler(),
                    options.handshakeConcurrency(), Duration.ofSeconds(Math.max(60, count / 50)));
            double openSeconds = (System.nanoTime() - start) / 1e9;
            report.figure("open_s", openSeconds).figure("handshakes_per_s", count / openSeconds);

            Thread.sleep(TimeUnit.SECONDS.toMillis(options.settleSeconds()));
            OptionalLong open = read(memory);

            for (int i = 0; i < samplePairs; i++) {
                Sender sender = new Sender(runId + "-idle-" + i, users.get(2 * i + 1).toString(), traffic.ledger());
                sender.attach(connections.get(2 * i));
                sender.send(System.nanoTime());
            }
            boolean drained = Crowd.await(traffic.ledger()::complete, Duration.ofSeconds(options.drainSeconds()));
            report.figure("sample_drained", drained).figure("error_frames", traffic.errorFrames());
            report.accounting(traffic.ledger().reconcile(), clients.unexpectedCloses(), clients.sendFailures());

            Crowd.closeAll(clients, connections);
            boolean closed = Crowd.await(() -> clients.openConnections() == 0, Duration.ofSeconds(options.drainSeconds()));
            report.figure("all_closed", closed);
            Thread.sleep(TimeUnit.SECONDS.toMillis(options.settleSeconds()));
            OptionalLong after = read(memory);
            if (before.isPresent() && open.isPresent() && after.isPresent()) {
                report.figure("server_rss_before_kib", before.getAsLong())
                        .figure("server_rss_open_kib", open.getAsLong())
                        .figure("server_rss_after_close_kib", after.getAsLong())
                        .figure("server_kib_per_connection", (open.getAsLong() - before.getAsLong()) / (double) count)
                        .figure("server_rss_retained_after_close_kib", after.getAsLong() - before.getAsLong());
            } else {
                report.figure("server_memory", memory == null ? "not measured (no --server-pid)"
                        : "not readable from /proc/" + options.serverPid().getAsLong() + "/status");
            }
        }
        return report;
    }

    private static OptionalLong read(ServerMemory memory) {
        return memory == null ? OptionalLong.empty() : memory.residentKib();
    }
}
