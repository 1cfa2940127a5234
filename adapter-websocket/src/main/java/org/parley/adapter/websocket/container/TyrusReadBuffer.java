package org.parley.adapter.websocket.container;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

import org.glassfish.tyrus.spi.ReadHandler;

/**
 * Lets go of the read buffer that Tyrus keeps for a connection between reads, once a read has ended on a frame
 * boundary (the buffer then holds nothing still to be parsed).
 *
 * <p>Works around: Tyrus's read handler ({@code TyrusWebSocketEngine.TyrusReadHandler.handle}) copies each read into a
 * buffer of its own (at least 256 bytes, {@code BUFFER_STEP_SIZE}, grown to the largest read it has had to hold) and
 * keeps it in its {@code buffer} field after every frame is parsed, for the connection's whole life: an idle
 * connection that has answered one ping held 272 bytes of heap, and one that once received a 60 KiB message still
 * held 60 KiB. The next read allocates a buffer of its own size again ({@code handle}, when {@code buffer} is null):
 * about 350 bytes (the buffer, 256 bytes at least, and its {@code ByteBuffer}). So that a connection busy with small
 * messages does not pay them for every read, the caller lets a buffer of at most 1 KiB go only after a read of
 * control frames alone (an idle connection answering the server's ping) and keeps it after a read of messages
 * ({@code GuardedEngine.GuardedConnection.handle}).
 *
 * <p>The field is private: it is reached through a {@link VarHandle} from a private lookup, which works while Tyrus
 * and Parley share the class path's unnamed module. When it cannot be found (another Tyrus version), nothing is
 * released and a read is handled as before ({@link #available()} says so; the test fails).
 *
 * <p>Checked on Tyrus 2.2.2. Proved by {@code TyrusReadBufferTest}.
 */
final class TyrusReadBuffer {

    private static final String READ_HANDLER = "org.glassfish.tyrus.core.TyrusWebSocketEngine$TyrusReadHandler";
    private static final Class<?> HANDLER_CLASS;
    private static final VarHandle BUFFER;

    static {
        Class<?> handlerClass = null;
        VarHandle buffer = null;
        try {
            handlerClass = Class.forName(READ_HANDLER, false, ReadHandler.class.getClassLoader());
            buffer = MethodHandles.privateLookupIn(handlerClass, MethodHandles.lookup())
                    .findVarHandle(handlerClass, "buffer", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException notThisTyrus) {
            handlerClass = null;
            buffer = null;
        }
        HANDLER_CLASS = handlerClass;
        BUFFER = buffer;
    }

    private TyrusReadBuffer() {
    }

    /** Whether this Tyrus's read buffer can be reached (Tyrus 2.2.2's can). */
    static boolean available() {
        return BUFFER != null;
    }

    /**
     * Drops {@code tyrus}'s buffer if it is Tyrus's read handler, its buffer holds nothing unparsed and its capacity
     * is above {@code keepUpToBytes} (0: whatever its size); never throws. Call only between two reads of its
     * connection (Grizzly hands them over one at a time).
     */
    static void releaseIfEmpty(ReadHandler tyrus, int keepUpToBytes) {
        if (BUFFER == null || !HANDLER_CLASS.isInstance(tyrus)) {
            return;
        }
        ByteBuffer held = (ByteBuffer) BUFFER.getVolatile(tyrus);
        if (held != null && !held.hasRemaining() && held.capacity() > keepUpToBytes) {
            BUFFER.setVolatile(tyrus, (ByteBuffer) null);
        }
    }

    /** The buffer {@code tyrus} keeps, or null (tests). */
    static ByteBuffer held(ReadHandler tyrus) {
        return BUFFER == null || !HANDLER_CLASS.isInstance(tyrus) ? null : (ByteBuffer) BUFFER.getVolatile(tyrus);
    }
}
