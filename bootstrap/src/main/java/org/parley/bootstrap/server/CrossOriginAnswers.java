package org.parley.bootstrap.server;

import java.io.IOException;
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
import org.parley.adapter.rest.CrossOriginPolicy;

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
 *       {@code -Allow-Methods}, {@code -Allow-Headers} and {@code -Max-Age}: the REST adapter's
 *       {@link CrossOriginPolicy}, which its {@code CrossOriginRequests} applies to preflights and Jersey's answers
 *       (one policy for both; {@code EdgeLimitsEndToEndTest} checks that the answers agree);</li>
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

    private final CrossOriginPolicy policy;

    private CrossOriginAnswers(CrossOriginPolicy policy) {
        this.policy = policy;
    }

    /** Does nothing when {@code allowedOrigins} is empty (no CORS at all, no {@code Vary}). */
    static void registerOn(HttpServer server, Set<String> allowedOrigins) {
        Objects.requireNonNull(allowedOrigins, "allowedOrigins");
        if (allowedOrigins.isEmpty()) {
            return;
        }
        CrossOriginPolicy policy = new CrossOriginPolicy(allowedOrigins);
        server.getListeners().forEach(listener -> listener.registerAddOn(new CrossOriginAnswers(policy)));
    }

    @Override
    public void setup(NetworkListener networkListener, FilterChainBuilder builder) {
        int codec = builder.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class);
        if (codec >= 0) {
            builder.add(codec + 1, new Headers());
        }
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
            response.setHeader("Vary", CrossOriginPolicy.varyByOrigin(response.getHeader("Vary")));
            HttpRequestPacket request = response.getRequest();
            String origin = request == null ? null : policy.allowedOrigin(request.getHeaders().values("Origin"));
            if (origin != null && !response.containsHeader(CrossOriginPolicy.ALLOW_ORIGIN)) {
                CrossOriginPolicy.headersFor(origin).forEach(response::setHeader);
            }
        }
    }
}
