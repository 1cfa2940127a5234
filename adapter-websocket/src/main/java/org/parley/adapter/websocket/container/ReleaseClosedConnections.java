package org.parley.adapter.websocket.container;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.Transport;
import org.glassfish.grizzly.TransportProbe;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.nio.NIOConnection;

/**
 * Once the server has sent a websocket its close frame, its TCP connection is released at most
 * {@link #DEFAULT_GRACE} later, whether or not the client reads: a slow consumer closed with 4008 (contract §16), a
 * connection that stopped answering pings (4000), or any other close the client does not complete.
 *
 * <p>Works around: a close never releases the socket of a client that does not read. Tyrus's close
 * ({@code ProtocolHandler.close}) queues the close frame behind every frame still unsent and lets the connection go
 * only when that write completes; Grizzly's close, which Tyrus's {@code GrizzlyWriter.close} calls
 * ({@code NIOConnection.closeSilently}, {@code closeGracefully0}), is graceful too: it queues an empty write and closes
 * when it completes. Neither completes while the client does not read, so the socket, the frames queued for it (some
 * megabytes) and the session stayed open indefinitely (measured: more than 186 s; the pings and the idle timeout did
 * not remove it either, since nothing could be written).
 *
 * <p>A filter right above the HTTP codec marks a connection when its {@code 101} passes, and sees every write of an
 * upgraded connection: Tyrus writes each frame whole, through the filter chain ({@code GrizzlyWriter.write},
 * {@code Connection.write}), so a write whose first byte is {@code 0x88} (FIN and the close opcode) is the server's
 * close frame. Then, {@link #DEFAULT_GRACE} later, a connection still open is terminated at once
 * ({@code NIOConnection.terminateSilently}, which skips the write queue) with {@code SO_LINGER} 0, so that the kernel
 * also drops what it still held for the client (the client sees a reset). Grizzly then reports the close to Tyrus
 * ({@code GrizzlyServerFilter.handleClose}), which closes the session: the endpoint's {@code onClose} runs, and the
 * connection's count and registration are released. A client that reads gets the close frame and completes the close
 * handshake within the grace, as before.
 *
 * <p>A close with 4000 ({@code ping timeout}) or 4008 ({@code slow consumer}) goes to a peer that has stopped
 * answering or reading: as its close frame passes, its socket is set to {@code SO_LINGER} 0, so that the close that
 * follows is a reset. Otherwise, once the close frame had fit in the kernel's send buffer, Tyrus closed the connection
 * and the kernel kept the orphaned socket in FIN-WAIT-1, with every byte the peer had not taken, until that peer
 * acknowledged the FIN (it never did; measured: minutes), out of this class's reach. The close frame still leaves
 * before the reset, so a peer that does read gets it.
 *
 * <p>The same release follows a refused handshake ({@link HandshakeRefusal}: 401, 403, 429, 500): its answer says
 * {@code Connection: close}, but Grizzly's codec still takes the request for an upgrade in progress and reads whatever
 * follows as its body, so a client that neither closes nor stops sending held the connection.
 *
 * <p>Checked on Grizzly 4.0.2 and Tyrus 2.2.2. Proved by {@code SlowConsumerTest} (a raw client that never reads: its
 * socket is reset within seconds of the 4008 close, and a bystander pair chats on),
 * {@code ConnectionLifecycleTest.aConnectionThatAnswersNoPingIsClosedWith4000} (the close completes for a client that
 * reads),
 * {@code ConnectionLifecycleTest.aPeerThatNeitherReadsNorAnswersPingsHasItsSocketReleasedAfterThe4000Close} (the
 * server's socket leaves the kernel's table within seconds) and {@code HandshakeLimitsTest.aRefusedHandshakesConnectionIsReleasedEvenIfTheClientKeepsIt}.
 */
final class ReleaseClosedConnections implements AddOn {

    /** How long a client has to read the close frame and answer it before its socket is released anyway. */
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);

    private static final byte CLOSE_FRAME_HEADER = (byte) 0x88;
    /** Contract §16's close codes for a peer that has stopped answering pings, and for one that does not read. */
    static final int PING_TIMEOUT = 4000;
    static final int SLOW_CONSUMER = 4008;

    /** Set on a connection once its {@code 101} has been written: its later writes are websocket frames. */
    private static final Attribute<Boolean> WEBSOCKET = Grizzly.DEFAULT_ATTRIBUTE_BUILDER
            .createAttribute(ReleaseClosedConnections.class.getName() + ".websocket");
    /** Set on a connection once its release is scheduled (a second close frame schedules nothing more). */
    private static final Attribute<Boolean> RELEASE_SCHEDULED = Grizzly.DEFAULT_ATTRIBUTE_BUILDER
            .createAttribute(ReleaseClosedConnections.class.getName() + ".releaseScheduled");

    private final Duration grace;

    ReleaseClosedConnections(Duration grace) {
        this.grace = grace;
    }

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int codec = builder.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class);
        if (codec < 0) {
            throw new IllegalStateException("The listener has no HTTP codec to put the close watch above");
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "parley-websocket-release");
            thread.setDaemon(true);
            return thread;
        });
        AtomicBoolean stopped = new AtomicBoolean();
        listener.getTransport().getMonitoringConfig().addProbes(new TransportProbe.Adapter() {
            @Override
            public void onStopEvent(Transport transport) {
                if (stopped.compareAndSet(false, true)) {
                    timer.shutdownNow();
                }
            }
        });
        builder.add(codec + 1, new CloseWatch(timer, grace));
    }

    /**
     * Sees the {@code 101} (and there fixes the websocket's send buffer, {@link WebSocketSendBuffer}, and lifts what
     * {@link UpgradedConnectionsStayOpen#upgradeWritten} lifts) and, after it, the server's close frame of each
     * websocket, on their way out.
     */
    static final class CloseWatch extends BaseFilter {
        private final ScheduledExecutorService timer;
        private final Duration grace;

        CloseWatch(ScheduledExecutorService timer, Duration grace) {
            this.timer = timer;
            this.grace = grace;
        }

        @Override
        public NextAction handleWrite(FilterChainContext ctx) throws IOException {
            Object message = ctx.getMessage();
            Connection<?> connection = ctx.getConnection();
            if (message instanceof Buffer bytes) {
                if (WEBSOCKET.get(connection) != null && bytes.remaining() >= 2
                        && bytes.get(bytes.position()) == CLOSE_FRAME_HEADER) {
                    if (closesAnUnansweringPeer(bytes)) {
                        resetOnClose(connection);
                    }
                    scheduleRelease(connection);
                }
            } else if (message instanceof HttpPacket packet) {
                HttpHeader header = packet.getHttpHeader();
                if (header instanceof HttpResponsePacket response && response.getStatus() == 101) {
                    WEBSOCKET.set(connection, Boolean.TRUE);
                    WebSocketSendBuffer.fix(connection);
                    UpgradedConnectionsStayOpen.upgradeWritten(connection);
                } else if (header instanceof HttpResponsePacket response && response.getRequest() != null
                        && response.getRequest().isUpgrade() && response.getStatus() >= 400) {
                    // A refused handshake (HandshakeRefusal): it says Connection: close, but Grizzly's codec takes
                    // the request for an upgrade in progress and would read whatever follows as its body.
                    scheduleRelease(connection);
                }
            }
            return ctx.getInvokeAction();
        }

        private void scheduleRelease(Connection<?> connection) {
            if (RELEASE_SCHEDULED.get(connection) != null) {
                return;
            }
            RELEASE_SCHEDULED.set(connection, Boolean.TRUE);
            try {
                timer.schedule(() -> release(connection), grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RuntimeException rejected) {
                // The transport is stopping: it closes every connection itself.
            }
        }
    }

    /**
     * Whether {@code frame}, a server close frame (unmasked, so its code follows the two header bytes), closes with
     * {@value #PING_TIMEOUT} or {@value #SLOW_CONSUMER}: codes given to a peer that has stopped answering or reading.
     */
    static boolean closesAnUnansweringPeer(Buffer frame) {
        int start = frame.position();
        if (frame.remaining() < 4 || (frame.get(start + 1) & 0x7F) < 2) {
            return false;
        }
        int code = ((frame.get(start + 2) & 0xFF) << 8) | (frame.get(start + 3) & 0xFF);
        return code == PING_TIMEOUT || code == SLOW_CONSUMER;
    }

    /**
     * Makes the coming close of {@code connection} a reset ({@code SO_LINGER} 0): the kernel then drops what it still
     * holds for the peer and the socket at once, instead of keeping it, orphaned, until a peer that does not answer
     * acknowledges its FIN. Never throws.
     */
    static void resetOnClose(Connection<?> connection) {
        try {
            if (connection instanceof NIOConnection nio) {
                SelectableChannel channel = nio.getChannel();
                if (channel instanceof NetworkChannel network && channel.isOpen()) {
                    network.setOption(StandardSocketOptions.SO_LINGER, 0);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // Without SO_LINGER 0 the kernel sends what it holds, then closes: still released from the process.
        }
    }

    /** Terminates {@code connection} now if it is still open, dropping what is queued for it; never throws. */
    static void release(Connection<?> connection) {
        try {
            if (!connection.isOpen()) {
                return;
            }
        } catch (RuntimeException ignored) {
            return;
        }
        resetOnClose(connection);
        try {
            connection.terminateSilently();
        } catch (RuntimeException ignored) {
            // Already closing.
        }
    }
}
