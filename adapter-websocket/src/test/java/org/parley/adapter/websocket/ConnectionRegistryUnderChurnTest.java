package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.parley.application.cluster.LocalConnectionCensus;
import org.parley.domain.user.User;

/**
 * Hostile review of {@link ConnectionRegistry}'s immutable per-user sets on a real server: one user opens and closes
 * many connections from several threads at once, against the per-user limit, while another user keeps delivering to
 * them. No connection is lost or left behind, the limit holds at every moment, and the user is offline at the end.
 */
class ConnectionRegistryUnderChurnTest {

    private static final int LIMIT = 4;

    @Test
    void aUserOpeningAndClosingFromSeveralThreadsLeavesNeitherLostNorPhantomConnections() throws Exception {
        LocalConnectionCensus census = new LocalConnectionCensus(LIMIT);
        try (TestServer server = new TestServer(WebSocketSettings.defaults(), -1, census, false)) {
            User alice = server.user("alice");
            User bob = server.user("bob");
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger mostSeen = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            ConcurrentLinkedQueue<WsClient> kept = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try (WsClient b = server.connect(bob)) {
                Future<?> watcher = pool.submit(() -> {
                    while (running.get()) {
                        Set<LiveConnection> open = server.connections.of(alice.id());
                        mostSeen.accumulateAndGet(open.size(), Math::max);
                        Thread.onSpinWait();
                    }
                });
                Future<?> sender = pool.submit(() -> {
                    int i = 0;
                    while (running.get()) {
                        b.sendJson(Map.of("action", "text_message", "message_body", "m" + i++,
                                "receiver_id", alice.id().toString()));
                        try {
                            Thread.sleep(2);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                List<Future<?>> churners = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    churners.add(pool.submit(() -> {
                        for (int i = 0; i < 25; i++) {
                            WsClient a;
                            try {
                                a = server.connect(alice);
                            } catch (CompletionException overTheLimit) {
                                refused.incrementAndGet();
                                continue;
                            }
                            if (ThreadLocalRandom.current().nextInt(5) == 0 && kept.size() < 2) {
                                kept.add(a);
                            } else {
                                a.close();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> churner : churners) {
                    churner.get(120, TimeUnit.SECONDS);
                }
                int stillOpen = kept.size();
                HandshakeLimitsTest.awaitTrue(() -> server.connections.of(alice.id()).size() == stillOpen
                        && census.openConnections(alice.id()) == stillOpen, "the kept connections alone");
                assertThat(server.connections.isConnected(alice.id())).isEqualTo(stillOpen > 0);
                for (LiveConnection open : server.connections.of(alice.id())) {
                    assertThat(open.session().isOpen()).isTrue();
                }
                kept.forEach(WsClient::close);
                HandshakeLimitsTest.awaitTrue(() -> !server.connections.isConnected(alice.id())
                        && census.openConnections(alice.id()) == 0, "alice offline");
                running.set(false);
                watcher.get(10, TimeUnit.SECONDS);
                sender.get(10, TimeUnit.SECONDS);
                assertThat(server.connections.count()).isEqualTo(1);
                assertThat(server.connections.of(bob.id())).hasSize(1);
                assertThat(mostSeen.get()).isBetween(1, LIMIT);
                System.out.printf("refused %d, most seen %d, kept %d%n", refused.get(), mostSeen.get(), stillOpen);
            } finally {
                running.set(false);
                pool.shutdownNow();
            }
        }
    }
}
