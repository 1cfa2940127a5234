package org.parley.bootstrap.server;

import java.time.Duration;
import java.util.function.LongSupplier;

import org.glassfish.grizzly.http.server.HttpServer;

/**
 * Parley's HTTP behaviour at the level of its one Grizzly server, below Jersey and Tyrus: where bootstrap works
 * around Grizzly's and Jersey's own behaviour. Each part is a class of this package whose Javadoc names the library
 * behaviour, the versions it was checked on and the test that proves it; the table of all of them, the websocket
 * adapter's included, is {@code docs/workarounds.md}.
 * <ul>
 *   <li>{@link IgnoreH2cUpgrade}: an {@code Upgrade: h2c} offer is served as plain HTTP/1.1;</li>
 *   <li>{@link RefuseMalformedRequests}: request targets and {@code Host} headers that Jersey and Tyrus cannot turn
 *       into a URI, and upgrades nobody takes, get {@code 400 bad_request} (syntax in {@link RequestTargets});</li>
 *   <li>{@link JsonErrorPages}: Grizzly's own error pages are the failure envelope ({@link FailureEnvelope}), never an
 *       HTML page with a stack trace;</li>
 *   <li>{@link HeaderReadTimeout}: a connection that has not sent a whole request head within the header timeout is
 *       closed (slowloris).</li>
 * </ul>
 */
public final class ServerLevelHttp {

    private ServerLevelHttp() {
    }

    /**
     * Installs every part on {@code server}'s listeners and configuration; call before the server starts.
     *
     * @param headerTimeout how long a connection may take to send a request's head; zero: no limit
     */
    public static void installOn(HttpServer server, Duration headerTimeout) {
        installOn(server);
        HeaderReadTimeout.registerOn(server, headerTimeout);
    }

    /**
     * As {@link #installOn(HttpServer, Duration)}, with the header timeout's deadlines read from {@code nanos}
     * (monotonic nanoseconds): tests of the timeout move their own clock.
     */
    static void installOn(HttpServer server, Duration headerTimeout, LongSupplier nanos) {
        installOn(server);
        HeaderReadTimeout.registerOn(server, headerTimeout, nanos);
    }

    /** Installs every part but the header timeout (tests of the others). */
    public static void installOn(HttpServer server) {
        // The order matters: both filters go right after the HTTP codec, the later one first.
        IgnoreH2cUpgrade.registerOn(server);
        RefuseMalformedRequests.registerOn(server);
        JsonErrorPages.registerOn(server);
    }
}
