package org.parley.adapter.websocket;

import java.util.Map;
import java.util.Set;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;

import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * A Tyrus container that owns only its engine: the HTTP server is Parley's own (shared with the REST API), unlike
 * Tyrus's {@code GrizzlyServerContainer}, which would start a second server.
 */
final class EmbeddedTyrusContainer extends TyrusServerContainer {

    static final long NO_IDLE_TIMEOUT = -1;

    private final WebSocketEngine engine;
    private final String contextPath;

    /** @param maxMessageBytes larger client messages close the connection with 1009 before Tyrus buffers them */
    EmbeddedTyrusContainer(String contextPath, int incomingBufferSize, long maxMessageBytes) {
        super((Set<Class<?>>) null);
        // No idle timeout in Tyrus: Parley's own pings find dead connections (ChatWebSocket). A negative value, not
        // Tyrus's default 0, because Tyrus 2.2 schedules an idle-timeout task after every frame read or written unless
        // the timeout is negative: with 0 that was an immediately-run task per frame, a tenth of the server's CPU
        // under load.
        setDefaultMaxSessionIdleTimeout(NO_IDLE_TIMEOUT);
        this.contextPath = contextPath;
        this.engine = new GuardedEngine(
                TyrusWebSocketEngine.builder(this).incomingBufferSize(incomingBufferSize).build(), maxMessageBytes);
    }

    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
        engine.register(endpointClass, contextPath);
    }

    @Override
    public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
        engine.register(serverEndpointConfig, contextPath);
    }

    @Override
    public Map<String, Object> getProperties() {
        return Map.of();
    }

    @Override
    public WebSocketEngine getWebSocketEngine() {
        return engine;
    }
}
