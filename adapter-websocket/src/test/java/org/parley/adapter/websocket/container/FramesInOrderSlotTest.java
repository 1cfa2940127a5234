package org.parley.adapter.websocket.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection's frames-in-order reach it through a per-thread slot that its endpoint's {@code onOpen} fills during the
 * upgrade ({@link GuardedEngine}): on one thread, upgrade after upgrade, each connection gets what its own
 * {@code onOpen} handed over, or nothing, never what an earlier upgrade, an {@code onOpen} that failed, or a call
 * outside any upgrade left there. Seen from outside: a close frame read while "frames wait" goes to the connection's
 * own {@link FramesInOrder}; one without goes straight to Tyrus.
 */
class FramesInOrderSlotTest {

    /** What the next {@link Ordering} endpoint hands over in its {@code onOpen}. */
    static final BlockingQueue<FramesInOrder> NEXT = new ArrayBlockingQueue<>(4);

    /** Hands over the next {@link #NEXT}. */
    public static final class Ordering extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            FramesInOrder.forConnectionOpening(NEXT.remove());
        }
    }

    /** Hands over the next {@link #NEXT}, then fails (Tyrus reports it to {@code onError}). */
    public static final class Failing extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            FramesInOrder.forConnectionOpening(NEXT.remove());
            throw new IllegalStateException("onOpen failed after handing over its frames");
        }
    }

    /** Hands over nothing. */
    public static final class Plain extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
        }
    }

    /** Frames that always "wait": records the close it is given to run after them. */
    static final class Waiting implements FramesInOrder {
        final List<Runnable> after = new CopyOnWriteArrayList<>();

        @Override
        public boolean waiting() {
            return true;
        }

        @Override
        public boolean after(Runnable task) {
            after.add(task);
            return true;
        }
    }

    private final EmbeddedTyrusContainer container = new EmbeddedTyrusContainer("/ws", 1 << 20, 1 << 16);

    @AfterEach
    void stop() {
        container.stop();
        NEXT.clear();
    }

    @Test
    void eachUpgradeOnOneThreadGetsItsOwnFramesOrNone() throws Exception {
        container.register(ServerEndpointConfig.Builder.create(Ordering.class, "/ordering").build());
        container.register(ServerEndpointConfig.Builder.create(Failing.class, "/failing").build());
        container.register(ServerEndpointConfig.Builder.create(Plain.class, "/plain").build());
        Waiting first = new Waiting();
        Waiting failed = new Waiting();
        Waiting outside = new Waiting();
        Waiting last = new Waiting();

        NEXT.add(first);
        GuardedEngine.GuardedConnection ordered = TyrusReadBufferTest.open(container.getWebSocketEngine(), "/ws/ordering");
        GuardedEngine.GuardedConnection afterAnOrdered = TyrusReadBufferTest.open(container.getWebSocketEngine(), "/ws/plain");
        NEXT.add(failed);
        GuardedEngine.GuardedConnection failing = TyrusReadBufferTest.open(container.getWebSocketEngine(), "/ws/failing");
        GuardedEngine.GuardedConnection afterAFailure = TyrusReadBufferTest.open(container.getWebSocketEngine(), "/ws/plain");
        // Outside any upgrade: does nothing, and leaves nothing for the next one.
        FramesInOrder.forConnectionOpening(outside);
        GuardedEngine.GuardedConnection afterACallOutside = TyrusReadBufferTest.open(container.getWebSocketEngine(), "/ws/plain");
        NEXT.add(last);
        GuardedEngine.GuardedConnection orderedAgain = TyrusReadBufferTest.open(container.getWebSocketEngine(), "/ws/ordering");

        for (GuardedEngine.GuardedConnection connection : List.of(ordered, afterAnOrdered, failing, afterAFailure,
                afterACallOutside, orderedAgain)) {
            connection.handle(maskedClose());
        }

        assertThat(first.after).as("the first connection's close waits for its own frames").hasSize(1);
        assertThat(failed.after).as("so does the one whose onOpen failed after handing them over").hasSize(1);
        assertThat(outside.after).as("a call outside an upgrade reaches no connection").isEmpty();
        assertThat(last.after).as("and the last's for its own").hasSize(1);
    }

    /** A client's close frame, code 1000, masked. */
    private static ByteBuffer maskedClose() {
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        byte[] payload = {0x03, (byte) 0xE8};
        ByteBuffer frame = ByteBuffer.allocate(8);
        frame.put((byte) 0x88).put((byte) (0x80 | payload.length)).put(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i % 4]));
        }
        return frame.flip();
    }
}
