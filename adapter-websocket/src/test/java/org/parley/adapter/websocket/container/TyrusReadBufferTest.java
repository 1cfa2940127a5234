package org.parley.adapter.websocket.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;

import org.glassfish.tyrus.core.RequestContext;
import org.glassfish.tyrus.core.TyrusUpgradeResponse;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.WebSocketEngine;
import org.glassfish.tyrus.spi.Writer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tyrus's read buffer of a connection is let go once a read of control frames alone, or of the rest of a frame, ends on
 * a frame boundary, kept (small and empty) after a read of small messages and while a frame is incomplete, and frames
 * split across reads still arrive whole: {@link TyrusReadBuffer} through {@link GuardedEngine}, on a real
 * Tyrus engine fed raw bytes.
 */
class TyrusReadBufferTest {

    static final List<String> RECEIVED = new CopyOnWriteArrayList<>();

    /** Collects the text messages it receives. */
    public static final class Collecting extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) RECEIVED::add);
        }
    }

    private final EmbeddedTyrusContainer container = new EmbeddedTyrusContainer("/ws", 1 << 20, 1 << 16);

    @AfterEach
    void stop() {
        container.stop();
        RECEIVED.clear();
    }

    /**
     * The upgraded connection is its own frame-size guard and close-frame handler: one object per connection (were
     * three), and Tyrus reads through it; frames still reach the endpoint.
     */
    @Test
    void theUpgradedConnectionIsItsOwnGuardAndReadHandler() throws Exception {
        container.register(ServerEndpointConfig.Builder.create(Collecting.class, "/echo").build());
        GuardedEngine.GuardedConnection connection = open(container.getWebSocketEngine(), "/ws/echo");

        assertThat(connection).isInstanceOf(FrameSizeGuard.class);
        assertThat(connection.getReadHandler()).isSameAs(connection);
        assertThat(connection.tyrusReadHandler()).isNotSameAs(connection);
        connection.handle(maskedText("hi"));
        assertThat(RECEIVED).containsExactly("hi");
    }

    @Test
    void theBufferIsLetGoAtEachFrameBoundaryAndKeptWhileAFrameIsIncomplete() throws Exception {
        assertThat(TyrusReadBuffer.available()).as("Tyrus's read buffer field is reachable").isTrue();
        container.register(ServerEndpointConfig.Builder.create(Collecting.class, "/echo").build());
        GuardedEngine.GuardedConnection connection = open(container.getWebSocketEngine(), "/ws/echo");

        connection.handle(maskedText("hi"));
        assertThat(RECEIVED).containsExactly("hi");
        assertThat(TyrusReadBuffer.held(connection.tyrusReadHandler())).as("after a whole small message: kept, empty")
                .isNotNull().satisfies(held -> assertThat(held.hasRemaining()).isFalse());

        ByteBuffer frame = maskedText("hello, in two reads");
        ByteBuffer first = frame.duplicate().limit(9);
        ByteBuffer rest = frame.duplicate().position(9);
        connection.handle(first);
        assertThat(TyrusReadBuffer.held(connection.tyrusReadHandler())).as("while the frame is incomplete")
                .isNotNull();
        connection.handle(rest);
        assertThat(RECEIVED).containsExactly("hi", "hello, in two reads");
        assertThat(TyrusReadBuffer.held(connection.tyrusReadHandler())).as("after its last byte").isNull();

        ByteBuffer two = ByteBuffer.allocate(64);
        two.put(maskedText("a")).put(maskedText("b")).flip();
        connection.handle(two);
        assertThat(RECEIVED).containsExactly("hi", "hello, in two reads", "a", "b");
        assertThat(TyrusReadBuffer.held(connection.tyrusReadHandler())).as("after two small messages: kept, empty")
                .isNotNull().satisfies(held -> assertThat(held.hasRemaining()).isFalse());
        connection.handle(maskedPong());
        assertThat(TyrusReadBuffer.held(connection.tyrusReadHandler())).as("after a pong alone").isNull();
    }

    /** A client's pong frame with one byte, masked. */
    static ByteBuffer maskedPong() {
        return ByteBuffer.wrap(new byte[] {(byte) 0x8A, (byte) 0x81, 0x12, 0x34, 0x56, 0x78, 0x13});
    }

    /** A connection upgraded by {@code engine} for {@code path}, with a writer that drops what it is given. */
    static GuardedEngine.GuardedConnection open(WebSocketEngine engine, String path) {
        WebSocketEngine.UpgradeInfo upgrade = upgradeOnly(engine, path);
        Connection connection = upgrade.createConnection(new Writer() {
            @Override
            public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler) {
                completionHandler.completed(buffer);
            }

            @Override
            public void close() {
            }
        }, reason -> { });
        return (GuardedEngine.GuardedConnection) connection;
    }

    /** A successful handshake for {@code path}, whose connection is not made (yet). */
    static WebSocketEngine.UpgradeInfo upgradeOnly(WebSocketEngine engine, String path) {
        RequestContext request = RequestContext.Builder.create().requestURI(URI.create(path)).build();
        request.getHeaders().put("Host", List.of("127.0.0.1"));
        request.getHeaders().put("Upgrade", List.of("websocket"));
        request.getHeaders().put("Connection", List.of("Upgrade"));
        request.getHeaders().put("Sec-WebSocket-Key", List.of("dGhlIHNhbXBsZSBub25jZQ=="));
        request.getHeaders().put("Sec-WebSocket-Version", List.of("13"));
        TyrusUpgradeResponse response = new TyrusUpgradeResponse();
        WebSocketEngine.UpgradeInfo upgrade = engine.upgrade(request, response);
        assertThat(upgrade.getStatus()).isEqualTo(WebSocketEngine.UpgradeStatus.SUCCESS);
        return upgrade;
    }

    /** A client's text frame: FIN, masked with a fixed key. */
    static ByteBuffer maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        ByteBuffer frame = ByteBuffer.allocate(6 + payload.length);
        frame.put((byte) 0x81).put((byte) (0x80 | payload.length)).put(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i % 4]));
        }
        return frame.flip();
    }
}
