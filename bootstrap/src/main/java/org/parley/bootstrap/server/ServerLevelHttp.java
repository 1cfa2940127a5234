package org.parley.bootstrap.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.Objects;
import java.util.Set;

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
 *       closed (slowloris);</li>
 *   <li>{@link WholeBodiesFirst}: the REST API sees a request once its whole body has arrived, read without holding
 *       a thread; a body that stops coming is answered 408;</li>
 *   <li>{@link CrossOriginAnswers}: with allowed origins, every answer carries {@code Vary: Origin}, and an answer to
 *       an allowed origin its CORS headers, whoever wrote it (the REST API, one of the parts above, Grizzly);</li>
 *   <li>{@link NoFileCache}: no file cache filter, which served nothing and cost every open connection 28 bytes.</li>
 * </ul>
 */
public final class ServerLevelHttp {

    private ServerLevelHttp() {
    }

    /**
     * Installs every part on {@code server}'s listeners, configuration and handlers; call before the server starts,
     * after its handlers are registered.
     *
     * @param headerTimeout  how long a connection may take to send a request's head; zero: no limit
     * @param bodies         how request bodies are awaited before the handlers see them
     * @param allowedOrigins {@code PARLEY_ALLOWED_ORIGINS} ({@code scheme://host[:port]}); empty: no CORS headers
     */
    public static void installOn(HttpServer server, Duration headerTimeout, BodySettings bodies,
                                 Set<String> allowedOrigins) {
        installOn(server);
        HeaderReadTimeout.registerOn(server, headerTimeout);
        WholeBodiesFirst.wrapOn(server, bodies.timeout(), bodies.maxBytes(), bodies.spoolDir());
        // Last: its filter must sit closest to the HTTP codec, below every filter that answers by itself.
        CrossOriginAnswers.registerOn(server, allowedOrigins);
    }

    /**
     * How request bodies are awaited ({@link WholeBodiesFirst}).
     *
     * @param timeout  how long a body may take once the head has come, plus a second per 8 KiB received; positive
     * @param maxBytes the largest body any route accepts (a chunked body growing past it: 413)
     * @param spoolDir where bodies above 64 KiB are written while they arrive
     */
    public record BodySettings(Duration timeout, long maxBytes, Path spoolDir) {
        public BodySettings {
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(spoolDir, "spoolDir");
        }
    }

    /**
     * Every part but the body wait, with the header timeout's deadlines read from {@code nanos} (monotonic
     * nanoseconds): tests of the timeout move their own clock.
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
        NoFileCache.registerOn(server);
    }
}
