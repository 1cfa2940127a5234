package org.parley.benchmarks;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * Websocket clients bound to several loopback source addresses (127.0.0.1, 127.0.0.2, …), one Jetty client per
 * address sharing one thread pool, so that many connections never exhaust one address's ephemeral ports. Connections
 * are spread over the addresses in turn.
 */
final class ChatClients implements AutoCloseable {

    private final URI chatUri;
    private final QueuedThreadPool threads;
    private final List<WebSocketClient> clients = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final ChatConnection.Counters counters = new ChatConnection.Counters();

    ChatClients(URI wsBase, int sourceAddresses) throws Exception {
        if (sourceAddresses < 1 || sourceAddresses > 250) {
            throw new IllegalArgumentException("--source-addresses must be 1..250");
        }
        this.chatUri = wsBase.resolve("/ws/chat/room/");
        this.threads = new QueuedThreadPool(Math.max(8, Runtime.getRuntime().availableProcessors() * 4) + 4 * sourceAddresses);
        threads.setName("bench-ws");
        threads.start();
        for (int i = 1; i <= sourceAddresses; i++) {
            HttpClient http = new HttpClient();
            http.setExecutor(threads);
            http.setBindAddress(new InetSocketAddress("127.0.0." + i, 0));
            http.setMaxConnectionsPerDestination(100_000);
            http.setMaxRequestsQueuedPerDestination(100_000);
            http.setConnectTimeout(10_000);
            WebSocketClient client = new WebSocketClient(http);
            client.setIdleTimeout(Duration.ofMinutes(10));
            client.setMaxTextMessageSize(1024 * 1024);
            client.start();
            clients.add(client);
        }
    }

    /** Opens a connection for the holder of {@code token}; {@code frames} receives every parsed frame. */
    CompletableFuture<ChatConnection> open(String token, Consumer<Frames.Incoming> frames) {
        WebSocketClient client = clients.get(Math.floorMod(next.getAndIncrement(), clients.size()));
        ChatConnection connection = new ChatConnection(frames, counters);
        URI uri = URI.create(chatUri + "?token=" + URLEncoder.encode(token, StandardCharsets.US_ASCII));
        try {
            return client.connect(connection, uri).thenApply(session -> connection);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Connections closed by the server or the network while the run still needed them. */
    int unexpectedCloses() {
        return counters.unexpectedCloses.get();
    }

    /** Connections open right now. */
    int openConnections() {
        return counters.open.get();
    }

    int sendFailures() {
        return counters.sendFailures.get();
    }

    /** From now on, closes are expected (the run is closing its connections). */
    void closing() {
        counters.closing = true;
    }

    @Override
    public void close() {
        counters.closing = true;
        try {
            for (WebSocketClient client : clients) {
                client.stop();
            }
            threads.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the websocket clients failed", e);
        }
    }
}
