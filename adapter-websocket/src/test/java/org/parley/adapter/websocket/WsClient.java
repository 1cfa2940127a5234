package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A real websocket client (the JDK's), collecting what the server sends. */
final class WsClient implements AutoCloseable {

    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();

    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    final AtomicInteger pings = new AtomicInteger();
    private final CompletableFuture<Void> ponged = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static WsClient connect(URI uri) {
        return connect(uri, Map.of());
    }

    static WsClient connect(URI uri, Map<String, String> headers) {
        WsClient client = new WsClient();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        client.socket = builder.buildAsync(uri, client.listener()).orTimeout(10, TimeUnit.SECONDS).join();
        // The client sees the handshake complete a moment before the server's onOpen registers the session; a ping
        // is answered only after onOpen, so once the pong is back, frames for this user reach this connection.
        client.socket.sendPing(ByteBuffer.wrap(new byte[] {1})).orTimeout(10, TimeUnit.SECONDS).join();
        client.ponged.orTimeout(10, TimeUnit.SECONDS).join();
        return client;
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                synchronized (partial) {
                    partial.append(data);
                    if (last) {
                        received.add(partial.toString());
                        partial.setLength(0);
                    }
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
                ponged.complete(null);
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
                pings.incrementAndGet();
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closeCode.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closeCode.completeExceptionally(error);
            }
        };
    }

    void send(String text) {
        socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    void sendJson(Map<String, ?> frame) {
        try {
            send(JSON.writeValueAsString(frame));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends without waiting: the server may close the connection before the whole frame is written. */
    void sendFragments(String first, String last) {
        socket.sendText(first, false).orTimeout(10, TimeUnit.SECONDS).join();
        socket.sendText(last, true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** An unsolicited pong (RFC 6455 §5.5.3: allowed, a heartbeat the server may time). */
    void sendPong() {
        socket.sendPong(ByteBuffer.wrap(new byte[] {2})).orTimeout(10, TimeUnit.SECONDS).join();
    }

    void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** The next frame, parsed; fails after 5 s. */
    JsonNode next() {
        try {
            String text = received.poll(5, TimeUnit.SECONDS);
            if (text == null) {
                fail("No frame within 5 s");
            }
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    String nextRaw() {
        try {
            String text = received.poll(5, TimeUnit.SECONDS);
            assertThat(text).as("a frame within 5 s").isNotNull();
            return text;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    void assertNothingMoreWithin(Duration wait) throws InterruptedException {
        String text = received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(text).as("unexpected frame").isNull();
    }

    int awaitClose() {
        return closeCode.orTimeout(10, TimeUnit.SECONDS).join();
    }

    boolean isOpen() {
        return !socket.isInputClosed() && !socket.isOutputClosed();
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }
}
