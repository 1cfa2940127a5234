package org.parley.bootstrap.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
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
import org.glassfish.grizzly.http.server.HttpServerFilter;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.http.util.HttpStatus;
import org.glassfish.grizzly.memory.Buffers;

/**
 * Answers requests that the HTTP and websocket libraries behind the server cannot read with {@code 400 bad_request}
 * in the failure envelope, closes their connection, and logs nothing.
 *
 * <p>Works around: Grizzly's HTTP parser accepts them, but Jersey and Tyrus turn every request into a
 * {@link java.net.URI} and fail on them — Jersey's {@code GrizzlyHttpContainer.getRequestUri} ({@code new URI(..)},
 * its {@code URISyntaxException} rethrown as an {@code IllegalArgumentException}: a 500 and a 30-line stack trace
 * each), Tyrus's {@code GrizzlyServerFilter.createWebSocketRequest} ({@code URI.create}: no answer at all) — and an
 * {@code Upgrade} request that no endpoint takes reaches Jersey with its body treated as an upgraded byte stream (see
 * {@link IgnoreH2cUpgrade}), so it hangs. Checked on Grizzly 4.0.2, Jersey 3.1.12, Tyrus 2.2.2; proved by
 * {@code MalformedRequestsIT} (every case below against the packaged server, and not a line logged) and
 * {@code RequestTargetsTest} (the syntax). The cases:
 * <ul>
 *   <li>a request target (path or query) with a character that RFC 3986 does not allow there — {@code \ | { } ^ "
 *       < >}, a backtick, a control character, a raw non-ASCII byte — or a {@code %} not followed by two hex
 *       digits;</li>
 *   <li>a {@code Host} header that is not {@code host[:port]} (RFC 3986 §3.2.2), or several of them (RFC 9112 §3.2
 *       requires 400 for both);</li>
 *   <li>an {@code Upgrade} request that the websocket endpoint did not take (another path, a malformed handshake):
 *       Grizzly would hand its body to Jersey as the upgraded byte stream, and the request would hang.</li>
 * </ul>
 * The first two are checked right after Grizzly's HTTP parser, before the websocket endpoint sees the request; the
 * last just before the REST API would.
 */
final class RefuseMalformedRequests implements AddOn {

    private static final String REFUSED = RefuseMalformedRequests.class.getName() + ".refused";
    private static final String CHECKED = RefuseMalformedRequests.class.getName() + ".checked";

    private RefuseMalformedRequests() {
    }

    static void registerOn(HttpServer server) {
        server.getListeners().forEach(listener -> listener.registerAddOn(new RefuseMalformedRequests()));
    }

    @Override
    public void setup(NetworkListener networkListener, FilterChainBuilder builder) {
        int codec = builder.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class);
        if (codec >= 0) {
            builder.add(codec + 1, new UnreadableTargets());
        }
        int application = builder.indexOfType(HttpServerFilter.class);
        if (application >= 0) {
            builder.add(application, new UpgradesNobodyTook());
        }
    }

    /** Request targets and Host headers that Jersey and Tyrus cannot turn into a URI. */
    private static final class UnreadableTargets extends BaseFilter {

        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            if (!(ctx.getMessage() instanceof HttpContent content)
                    || !(content.getHttpHeader() instanceof HttpRequestPacket request)) {
                return ctx.getInvokeAction();
            }
            if (request.getAttribute(REFUSED) != null) {
                return ctx.getStopAction();
            }
            if (request.getAttribute(CHECKED) != null) {
                return ctx.getInvokeAction();
            }
            request.setAttribute(CHECKED, Boolean.TRUE);
            Optional<String> problem = RequestTargets.problemWithPath(request.getRequestURI())
                    .or(() -> RequestTargets.problemWithQuery(request.getQueryString()))
                    .or(() -> problemWithHost(request));
            if (problem.isEmpty()) {
                return ctx.getInvokeAction();
            }
            return refuse(ctx, request, problem.get());
        }

        private static Optional<String> problemWithHost(HttpRequestPacket request) {
            int count = 0;
            String host = null;
            for (String value : request.getHeaders().values(Header.Host)) {
                host = value;
                count++;
            }
            if (count > 1) {
                return Optional.of("The request has " + count + " Host headers; it must have one (RFC 9112, section 3.2)");
            }
            return host == null ? Optional.empty() : RequestTargets.problemWithHost(host);
        }
    }

    /** Upgrade requests that the websocket endpoint passed on: the REST API must not read their body stream. */
    private static final class UpgradesNobodyTook extends BaseFilter {

        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            if (ctx.getMessage() instanceof HttpContent content
                    && content.getHttpHeader() instanceof HttpRequestPacket request) {
                if (request.getAttribute(REFUSED) != null) {
                    return ctx.getStopAction();
                }
                if (isUpgrade(request)) {
                    return refuse(ctx, request, "Nothing here accepts this Upgrade request: websocket connections are"
                            + " opened at /ws/chat/room/ with a complete handshake (RFC 6455)");
                }
            }
            return ctx.getInvokeAction();
        }

        private static boolean isUpgrade(HttpHeader request) {
            String upgrade = request.getUpgrade();
            return upgrade != null && !upgrade.isBlank();
        }
    }

    /** Answers 400 with the failure envelope, then closes the connection: the rest of its bytes cannot be trusted. */
    private static NextAction refuse(FilterChainContext ctx, HttpRequestPacket request, String problem) {
        request.setAttribute(REFUSED, Boolean.TRUE);
        request.getProcessingState().setKeepAlive(false);
        HttpResponsePacket response = request.getResponse();
        HttpStatus.BAD_REQUEST_400.setValues(response);
        // Grizzly sends the answer to an upgrade request without content headers unless told otherwise.
        request.setIgnoreContentModifiers(false);
        response.setIgnoreContentModifiers(false);
        response.setContentType("application/json");
        response.setHeader(Header.Connection, "close");
        byte[] body = FailureEnvelope.of("bad_request", problem).getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        Buffer buffer = Buffers.wrap(ctx.getMemoryManager(), body);
        Connection<?> connection = ctx.getConnection();
        ctx.write(null, HttpContent.builder(response).content(buffer).last(true).build(),
                new EmptyCompletionHandler<WriteResult>() {
                    @Override
                    public void completed(WriteResult result) {
                        connection.closeSilently();
                    }

                    @Override
                    public void failed(Throwable throwable) {
                        connection.closeSilently();
                    }
                });
        return ctx.getStopAction();
    }
}
