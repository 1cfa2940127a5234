package org.parley.adapter.websocket;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.utils.IdleTimeoutFilter;

/**
 * Lifts Grizzly's keep-alive idle timeout (30 s by default) from connections that were upgraded to websockets, and
 * from those only: plain HTTP connections keep it. Liveness of websockets is the pinger's job instead.
 *
 * <p>The filter sits above Tyrus's filter, so it sees the handshake response on its way out: a {@code 101} means the
 * upgrade succeeded.
 */
final class UpgradedConnectionsStayOpen implements AddOn {

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int httpServerFilter = builder.indexOfType(HttpServerFilter.class);
        if (httpServerFilter >= 0) {
            builder.add(httpServerFilter, new NoIdleTimeoutAfterUpgrade());
        }
    }

    private static final class NoIdleTimeoutAfterUpgrade extends BaseFilter {
        @Override
        public NextAction handleWrite(FilterChainContext ctx) throws IOException {
            Object message = ctx.getMessage();
            if (message instanceof HttpPacket packet) {
                HttpHeader header = packet.getHttpHeader();
                if (header instanceof HttpResponsePacket response && response.getStatus() == 101) {
                    IdleTimeoutFilter.setCustomTimeout(ctx.getConnection(), -1, TimeUnit.SECONDS);
                }
            }
            return ctx.getInvokeAction();
        }
    }
}
