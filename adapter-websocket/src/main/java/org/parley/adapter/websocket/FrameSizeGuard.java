package org.parley.adapter.websocket;

import java.nio.ByteBuffer;

import jakarta.websocket.CloseReason;

import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.ReadHandler;

/**
 * Watches the raw bytes of one upgraded connection before Tyrus parses them, and closes the connection with 1009 as
 * soon as a frame header announces a message above the limit: Tyrus itself would first buffer the whole frame (up to
 * its incoming buffer size, beyond which it closes with 1011 instead). Data messages split into continuation frames
 * count together; control frames do not count.
 *
 * <p>Only reads frame headers and skips payloads, so it costs a few comparisons per read. Not thread-safe: Grizzly
 * hands one connection's reads over one at a time, in order.
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
