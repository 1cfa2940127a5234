package org.parley.adapter.websocket.container;

import java.nio.ByteBuffer;

import jakarta.websocket.CloseReason;

import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;

/**
 * Watches the raw bytes of one upgraded connection before Tyrus parses them, and closes the connection with 1009 as
 * soon as a frame header announces a message above the limit. Data messages split into continuation frames count
 * together; control frames do not count.
 *
 * <p>Works around: Tyrus checks a message's size only once it holds the message. Its read handler
 * ({@code TyrusWebSocketEngine.TyrusReadHandler.handle}) appends every read to a per-connection buffer until
 * {@code ProtocolHandler.unframe} finds a whole frame, so a client announcing a 50 MiB frame makes the server buffer
 * up to the engine's incoming buffer size first; beyond that size {@code Utils.appendBuffers} throws and the
 * connection is closed with 1011, not 1009; and a client that announces a large frame and sends it slowly holds that
 * memory as long as it likes. The JSR-356 {@code maxMessageSize} is applied later still, by the message buffers
 * ({@code TextBuffer}) to frames already parsed.
 *
 * <p>Only reads frame headers and skips payloads, so it costs a few comparisons per read. Not thread-safe: Grizzly
 * hands one connection's reads over one at a time, in order.
 *
 * <p>Checked on Tyrus 2.2.2. Proved by {@code RawFrameTest.aSingleHugeFrameIsRefusedWith1009FromItsHeader} (a frame
 * header announcing 50 MiB, then 1 KiB of it: 1009 at once), {@code ChatWebSocketTest.aFrameAboveTheMaximumClosesWith1009}
 * and {@code aMessageSplitIntoFramesCountsAsAWhole}, and {@code FrameSizeGuardTest} (every split of the byte stream
 * into reads).
 */
final class FrameSizeGuard implements ReadHandler {

    private static final int MAX_HEADER_BYTES = 14;

    private final ReadHandler tyrus;
    private final Connection connection;
    private final long maxMessageBytes;
    private final byte[] header = new byte[MAX_HEADER_BYTES];
    private int headerFill;
    private long payloadLeft;
    private long messageBytes;
    private boolean refused;
    private boolean dataHeaderInLastRead;

    FrameSizeGuard(ReadHandler tyrus, Connection connection, long maxMessageBytes) {
        this.tyrus = tyrus;
        this.connection = connection;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void handle(ByteBuffer data) {
        if (refused) {
            return;
        }
        dataHeaderInLastRead = false;
        int start = data.position();
        int limit = data.limit();
        int i = start;
        int headerStart = headerFill == 0 ? start : -1;
        while (i < limit) {
            if (payloadLeft > 0) {
                long skip = Math.min(payloadLeft, limit - i);
                i += (int) skip;
                payloadLeft -= skip;
                continue;
            }
            if (headerFill == 0) {
                headerStart = i;
            }
            header[headerFill++] = data.get(i++);
            if (headerFill < 2 || headerFill < headerLength()) {
                continue;
            }
            long length = payloadLength();
            int opcode = header[0] & 0x0F;
            boolean fin = (header[0] & 0x80) != 0;
            headerFill = 0;
            payloadLeft = length;
            if (opcode < 0x8) {
                dataHeaderInLastRead = true;
                messageBytes = opcode == 0 ? messageBytes + length : length;
                if (messageBytes > maxMessageBytes || length < 0) {
                    refuse(data, start, headerStart);
                    return;
                }
                if (fin) {
                    messageBytes = 0;
                }
            }
        }
        tyrus.handle(data);
    }

    /**
     * Whether every byte read so far belongs to a whole frame (none is waiting for the rest of its frame), and the
     * connection has not been refused.
     */
    boolean atFrameBoundary() {
        return !refused && headerFill == 0 && payloadLeft == 0;
    }

    /**
     * Whether the last read completed the header of a data frame (text, binary or continuation): false for a read of
     * control frames alone (an idle connection's pong) or of the rest of a frame begun in an earlier read.
     */
    boolean lastReadHadDataHeader() {
        return dataHeaderInLastRead;
    }

    private int headerLength() {
        int lengthCode = header[1] & 0x7F;
        boolean masked = (header[1] & 0x80) != 0;
        return 2 + (lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0) + (masked ? 4 : 0);
    }

    private long payloadLength() {
        int lengthCode = header[1] & 0x7F;
        if (lengthCode < 126) {
            return lengthCode;
        }
        int bytes = lengthCode == 126 ? 2 : 8;
        long length = 0;
        for (int k = 0; k < bytes; k++) {
            length = (length << 8) | (header[2 + k] & 0xFF);
        }
        return length;
    }

    /** Lets the complete frames before the oversized one through, then closes with 1009 and ignores the rest. */
    private void refuse(ByteBuffer data, int start, int headerStart) {
        refused = true;
        if (headerStart > start) {
            ByteBuffer before = data.duplicate();
            before.position(start).limit(headerStart);
            tyrus.handle(before);
        }
        connection.close(new CloseReason(CloseReason.CloseCodes.TOO_BIG,
                "A message can have at most " + maxMessageBytes + " bytes"));
    }
}
