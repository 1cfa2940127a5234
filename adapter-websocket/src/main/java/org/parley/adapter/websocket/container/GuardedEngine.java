package org.parley.adapter.websocket.container;

import java.util.List;

import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;

import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.UpgradeRequest;
import org.glassfish.tyrus.spi.UpgradeResponse;
import org.glassfish.tyrus.spi.WebSocketEngine;
import org.glassfish.tyrus.spi.Writer;

/**
 * Tyrus's engine, with a {@link FrameSizeGuard} in front of every connection it upgrades: the
 * {@link Connection#getReadHandler() read handler} that Tyrus's {@code GrizzlyServerFilter.handleRead} feeds with the
 * raw bytes of a connection is the guard, which hands them on to Tyrus's own.
 *
 * <p>What the guard works around and the tests that prove it: {@link FrameSizeGuard}. Every connection also writes
 * through a {@link FrameWriter} (for text frames the application framed itself). It also answers a handshake without
 * {@code Sec-WebSocket-Key} with 400 instead of Tyrus's 500 ({@link #upgrade}). Checked on Tyrus 2.2.2.
 */
final class GuardedEngine implements WebSocketEngine {

    private final WebSocketEngine tyrus;
    private final long maxMessageBytes;

    GuardedEngine(WebSocketEngine tyrus, long maxMessageBytes) {
        this.tyrus = tyrus;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public UpgradeInfo upgrade(UpgradeRequest request, UpgradeResponse response) {
        String key = request.getHeader("Sec-WebSocket-Key");
        if (key == null || key.isBlank()) {
            return refusedAsMalformed(response);
        }
        UpgradeInfo upgrade = tyrus.upgrade(request, response);
        if (upgrade.getStatus() != UpgradeStatus.SUCCESS) {
            return upgrade;
        }
        return new UpgradeInfo() {
            @Override
            public UpgradeStatus getStatus() {
                return upgrade.getStatus();
            }

            @Override
            public Connection createConnection(Writer writer, Connection.CloseListener closeListener) {
                Connection connection = FrameWriter.createConnection(upgrade, writer, closeListener);
                return connection == null ? null : new GuardedConnection(connection, maxMessageBytes);
            }
        };
    }

    /**
     * A handshake without {@code Sec-WebSocket-Key} (RFC 6455 §4.2.1 requires it) is not a websocket handshake: 400
     * with an empty body and {@code Connection: close}, as every malformed request is answered (docs/api.md). Tyrus
     * 2.2.2 answers it 500, an empty body (observed against the running server: {@code HandshakeRefusalTest}).
     * Tyrus's {@code GrizzlyServerFilter.handleHandshake} writes the response as it stands after a failed upgrade.
     */
    private static UpgradeInfo refusedAsMalformed(UpgradeResponse response) {
        response.setStatus(400);
        response.setReasonPhrase("Bad Request");
        response.getHeaders().put("Content-Length", List.of("0"));
        response.getHeaders().put("Connection", List.of("close"));
        return new UpgradeInfo() {
            @Override
            public UpgradeStatus getStatus() {
                return UpgradeStatus.HANDSHAKE_FAILED;
            }

            @Override
            public Connection createConnection(Writer writer, Connection.CloseListener closeListener) {
                return null;
            }
        };
    }

    @Override
    public void register(Class<?> endpointClass, String contextPath) throws DeploymentException {
        tyrus.register(endpointClass, contextPath);
    }

    @Override
    public void register(ServerEndpointConfig serverConfig, String contextPath) throws DeploymentException {
        tyrus.register(serverConfig, contextPath);
    }

    private static final class GuardedConnection implements Connection {
        private final Connection tyrus;
        private final ReadHandler guard;

        GuardedConnection(Connection tyrus, long maxMessageBytes) {
            this.tyrus = tyrus;
            this.guard = new FrameSizeGuard(tyrus.getReadHandler(), tyrus, maxMessageBytes);
        }

        @Override
        public ReadHandler getReadHandler() {
            return guard;
        }

        @Override
        public Writer getWriter() {
            return tyrus.getWriter();
        }

        @Override
        public CloseListener getCloseListener() {
            return tyrus.getCloseListener();
        }

        @Override
        public void close(CloseReason reason) {
            tyrus.close(reason);
        }
    }
}
