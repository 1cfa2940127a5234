package org.parley.bootstrap;

import java.io.IOException;

import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.FilterChainEvent;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpEvents;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;

/**
 * Serves requests that offer a cleartext HTTP/2 upgrade ({@code Upgrade: h2c}) as the plain HTTP/1.1 requests they
 * also are. Grizzly 4.0.2 otherwise treats their body as an upgraded byte stream, so the body never arrives and the
 * request fails after a 30 s stall. The JDK's HttpClient and {@code curl --http2} send that header by default. RFC 9113
 * lets a server ignore the offer; websocket upgrades are untouched.
 */
final class IgnoreH2cUpgrade implements AddOn {

    private IgnoreH2cUpgrade() {
    }

    static void registerOn(HttpServer server) {
        server.getListeners().forEach(listener -> listener.registerAddOn(new IgnoreH2cUpgrade()));
    }

    @Override
    public void setup(NetworkListener networkListener, FilterChainBuilder builder) {
        int codec = builder.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class);
        if (codec >= 0) {
            builder.add(codec + 1, new Filter());
        }
    }

    /** Sees the codec's "incoming upgrade" event and, for h2c only, turns the request back into plain HTTP/1.1. */
    private static final class Filter extends BaseFilter {

        @Override
        public NextAction handleEvent(FilterChainContext ctx, FilterChainEvent event) throws IOException {
            if (event.type() == HttpEvents.IncomingHttpUpgradeEvent.TYPE) {
                HttpHeader header = ((HttpEvents.IncomingHttpUpgradeEvent) event).getHttpHeader();
                if ("h2c".equalsIgnoreCase(header.getUpgrade())) {
                    header.getUpgradeDC().recycle();
                    header.getHeaders().removeHeader("Upgrade");
                    header.setIgnoreContentModifiers(false);
                    return ctx.getStopAction();
                }
            }
            return ctx.getInvokeAction();
        }
    }
}
