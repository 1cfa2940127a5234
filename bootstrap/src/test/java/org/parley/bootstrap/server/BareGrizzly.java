package org.parley.bootstrap.server;

import java.io.IOException;
import java.time.Duration;
import java.util.function.LongSupplier;

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
        this(handler, headerTimeout, System::nanoTime);
    }

    /**
     * @param headerTimeout the header timeout ({@link HeaderReadTimeout}); zero: none
     * @param nanos         the header timeout's clock (monotonic nanoseconds): the test's own
     */
    BareGrizzly(HttpHandler handler, Duration headerTimeout, LongSupplier nanos) throws IOException {
        NetworkListener listener = new NetworkListener("grizzly", "127.0.0.1", 0);
        server.addListener(listener);
        server.getServerConfiguration().addHttpHandler(handler, "/");
        ServerLevelHttp.installOn(server, headerTimeout, nanos);
        server.start();
        port = listener.getPort();
    }

    /** The header timeout installed on the listener. */
    HeaderReadTimeout headerTimeout() {
        return java.util.Arrays.stream(server.getListener("grizzly").getAddOns())
                .filter(HeaderReadTimeout.class::isInstance).map(HeaderReadTimeout.class::cast)
                .findFirst().orElseThrow();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
