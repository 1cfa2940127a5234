package org.parley.adapter.websocket.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a configurator hands over in {@code modifyHandshake} ({@link TyrusOnGrizzly#handOver}) reaches the
 * {@code onOpen} of its own connection ({@link TyrusOnGrizzly#opening}) and no other: not a later connection on the
 * same thread, not after a handshake whose connection was never made, not from a call outside any handshake. And the
 * session opened so shares the JDK's empty map for its two (emptied) parameter maps ({@link GuardedEngine}).
 */
class HandOverTest {

    /** What the next handshake's configurator hands over ({@code "-"}: nothing). */
    static final BlockingQueue<String> NEXT = new ArrayBlockingQueue<>(8);
    /** What each {@code onOpen} was handed, in order ({@code "none"} for null). */
    static final List<String> OPENED = new CopyOnWriteArrayList<>();
    /** The sessions opened, in order. */
    static final List<Session> SESSIONS = new CopyOnWriteArrayList<>();
    /** What {@code handOver} answered, in order. */
    static final List<Boolean> ANSWERS = new CopyOnWriteArrayList<>();

    /** Records what it was handed. */
    public static final class Recording extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            Object handed = TyrusOnGrizzly.opening(session);
            OPENED.add(handed == null ? "none" : handed.toString());
            SESSIONS.add(session);
        }
    }

    /** Hands over the next {@link #NEXT}. */
    static final class Handing extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            String next = NEXT.remove();
            if (!next.equals("-")) {
                ANSWERS.add(TyrusOnGrizzly.handOver(next));
            }
        }
    }

    private final EmbeddedTyrusContainer container = new EmbeddedTyrusContainer("/ws", 1 << 20, 1 << 16);

    @AfterEach
    void stop() {
        container.stop();
        NEXT.clear();
        OPENED.clear();
        SESSIONS.clear();
        ANSWERS.clear();
    }

    @Test
    void eachConnectionGetsWhatItsOwnHandshakeHandedOverOrNothing() throws Exception {
        container.register(ServerEndpointConfig.Builder.create(Recording.class, "/chat")
                .configurator(new Handing()).build());

        NEXT.add("first");
        TyrusReadBufferTest.open(container.getWebSocketEngine(), "/ws/chat");
        NEXT.add("-");
        TyrusReadBufferTest.open(container.getWebSocketEngine(), "/ws/chat");
        // A handshake that hands something over, whose connection is never made.
        NEXT.add("never opened");
        TyrusReadBufferTest.upgradeOnly(container.getWebSocketEngine(), "/ws/chat");
        NEXT.add("-");
        TyrusReadBufferTest.open(container.getWebSocketEngine(), "/ws/chat");
        // Outside any handshake: refused, and left for nobody.
        assertThat(TyrusOnGrizzly.handOver("outside")).isFalse();
        assertThat(TyrusOnGrizzly.opening(SESSIONS.get(0))).as("outside any upgrade").isNull();
        NEXT.add("-");
        TyrusReadBufferTest.open(container.getWebSocketEngine(), "/ws/chat");
        NEXT.add("last");
        TyrusReadBufferTest.open(container.getWebSocketEngine(), "/ws/chat");

        assertThat(OPENED).containsExactly("first", "none", "none", "none", "last");
        assertThat(ANSWERS).containsExactly(true, true, true);
        assertThat(SESSIONS).allSatisfy(session -> {
            assertThat(session.getUserProperties()).isEmpty();
            assertThat(session.getRequestParameterMap()).isSameAs(Map.of());
            assertThat(session.getPathParameters()).isSameAs(Map.of());
        });
    }

    /**
     * Review: handshakes whose connections are made later, in the other order, each on a thread other than its
     * handshake's (as when Grizzly's workers interleave): each {@code onOpen} still gets its own handshake's value.
     */
    @Test
    void connectionsMadeInTheOtherOrderOnOtherThreadsEachGetTheirOwn() throws Exception {
        container.register(ServerEndpointConfig.Builder.create(Recording.class, "/chat")
                .configurator(new Handing()).build());
        NEXT.add("a");
        org.glassfish.tyrus.spi.WebSocketEngine.UpgradeInfo a =
                TyrusReadBufferTest.upgradeOnly(container.getWebSocketEngine(), "/ws/chat");
        NEXT.add("b");
        org.glassfish.tyrus.spi.WebSocketEngine.UpgradeInfo b =
                TyrusReadBufferTest.upgradeOnly(container.getWebSocketEngine(), "/ws/chat");
        NEXT.add("c");
        org.glassfish.tyrus.spi.WebSocketEngine.UpgradeInfo c =
                TyrusReadBufferTest.upgradeOnly(container.getWebSocketEngine(), "/ws/chat");

        for (org.glassfish.tyrus.spi.WebSocketEngine.UpgradeInfo upgrade : List.of(c, a, b)) {
            Thread other = new Thread(() -> upgrade.createConnection(new org.glassfish.tyrus.spi.Writer() {
                @Override
                public void write(java.nio.ByteBuffer buffer,
                                  org.glassfish.tyrus.spi.CompletionHandler<java.nio.ByteBuffer> done) {
                    done.completed(buffer);
                }

                @Override
                public void close() {
                }
            }, reason -> { }));
            other.start();
            other.join(10_000);
        }

        assertThat(OPENED).containsExactly("c", "a", "b");
    }
}
