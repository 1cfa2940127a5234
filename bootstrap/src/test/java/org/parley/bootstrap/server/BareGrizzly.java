package org.parley.bootstrap.server;

import java.io.IOException;
import java.time.Duration;

import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;

/**
 * A Grizzly server on a free loopback port with one handler and {@link ServerLevelHttp} installed: this package's
 * workarounds against Grizzly alone, without Jersey or Tyrus in the way.
 */
final class BareGrizzly implements AutoCloseable {

    final HttpServer server = new HttpServer();
    final int port;

    BareGrizzly(HttpHandler handler) throws IOException {
        this(handler, Duration.ZERO);
    }

    /** @param headerTimeout the header timeout ({@link HeaderReadTimeout}); zero: none */
    BareGrizzly(HttpHandler handler, Duration headerTimeout) throws IOException {
        NetworkListener listener = new NetworkListener("grizzly", "127.0.0.1", 0);
        server.addListener(listener);
        server.getServerConfiguration().addHttpHandler(handler, "/");
        ServerLevelHttp.installOn(server);
        HeaderReadTimeout.registerOn(server, headerTimeout);
        server.start();
        port = listener.getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
