package org.parley.adapter.websocket.container;

import java.util.Map;
import java.util.Set;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;

import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * A Tyrus container that owns only its engine: the HTTP server is Parley's own, shared with the REST API.
 *
 * <p>Works around two things:
 * <ul>
 *   <li>Tyrus's {@code org.glassfish.tyrus.container.grizzly.server.GrizzlyServerContainer} (its
 *       {@code TyrusGrizzlyServerContainer.start}) creates and starts an {@code HttpServer} of its own, on a port of
 *       its own. This subclass of {@link TyrusServerContainer} builds only the engine
 *       ({@code TyrusWebSocketEngine.builder(this)}); {@link TyrusOnGrizzly} registers Tyrus's
 *       {@code WebSocketAddOn(ServerContainer, String)} (public since Tyrus 2.2.2) with it on Parley's listener.</li>
 *   <li>Tyrus's idle timeout. {@code TyrusSession.restartIdleTimeoutExecutor}, called after every frame read or written
 *       ({@code TyrusEndpointWrapper}, {@code TyrusRemoteEndpoint}), schedules an idle-timeout task unless the
 *       session's timeout is negative; with Tyrus's default 0 ("no timeout") that was a task per frame, run at once, a
 *       tenth of the server's CPU under load. The default is {@value #NO_IDLE_TIMEOUT} here; Parley's own pings find
 *       dead connections ({@code ChatWebSocket}).</li>
 * </ul>
 *
 * <p>Checked on Tyrus 2.2.2 and Grizzly 4.0.2. Proved by {@code ChatWebSocketTest}
 * ({@code plainHttpRequestsFallThroughToTheOtherHandlers}: one listener serves both) and
 * {@code ConnectionLifecycleTest.sessionsHaveNoTyrusIdleTimeoutSoNoTaskIsScheduledPerFrame}.
 */
final class EmbeddedTyrusContainer extends TyrusServerContainer {

    static final long NO_IDLE_TIMEOUT = -1;

    private final WebSocketEngine engine;
    private final String contextPath;

    /** @param maxMessageBytes larger client messages close the connection with 1009 before Tyrus buffers them */
    EmbeddedTyrusContainer(String contextPath, int incomingBufferSize, long maxMessageBytes) {
        super((Set<Class<?>>) null);
        // Negative, not Tyrus's default 0: see the class comment.
        setDefaultMaxSessionIdleTimeout(NO_IDLE_TIMEOUT);
        this.contextPath = contextPath;
        this.engine = new GuardedEngine(
                TyrusWebSocketEngine.builder(this).incomingBufferSize(incomingBufferSize).build(), maxMessageBytes);
    }

    /**
     * @throws DeploymentException for a templated path ({@code {name}}): sessions keep no parameters here
     *                             ({@link GuardedEngine#withoutQueryOnceUpgraded}), so path parameters would be lost
     */
    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
        ServerEndpoint annotation = endpointClass.getAnnotation(ServerEndpoint.class);
        refuseTemplated(annotation == null ? "" : annotation.value());
        engine.register(endpointClass, contextPath);
    }

    /**
     * @throws DeploymentException for a templated path ({@code {name}}): sessions keep no parameters here
     *                             ({@link GuardedEngine#withoutQueryOnceUpgraded}), so path parameters would be lost
     */
    @Override
    public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
        refuseTemplated(serverEndpointConfig.getPath());
        engine.register(serverEndpointConfig, contextPath);
    }

    private static void refuseTemplated(String path) throws DeploymentException {
        if (path.contains("{")) {
            throw new DeploymentException("Templated endpoint paths are not served: " + path);
        }
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
