package org.parley.adapter.websocket.container;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;

import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.nio.NIOConnection;

/**
 * Fixes an upgraded connection's kernel send buffer ({@code SO_SNDBUF}) at {@value #BYTES} bytes, so that what a
 * client that stops reading costs the server is close to the pending-bytes bound ({@code PARLEY_MAX_PENDING_BYTES},
 * contract §16), which counts only the frames not yet handed to the kernel.
 *
 * <p>Why: Linux grows a socket's send buffer by itself (autotuning, up to {@code net.ipv4.tcp_wmem}'s maximum, 4 MiB
 * by default) as long as the peer acknowledges, and a client that stops reading leaves it full: measured (the kernel's send queue, as
 * {@code ss -tm} shows it), 2.8 MB held by the kernel for a client with a 4 KiB receive buffer, 3.9 MB for one with
 * the default, on top of the 1 MiB bound. A fixed size turns autotuning off for the socket; Linux doubles the value
 * for its bookkeeping ({@code socket(7)}): measured after, 97 KB and 167 KB.
 *
 * <p>Why not smaller: the send buffer has to cover what is in flight to a reader, about bandwidth × round trip: 128 KiB
 * carries 1.3 MB/s at 100 ms, 6.5 MB/s at 20 ms, per connection, far above what a chat connection receives (frames are
 * at most some tens of KiB; a burst beyond the buffer waits in Grizzly's write queue and is paced, not refused, up to
 * the pending bound). Plain HTTP connections (downloads) keep autotuning: the buffer is fixed only at the {@code 101}.
 *
 * <p>Proved by {@code SlowConsumerTest.aClientThatNeverReadsHoldsLittleInTheServersKernelBeyondTheBound} (the kernel's
 * send queue for a client that never reads, read from {@code /proc/net/tcp}).
 */
final class WebSocketSendBuffer {

    /** The size asked for; the kernel counts twice this. */
    static final int BYTES = 64 * 1024;

    private WebSocketSendBuffer() {
    }

    /** Fixes {@code connection}'s send buffer; a connection that is not a socket or already closed is left alone. */
    static void fix(Connection<?> connection) {
        try {
            if (connection instanceof NIOConnection nio) {
                SelectableChannel channel = nio.getChannel();
                if (channel instanceof NetworkChannel network && channel.isOpen()) {
                    network.setOption(StandardSocketOptions.SO_SNDBUF, BYTES);
                }
            }
        } catch (IOException | RuntimeException closing) {
            // A connection going away needs no buffer.
        }
    }
}
