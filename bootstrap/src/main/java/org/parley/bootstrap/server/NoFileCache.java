package org.parley.bootstrap.server;

import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.FileCacheFilter;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;

/**
 * Takes Grizzly's file cache filter out of every listener's filter chain: Parley serves no file through Grizzly's
 * static handlers, the only ones that fill the cache (the web client and attachments are Jersey resources), so the
 * filter only looked every GET up in an empty cache.
 *
 * <p>Why it matters: Grizzly keeps, for every connection, a slot per filter of the chain for each of its seven kinds
 * of event ({@code DefaultFilterChain.FiltersState}, arrays of {@code FilterStateElement}), for the connection's
 * whole life: each filter costs every open connection 28 bytes, an idle websocket included (10,000 of them: 280 KB).
 * {@code HttpServer.configureListener} adds the {@link FileCacheFilter} whether or not the cache is enabled; an
 * {@link AddOn} sees the chain after that and may remove it.
 *
 * <p>Checked on Grizzly 4.0.2. Proved by {@code NoFileCacheTest} (the chain has no such filter and a GET is still
 * answered).
 */
final class NoFileCache implements AddOn {

    private NoFileCache() {
    }

    static void registerOn(HttpServer server) {
        server.getListeners().forEach(listener -> listener.registerAddOn(new NoFileCache()));
    }

    @Override
    public void setup(NetworkListener networkListener, FilterChainBuilder builder) {
        int fileCache = builder.indexOfType(FileCacheFilter.class);
        if (fileCache >= 0) {
            builder.remove(fileCache);
        }
    }
}
