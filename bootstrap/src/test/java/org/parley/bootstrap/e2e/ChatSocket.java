package org.parley.bootstrap.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A real websocket client (the JDK's) that queues every text frame it receives, parsed as JSON. {@code presence} frames
 * (contract §13) are queued apart ({@link #nextPresence}): they arrive whenever a thread partner connects or leaves,
 * so tests of other frames read past them without knowing of them, and presence tests read them alone.
 *
 * <p>Every frame received must be one asyncapi.json describes ({@link ApiDescriptions}); one it does not fails the
 * test at its next read or at {@link #close}. A frame the test sends that asyncapi.json does not describe (garbage on
 * purpose) must be refused: by {@link #close} the server must have sent as many error frames as such frames were sent
 * (or closed the connection itself), so a frame the documents do not describe cannot quietly be accepted.
 */
public final class ChatSocket implements AutoCloseable {

    /** How the server closed the connection. */
    public record Closed(int code, String reason) {
    }

    private final WebSocket socket;
    private final LinkedBlockingQueue<JsonNode> frames;
    private final LinkedBlockingQueue<JsonNode> presence;
    private final CompletableFuture<Closed> closed;
    private final Listener listener;
    /** Frames sent that asyncapi.json does not describe: each must be refused. */
    private final AtomicInteger undescribedSent = new AtomicInteger();
    private final java.util.List<String> undescribedFrames = new java.util.ArrayList<>();

    private ChatSocket(WebSocket socket, LinkedBlockingQueue<JsonNode> frames, LinkedBlockingQueue<JsonNode> presence,
                       CompletableFuture<Closed> closed, Listener listener) {
        this.socket = socket;
        this.frames = frames;
        this.presence = presence;
        this.closed = closed;
        this.listener = listener;
    }

    public static ChatSocket connect(String wsBase, String token) {
        return connect(URI.create(wsBase + "/ws/chat/room/?token=" + token), null);
    }

    /** The server refused the handshake with this HTTP status. */
    public static final class HandshakeRefused extends RuntimeException {
        private final int status;

        HandshakeRefused(int status) {
            super("handshake refused with HTTP " + status);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /**
     * Connects, or throws {@link HandshakeRefused} when the server refuses. Returns once the server has opened the
     * session (a ping has been answered): a websocket handshake completes on the client a moment before the server
     * registers the connection, and a message sent to the user in that moment reaches only history, not this socket.
     */
    public static ChatSocket connect(URI uri, String authorizationHeader) {
        CompletableFuture<Closed> closed = new CompletableFuture<>();
        LinkedBlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<JsonNode> presence = new LinkedBlockingQueue<>();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (authorizationHeader != null) {
            builder.header("Authorization", authorizationHeader);
        }
        Listener listener = new Listener(queue, presence, closed);
        WebSocket socket;
        try {
            socket = builder.buildAsync(uri, listener).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
                throw new HandshakeRefused(refused.getResponse().statusCode());
            }
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
        socket.sendPing(ByteBuffer.wrap(new byte[] {1})).join();
        listener.ponged.orTimeout(10, TimeUnit.SECONDS).join();
        return new ChatSocket(socket, queue, presence, closed, listener);
    }

    public ChatSocket send(Object frame) {
        String text;
        try {
            text = frame instanceof String raw ? raw : HttpApi.JSON.writeValueAsString(frame);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (!ApiDescriptions.describesSentFrame(text)) {
            undescribedSent.incrementAndGet();
            synchronized (undescribedFrames) {
                if (undescribedFrames.size() < 30) {
                    undescribedFrames.add(text.length() > 160 ? text.substring(0, 160) + "…" : text);
                }
            }
        }
        socket.sendText(text, true).join();
        return this;
    }

    /** The next frame, waiting up to 10 s; fails the test when none arrives. */
    public JsonNode next() {
        checkDescribed();
        try {
            JsonNode frame = frames.poll(10, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no frame arrived within 10 s");
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A frame if one arrives within {@code wait}, else null. */
    public JsonNode poll(Duration wait) {
        checkDescribed();
        try {
            return frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next {@code presence} frame, waiting up to 10 s; fails the test when none arrives. */
    public JsonNode nextPresence() {
        JsonNode frame = pollPresence(Duration.ofSeconds(10));
        if (frame == null) {
            throw new AssertionError("no presence frame arrived within 10 s");
        }
        return frame;
    }

    /** A {@code presence} frame if one arrives within {@code wait}, else null. */
    public JsonNode pollPresence(Duration wait) {
        checkDescribed();
        try {
            return presence.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Closed awaitClose() {
        return closed.orTimeout(10, TimeUnit.SECONDS).join();
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        try {
            checkDescribed();
            checkUndescribedRefused();
        } finally {
            if (!socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(error -> null);
            }
            socket.abort();
        }
    }

    /** Fails when a frame received so far is not one asyncapi.json describes. */
    private void checkDescribed() {
        AssertionError undescribed = listener.undescribed.get();
        if (undescribed != null) {
            throw undescribed;
        }
    }

    /**
     * Fails when the server has answered fewer frames with an error than the test sent frames asyncapi.json does not
     * describe (waiting up to 3 s for the answers), unless the server closed the connection.
     */
    private void checkUndescribedRefused() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (listener.errorFrames.get() < undescribedSent.get() && !closed.isDone()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(undescribedSent.get() + " frames sent that asyncapi.json does not describe, "
                        + "but only " + listener.errorFrames.get() + " error frames came back; the first of those frames: "
                        + undescribedFrames);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static final class Listener implements WebSocket.Listener {
        private final LinkedBlockingQueue<JsonNode> queue;
        private final LinkedBlockingQueue<JsonNode> presence;
        private final CompletableFuture<Closed> closed;
        private final StringBuilder partial = new StringBuilder();
        final CompletableFuture<Void> ponged = new CompletableFuture<>();
        /** The first frame received that asyncapi.json does not describe. */
        final AtomicReference<AssertionError> undescribed = new AtomicReference<>();
        final AtomicInteger errorFrames = new AtomicInteger();

        Listener(LinkedBlockingQueue<JsonNode> queue, LinkedBlockingQueue<JsonNode> presence,
                 CompletableFuture<Closed> closed) {
            this.queue = queue;
            this.presence = presence;
            this.closed = closed;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    ApiDescriptions.checkReceivedFrame(partial.toString());
                } catch (AssertionError notDescribed) {
                    undescribed.compareAndSet(null, notDescribed);
                } catch (RuntimeException | StackOverflowError checkFailed) {
                    // Never let the check stop this socket: an exception thrown here would skip request(1) below,
                    // and the socket would receive nothing more.
                    undescribed.compareAndSet(null, new AssertionError("the check of a received frame failed: "
                            + abbreviated(partial.toString()), checkFailed));
                }
                try {
                    JsonNode frame = HttpApi.JSON.readTree(partial.toString());
                    if ("error".equals(frame.path("action").asText())) {
                        errorFrames.incrementAndGet();
                    }
                    ("presence".equals(frame.path("action").asText()) ? presence : queue).add(frame);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        private static String abbreviated(String text) {
            return text.length() > 300 ? text.substring(0, 300) + "…" : text;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
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
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Closed(1006, String.valueOf(error)));
        }
    }
}
