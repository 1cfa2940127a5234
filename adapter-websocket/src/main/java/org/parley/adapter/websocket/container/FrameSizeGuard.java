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
 * <p>It also finds the client's close frame: its bytes go to {@link #closeFrame} ({@code GuardedEngine}'s connection,
 * which feeds them to Tyrus after the connection's frames still waiting in its lane), and nothing after it is read (RFC 6455
 * §5.5.1: a client sends nothing after its close frame). Works around: Tyrus answers a close frame on the thread that
 * reads it ({@code TyrusWebSocketEngine.TyrusReadHandler.handle}, {@code ProtocolHandler.process},
 * {@code CloseFrame.respond}): its reply goes out and the session ends at once, before frames read earlier and still
 * waiting on a worker.
 *
 * <p>After a refusal nothing more goes to Tyrus, but the frames are still skipped, header by header, to see the
 * client's close frame, which a client still sending the refused frame sends once it is done: {@link #closeFrameRead}
 * tells the connection, which then ends TCP ({@code FrameWriter.close}, a lingering close).
 *
 * <p>Only reads frame headers and skips payloads, so it costs a few comparisons per read. Not thread-safe: Grizzly
 * hands one connection's reads over one at a time, in order.
 *
 * <p>Checked on Tyrus 2.2.2. Proved by {@code RawFrameTest.aSingleHugeFrameIsRefusedWith1009FromItsHeader} (a frame
 * header announcing 50 MiB, then 1 KiB of it: 1009 at once), {@code ChatWebSocketTest.aFrameAboveTheMaximumClosesWith1009}
 * and {@code aMessageSplitIntoFramesCountsAsAWhole}, and {@code FrameSizeGuardTest} (every split of the byte stream
 * into reads); the close frame by {@code CloseAfterItsFramesTest}.
 *
 * <p>Abstract so that the connection it guards extends it ({@code GuardedEngine.GuardedConnection}, which takes the
 * close frame): one object per connection where there were three, 48 bytes less per connection held.
 */
abstract class FrameSizeGuard implements ReadHandler {

    private static final int CLOSE_OPCODE = 0x8;

    /** Tyrus's read handler, fed every byte up to the client's close frame. */
    final ReadHandler tyrus;
    /** Tyrus's connection: closed with 1009. */
    final Connection connection;
    private final long maxMessageBytes;
    /*
     * The frame header read so far: its first two bytes and its extended payload length; the masking key is skipped.
     * Fields, not a 14-byte array: 24 bytes less per connection held.
     */
    private byte firstHeaderByte;
    private byte secondHeaderByte;
    private long extendedLength;
    /** Bytes of the current frame header read so far (0: between frames). */
    private int headerFill;
    private long payloadLeft;
    private long messageBytes;
    private boolean refused;
    private boolean dataHeaderInLastRead;
    /** The client's close frame has begun: its bytes go to {@link #closeFrame}. */
    private boolean inCloseFrame;
    /** The client's close frame is whole: nothing after it is read (RFC 6455 §5.5.1: it sends nothing more). */
    private boolean afterCloseFrame;

    /** @param tyrus Tyrus's read handler, fed every byte up to the client's close frame */
    FrameSizeGuard(ReadHandler tyrus, Connection connection, long maxMessageBytes) {
        this.tyrus = tyrus;
        this.connection = connection;
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * A guard that feeds the client's close frame to a handler of its own.
     *
     * @param closeFrame fed the bytes of the client's close frame (whatever read they come in) instead of
     *                   {@code tyrus}; nothing after that frame is fed to either
     */
    static FrameSizeGuard of(ReadHandler tyrus, ReadHandler closeFrame, Connection connection, long maxMessageBytes) {
        return new FrameSizeGuard(tyrus, connection, maxMessageBytes) {
            @Override
            void closeFrame(ByteBuffer bytes) {
                closeFrame.handle(bytes);
            }
        };
    }

    /**
     * Takes bytes of the client's close frame, instead of {@link #tyrus}: called once or more (as reads split the
     * frame), in order; nothing after that frame is read.
     */
    abstract void closeFrame(ByteBuffer bytes);

    /**
     * Called once, on the reading thread, as soon as the client's close frame is whole, before its bytes go to
     * {@link #closeFrame} (and also after a refusal, when no byte goes anywhere): the connection may then be closed
     * without a reset. Does nothing unless overridden.
     */
    void closeFrameRead() {
    }

    @Override
    public void handle(ByteBuffer data) {
        if (afterCloseFrame) {
            return;
        }
        dataHeaderInLastRead = false;
        int start = data.position();
        int limit = data.limit();
        int i = start;
        int headerStart = headerFill == 0 ? start : -1;
        int closeFrameStart = inCloseFrame ? start : -1;
        int end = limit;
        while (i < limit) {
            if (payloadLeft > 0) {
                long skip = Math.min(payloadLeft, limit - i);
                i += (int) skip;
                payloadLeft -= skip;
                if (inCloseFrame && payloadLeft == 0) {
                    end = i;
                    afterCloseFrame = true;
                    break;
                }
                continue;
            }
            if (headerFill == 0) {
                headerStart = i;
                if (!inCloseFrame && (data.get(i) & 0x0F) == CLOSE_OPCODE) {
                    inCloseFrame = true;
                    closeFrameStart = i;
                }
            }
            readHeaderByte(data.get(i++));
            if (headerFill < 2 || headerFill < headerLength()) {
                continue;
            }
            long length = payloadLength();
            int opcode = firstHeaderByte & 0x0F;
            boolean fin = (firstHeaderByte & 0x80) != 0;
            headerFill = 0;
            // A length above 2^63 - 1 (read as negative) never ends: after a refusal nothing more is looked for.
            payloadLeft = length < 0 ? Long.MAX_VALUE : length;
            if (inCloseFrame && length == 0) {
                end = i;
                afterCloseFrame = true;
                break;
            }
            if (opcode < 0x8 && !refused) {
                dataHeaderInLastRead = true;
                long before = opcode == 0 ? messageBytes : 0;
                // Compared without adding: a continuation announcing up to 2^63 - 1 bytes must not wrap the sum.
                if (length < 0 || length > maxMessageBytes - before) {
                    refuse(data, start, headerStart);
                    // Read on, skipping every frame, to see the client's close frame: the close waits for it.
                    continue;
                }
                messageBytes = before + length;
                if (fin) {
                    messageBytes = 0;
                }
            }
        }
        if (afterCloseFrame) {
            closeFrameRead();
        }
        if (refused) {
            data.position(limit);
            return;
        }
        if (closeFrameStart < 0) {
            tyrus.handle(data);
            return;
        }
        if (closeFrameStart > start) {
            tyrus.handle(slice(data, start, closeFrameStart));
        }
        closeFrame(slice(data, closeFrameStart, end));
        data.position(limit);
    }

    private static ByteBuffer slice(ByteBuffer data, int from, int to) {
        ByteBuffer part = data.duplicate();
        part.limit(to).position(from);
        return part;
    }

    /**
     * Whether every byte read so far belongs to a whole frame (none is waiting for the rest of its frame), and the
     * connection has not been refused.
     */
    boolean atFrameBoundary() {
        return !refused && !inCloseFrame && headerFill == 0 && payloadLeft == 0;
    }

    /**
     * Whether the last read completed the header of a data frame (text, binary or continuation): false for a read of
     * control frames alone (an idle connection's pong) or of the rest of a frame begun in an earlier read.
     */
    boolean lastReadHadDataHeader() {
        return dataHeaderInLastRead;
    }

    /** Takes the next byte of the current frame header: the first two and the extended length are kept. */
    private void readHeaderByte(byte b) {
        if (headerFill == 0) {
            firstHeaderByte = b;
        } else if (headerFill == 1) {
            secondHeaderByte = b;
            extendedLength = 0;
        } else if (headerFill < 2 + extendedLengthBytes()) {
            extendedLength = (extendedLength << 8) | (b & 0xFF);
        }
        headerFill++;
    }

    /** The bytes of the extended payload length the second header byte announces: 0, 2 or 8. */
    private int extendedLengthBytes() {
        int lengthCode = secondHeaderByte & 0x7F;
        return lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0;
    }

    private int headerLength() {
        boolean masked = (secondHeaderByte & 0x80) != 0;
        return 2 + extendedLengthBytes() + (masked ? 4 : 0);
    }

    private long payloadLength() {
        int lengthCode = secondHeaderByte & 0x7F;
        return lengthCode < 126 ? lengthCode : extendedLength;
    }

    /**
     * Lets the complete frames before the oversized one through, then closes with 1009; from then on nothing goes to
     * Tyrus, and the frames are only skipped, to see the client's close frame ({@link #closeFrameRead}).
     */
    private void refuse(ByteBuffer data, int start, int headerStart) {
        refused = true;
        dataHeaderInLastRead = false;
        if (headerStart > start) {
            ByteBuffer before = data.duplicate();
            before.position(start).limit(headerStart);
            tyrus.handle(before);
        }
        connection.close(new CloseReason(CloseReason.CloseCodes.TOO_BIG,
                "A message can have at most " + maxMessageBytes + " bytes"));
    }
}
