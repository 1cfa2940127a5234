package org.parley.adapter.websocket.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tyrus's per-session record of the endpoint instance is dropped when {@code onOpen} says the instance is shared, kept
 * otherwise, and the session goes on receiving: {@link SharedEndpointInstance} through
 * {@link TyrusOnGrizzly#openedWithSharedInstance}, on a real Tyrus engine fed raw bytes.
 */
class SharedEndpointInstanceTest {

    static final Map<String, Session> OPENED = new ConcurrentHashMap<>();
    static final List<String> RECEIVED = new CopyOnWriteArrayList<>();

    /** Says its instance is shared. */
    public static final class Sharing extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            TyrusOnGrizzly.openedWithSharedInstance(session);
            session.addMessageHandler(String.class, (MessageHandler.Whole<String>) RECEIVED::add);
            OPENED.put("sharing", session);
        }
    }

    /** Says nothing. */
    public static final class Plain extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            OPENED.put("plain", session);
        }
    }

    private final EmbeddedTyrusContainer container = new EmbeddedTyrusContainer("/ws", 1 << 20, 1 << 16);

    @AfterEach
    void stop() {
        container.stop();
        OPENED.clear();
        RECEIVED.clear();
    }

    @Test
    void theRecordIsDroppedForASharedInstanceOnlyAndTheSessionStillReceives() throws Exception {
        assertThat(SharedEndpointInstance.available()).as("Tyrus's fields are reachable").isTrue();
        container.register(ServerEndpointConfig.Builder.create(Sharing.class, "/sharing").build());
        container.register(ServerEndpointConfig.Builder.create(Plain.class, "/plain").build());

        GuardedEngine.GuardedConnection sharing = TyrusReadBufferTest.open(container.getWebSocketEngine(),
                "/ws/sharing");
        TyrusReadBufferTest.open(container.getWebSocketEngine(), "/ws/plain");

        assertThat(SharedEndpointInstance.held(OPENED.get("plain"))).as("Tyrus's own record").isTrue();
        assertThat(SharedEndpointInstance.held(OPENED.get("sharing"))).as("dropped after onOpen").isFalse();

        sharing.handle(TyrusReadBufferTest.maskedText("still here"));
        assertThat(RECEIVED).containsExactly("still here");
        assertThat(OPENED.get("sharing").isOpen()).isTrue();
        assertThat(SharedEndpointInstance.held(OPENED.get("sharing"))).isFalse();
    }
}
