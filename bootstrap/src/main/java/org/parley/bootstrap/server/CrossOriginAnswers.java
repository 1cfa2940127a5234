package org.parley.bootstrap.server;

import java.io.IOException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.http.server.NetworkListener;

/**
 * With {@code PARLEY_ALLOWED_ORIGINS} set (contract §16), every HTTP answer of the server carries the CORS headers the
 * REST API gives its own answers, including the answers written below the REST API: {@link RefuseMalformedRequests}'
 * 400s, {@link WholeBodiesFirst}'s 408 and 413, Grizzly's own error pages ({@link JsonErrorPages}: a 413 above the
 * maximum post size, a 503 while shutting down, a 500 past Jersey's mappers) and the websocket handshake's refusals. So a
 * browser page of an allowed origin can read why its request failed, whoever answered it, and a cache never serves one
 * origin's answer to another:
 * <ul>
 *   <li>every answer (but a {@code 1xx}) gets {@code Vary: Origin}, whatever the request's origin;</li>
 *   <li>an answer to a request with exactly one {@code Origin} header naming one allowed origin that has no
 *       {@code Access-Control-Allow-Origin} yet gets {@code Access-Control-Allow-Origin} (that origin),
 *       {@code -Allow-Methods}, {@code -Allow-Headers} and {@code -Max-Age}, with the values of the REST adapter's
 *       {@code CrossOriginRequests} (which answers preflights and decorates Jersey's answers itself;
 *       {@code EdgeLimitsEndToEndTest} checks that both give the same headers);</li>
 *   <li>several origins (in one header or several) are no allowed origin, as for the websocket handshake and Jersey.</li>
 * </ul>
 *
 * <p>What cannot carry them: answers that Grizzly's HTTP codec encodes and writes itself, below every filter, for a
 * request it cannot parse (a malformed request line or header, a head above the maximum header size, a broken chunked
 * body: {@code HttpServerFilter.onHttpHeaderError} / {@code onHttpContentError}, then {@code sendBadRequestResponse}
 * writes the encoded buffer from the codec's own position) or an {@code Expect} other than {@code 100-continue} (417,
 * the same path); browsers never send such requests. And connections closed without an answer (the header timeout, a
 * client hanging up) carry nothing at all.
 *
 * <p>Works around: the REST adapter's Jersey filter sees Jersey's answers only; the answers above are written below
 * Jersey (and Tyrus's by Tyrus) and had no CORS header at all. This filter sits in Grizzly's filter chain right after
 * the HTTP codec and acts on the way out, where the response's head is still uncommitted whichever filter or handler
 * wrote it. It must be the last of this package's add-ons to be registered, so that it sits closest to the codec,
 * below every filter that answers by itself. Checked on Grizzly 4.0.2 (Jersey 3.1.12, Tyrus 2.2.2); proved by
 * {@code EdgeLimitsEndToEndTest} (a malformed target's 400, a 401, a 404 and a websocket refusal, from the allowed
 * origin, another and none).
 */
final class CrossOriginAnswers implements AddOn {

    static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
    private static final String METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
    private static final String HEADERS = "Authorization, Content-Type";
    private static final String PREFLIGHT_SECONDS = "600";

    private final Set<String> allowedOrigins;

    private CrossOriginAnswers(Set<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    /** Does nothing when {@code allowedOrigins} is empty (no CORS at all, no {@code Vary}). */
    static void registerOn(HttpServer server, Set<String> allowedOrigins) {
        Objects.requireNonNull(allowedOrigins, "allowedOrigins");
        if (allowedOrigins.isEmpty()) {
            return;
        }
        Set<String> lowerCase = allowedOrigins.stream().map(origin -> origin.toLowerCase(Locale.ROOT))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        server.getListeners().forEach(listener -> listener.registerAddOn(new CrossOriginAnswers(lowerCase)));
    }

    @Override
    public void setup(NetworkListener networkListener, FilterChainBuilder builder) {
        int codec = builder.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class);
        if (codec >= 0) {
            builder.add(codec + 1, new Headers());
        }
    }

    /** The request's one allowed origin, as sent (trimmed), or null. */
    private String allowedOrigin(HttpRequestPacket request) {
        String origin = null;
        int count = 0;
        for (String value : request.getHeaders().values("Origin")) {
            origin = value;
            count++;
        }
        if (count != 1 || origin == null) {
            return null;
        }
        origin = origin.trim();
        return allowedOrigins.contains(origin.toLowerCase(Locale.ROOT)) ? origin : null;
    }

    /** Adds the headers to a response's head on its way to the codec, before the head is written. */
    private final class Headers extends BaseFilter {

        @Override
        public NextAction handleWrite(FilterChainContext ctx) throws IOException {
            Object message = ctx.getMessage();
            HttpHeader header = message instanceof HttpContent content ? content.getHttpHeader()
                    : message instanceof HttpHeader head ? head : null;
            if (header instanceof HttpResponsePacket response && !response.isCommitted()
                    && response.getStatus() >= 200) {
                decorate(response);
            }
            return ctx.getInvokeAction();
        }

        private void decorate(HttpResponsePacket response) {
            String vary = response.getHeader("Vary");
            if (vary == null || vary.isBlank()) {
                response.setHeader("Vary", "Origin");
            } else if (!vary.toLowerCase(Locale.ROOT).contains("origin") && !vary.trim().equals("*")) {
                response.setHeader("Vary", vary + ", Origin");
            }
            HttpRequestPacket request = response.getRequest();
            String origin = request == null ? null : allowedOrigin(request);
            if (origin != null && !response.containsHeader(ALLOW_ORIGIN)) {
                response.setHeader(ALLOW_ORIGIN, origin);
                response.setHeader("Access-Control-Allow-Methods", METHODS);
                response.setHeader("Access-Control-Allow-Headers", HEADERS);
                response.setHeader("Access-Control-Max-Age", PREFLIGHT_SECONDS);
            }
        }
    }
}
