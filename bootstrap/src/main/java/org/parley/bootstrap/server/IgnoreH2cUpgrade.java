package org.parley.bootstrap.server;

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
 * also are. The JDK's HttpClient (asked for HTTP/2 on {@code http://}) and {@code curl --http2} send that header. RFC
 * 9113 §3.2 lets a server ignore the offer; websocket upgrades are untouched.
 *
 * <p>Works around: Grizzly's HTTP codec takes any {@code Upgrade} header for an upgrade under way
 * ({@code HttpCodecFilter.handleRead} calls {@code onIncomingUpgrade}, which sets {@code ignoreContentModifiers} and
 * sends an {@code IncomingHttpUpgradeEvent} up the chain), so the body of such a request is not framed by its
 * {@code Content-Length} but handed on as the byte stream of an upgraded connection: Jersey waits for a body that
 * never ends, and the request fails with a 500 after a 30 s stall. Grizzly has no HTTP/2 on this listener to upgrade
 * to. This filter, right after the codec, catches that event for {@code h2c} only, clears the upgrade and restores
 * the content framing.
 *
 * <p>Checked on Grizzly 4.0.2 (with Jersey 3.1.12). Proved by {@code IgnoreH2cUpgradeTest} (a raw h2c offer with a
 * body, answered with that body at once, then a second request on the same connection) and
 * {@code ServerLifecycleTest.aClientOfferingAnH2cUpgradeIsServedAsPlainHttp11} (the JDK client against Parley).
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
