package org.parley.adapter.websocket.container;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.Protocol;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.utils.IdleTimeoutFilter;

/**
 * What changes for a connection once it has been upgraded to a websocket (and for those only: plain HTTP connections
 * are untouched):
 * <ul>
 *   <li>Grizzly's keep-alive idle timeout (30 s by default) is lifted; liveness of websockets is the pinger's job.</li>
 *   <li>Grizzly's HTTP codec lets go of the upgrade request, and the websocket bytes go past it to Tyrus.</li>
 * </ul>
 *
 * <p>Works around two Grizzly behaviours:
 * <ul>
 *   <li>{@code HttpServer.configureListener} puts an {@link IdleTimeoutFilter} with the listener's keep-alive idle
 *       timeout on every connection, and nothing lifts it when a connection is upgraded: an idle websocket was closed
 *       after 30 s (1006 at the client). Tyrus's own {@code GrizzlyServerContainer.start} sets the timeout to -1 for
 *       the whole listener, plain HTTP included; here {@link IdleTimeoutFilter#setCustomTimeout} lifts it per
 *       upgraded connection.</li>
 *   <li>The codec ({@code org.glassfish.grizzly.http.HttpServerFilter}) treats an upgraded connection as one HTTP
 *       request whose body never ends: it keeps that request in the connection's
 *       {@code HttpServerFilter.HTTP_SERVER_REQUEST_ATTR_NAME} attribute, with its response and their headers (about
 *       8 KiB of heap in some forty pre-allocated buffers, plus the request bytes), for the connection's whole life,
 *       only to wrap each later read as "more body" ({@code HttpCodecFilter.handleRead}). Instead, a filter below the
 *       codec wraps the websocket bytes of an upgraded connection itself and hands them past the codec to Tyrus, and
 *       the codec's per-connection request is dropped.</li>
 * </ul>
 *
 * <p>Both happen when the {@code 101} handshake response passes on its way out ({@link #upgradeWritten}, called by
 * the filter of {@link ReleaseClosedConnections}, which sees it right above the codec; a filter of its own cost every
 * open connection 56 bytes of Grizzly's filter-chain state). Tyrus creates its connection right after writing the {@code 101}
 * ({@code GrizzlyServerFilter.handleHandshake}), in the same read event, and Grizzly handles one read event of a
 * connection at a time, so the next bytes of that connection already find Tyrus's connection. Tyrus, for a connection
 * it has upgraded, reads only the bytes of the wrapper it is given ({@code GrizzlyServerFilter.handleRead}), never its
 * HTTP header: the wrapper carries one shared placeholder header.
 *
 * <p>Checked on Grizzly 4.0.2 and Tyrus 2.2.2. Proved by
 * {@code ConnectionLifecycleTest.anIdleWebsocketOutlivesGrizzlysKeepAliveIdleTimeout} (a plain HTTP connection on the
 * same listener is closed by the timeout, the idle websocket is not) and {@code UpgradedConnectionMemoryTest} (the
 * upgrade request can be garbage-collected while its connection is open; the codec sees no websocket bytes; plain HTTP
 * keeps its requests and keep-alive).
 */
final class UpgradedConnectionsStayOpen implements AddOn {

    /** Set on a connection once its {@code 101} response is on its way; its reads then bypass the HTTP codec. */
    static final Attribute<Boolean> UPGRADED = Grizzly.DEFAULT_ATTRIBUTE_BUILDER
            .createAttribute(UpgradedConnectionsStayOpen.class.getName() + ".upgraded");

    /**
     * The HTTP codec's "request in progress" of a connection. Grizzly's attribute builder returns the one attribute
     * registered under a name, so this is the very attribute the codec reads and writes.
     */
    static final Attribute<Object> HTTP_REQUEST_IN_PROGRESS = Grizzly.DEFAULT_ATTRIBUTE_BUILDER
            .createAttribute(org.glassfish.grizzly.http.HttpServerFilter.HTTP_SERVER_REQUEST_ATTR_NAME);

    private final String contextPath;

    /** @param contextPath the websockets' context path, the URI of the placeholder header (never read) */
    UpgradedConnectionsStayOpen(String contextPath) {
        this.contextPath = contextPath;
    }

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int codec = builder.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class);
        if (codec < 0) {
            throw new IllegalStateException("The listener has no HTTP codec to let upgraded bytes past");
        }
        builder.add(codec, new UpgradedBytesPastHttpCodec(contextPath));
    }

    /**
     * Called by the filter that sees the {@code 101} of {@code connection} on its way out, above the HTTP codec
     * ({@link ReleaseClosedConnections}' close watch: one filter fewer in the chain, whose per-connection state
     * Grizzly keeps per filter): lifts the idle timeout and drops the codec's request, and the websocket bytes that
     * follow go past the codec. The {@code 101} is written in the read event of the handshake, so the idle timeout's
     * record takes the lifted timeout when that event completes, wherever in the chain it was set.
     */
    static void upgradeWritten(Connection<?> connection) {
        IdleTimeoutFilter.setCustomTimeout(connection, -1, TimeUnit.SECONDS);
        UPGRADED.set(connection, Boolean.TRUE);
        // The response being written still refers to the request; it is encoded below and then nothing refers to
        // either.
        HTTP_REQUEST_IN_PROGRESS.remove(connection);
    }

    /**
     * Sits directly below the HTTP codec. Reads of an upgraded connection are wrapped as HTTP content here and skip
     * the codec (the next filter); everything else passes untouched.
     */
    static final class UpgradedBytesPastHttpCodec extends BaseFilter {
        /** Placeholder header of the wrapped websocket bytes; Tyrus never reads it for an upgraded connection. */
        private final HttpRequestPacket placeholder;

        UpgradedBytesPastHttpCodec(String contextPath) {
            placeholder = HttpRequestPacket.builder()
                    .method(Method.GET).uri(contextPath).protocol(Protocol.HTTP_1_1).build();
        }

        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            if (UPGRADED.get(ctx.getConnection()) == null) {
                return ctx.getInvokeAction();
            }
            int codec = ctx.getFilterIdx() + 1;
            if (!(ctx.getFilterChain().get(codec) instanceof org.glassfish.grizzly.http.HttpServerFilter)) {
                // Cannot happen: setup put this filter right below the codec, and a built chain does not change.
                throw new IllegalStateException("The HTTP codec is not the next filter; closing the connection");
            }
            Buffer bytes = ctx.getMessage();
            ctx.setMessage(HttpContent.create(placeholder, false, bytes));
            // The chain runs the filter after the current index next: pretending the codec ran skips it.
            ctx.setFilterIdx(codec);
            return ctx.getInvokeAction();
        }
    }
}
