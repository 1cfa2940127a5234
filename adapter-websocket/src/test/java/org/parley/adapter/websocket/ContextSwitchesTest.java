package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.junit.jupiter.api.Test;
import org.parley.application.port.out.ConnectionCensus;
import org.parley.domain.user.User;

/**
 * Counts (does not time) what the hot path saves: the voluntary context switches of this process (every thread's,
 * from {@code /proc/self/task/<tid>/status}) and the frames handled on a worker thread, over {@value #MESSAGES}
 * messages sent one after the other on one connection, each awaited ({@code conf_message}). Three ways: every read
 * handed to a worker (Grizzly's {@link WorkerThreadIOStrategy}, as before the hot path), the hot path, and frames that
 * miss memory (handed to the connection's lane). Client and server share the process; the client's share is the same
 * in all three.
 */
class ContextSwitchesTest {

    private static final int MESSAGES = 1_000;
    private static final int WARM_UP = 200;

    @Test
    void aHotMessageIsHandledWithoutAHandOverAndCostsFewerContextSwitches() throws Exception {
        Counted everyReadOnAWorker = count(listener -> listener.getTransport()
                .setIOStrategy(WorkerThreadIOStrategy.getInstance()), false);
        Counted hot = count(listener -> { }, false);
        Counted cold = count(listener -> { }, true);
        Map<String, Counted> counted = new LinkedHashMap<>();
        counted.put("every read on a worker (before)", everyReadOnAWorker);
        counted.put("hot path", hot);
        counted.put("missing from memory (lane)", cold);
        counted.forEach((way, count) -> System.out.printf("%-35s %6.2f voluntary context switches, %4.2f frames on a"
                + " worker per message%n", way, count.switches() / (double) MESSAGES,
                count.onWorkers() / (double) MESSAGES));

        assertThat(hot.onWorkers()).isZero();
        assertThat(everyReadOnAWorker.onWorkers()).isEqualTo(MESSAGES);
        assertThat(cold.onWorkers()).isEqualTo(MESSAGES);
        assertThat(hot.switches()).isLessThan(everyReadOnAWorker.switches()).isLessThan(cold.switches());
    }

    private record Counted(long switches, long onWorkers) {
    }

    private static Counted count(Consumer<NetworkListener> beforeStart, boolean nothingHeld) throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults(), -1, ConnectionCensus.unlimited(), false,
                beforeStart)) {
            User alice = server.user("alice");
            User bob = server.user("bob");
            try (WsClient a = server.connect(alice)) {
                for (int i = 0; i < WARM_UP; i++) {
                    sendAndAwait(a, bob, "warm-up " + i);
                }
                server.nothingHeld.set(nothingHeld);
                long onWorkers = settledWorkerFrames(server);
                long switches = voluntaryContextSwitches();
                for (int i = 0; i < MESSAGES; i++) {
                    sendAndAwait(a, bob, "message " + i);
                }
                long switched = voluntaryContextSwitches() - switches;
                return new Counted(switched, settledWorkerFrames(server) - onWorkers);
            }
        }
    }

    private static void sendAndAwait(WsClient client, User to, String body) {
        client.sendJson(Map.of("action", "text_message", "message_body", body, "receiver_id", to.id().toString()));
        assertThat(client.next().get("message").asText()).isEqualTo(body);
    }

    /**
     * {@link #workerFrames} once it has stopped moving: a hot send is recorded after group commit has taken it, so its
     * confirmation can reach the client a moment before the record is made.
     */
    private static long settledWorkerFrames(TestServer server) throws InterruptedException {
        long seen = workerFrames(server);
        while (true) {
            Thread.sleep(50);
            long now = workerFrames(server);
            if (now == seen) {
                return now;
            }
            seen = now;
        }
    }

    /** Frames whose send ran on a worker thread, by either path. */
    private static long workerFrames(TestServer server) {
        return Stream.concat(server.sendThreads.stream(), server.sendFromMemoryThreads.stream())
                .filter(name -> name.startsWith("Grizzly-worker")).count();
    }

    private static long voluntaryContextSwitches() throws IOException {
        long total = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                List<String> status;
                try {
                    status = Files.readAllLines(task.resolve("status"));
                } catch (IOException gone) {
                    continue;
                }
                for (String line : status) {
                    if (line.startsWith("voluntary_ctxt_switches:")) {
                        total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    }
                }
            }
        }
        return total;
    }
}
