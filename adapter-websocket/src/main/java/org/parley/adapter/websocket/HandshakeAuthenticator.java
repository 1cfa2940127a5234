package org.parley.adapter.websocket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

import org.parley.adapter.websocket.container.HandshakeRefusal;
import org.parley.adapter.websocket.container.TyrusOnGrizzly;
import org.parley.application.error.AuthenticationFailed;
import org.parley.application.error.Unavailable;
import org.parley.application.port.in.AuthenticateToken;
import org.parley.application.port.out.ChatMetrics;
import org.parley.application.port.out.ConnectionCensus;
import org.parley.domain.user.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides on the upgrade request before the connection opens (contract §4, §16), in this order, refusing with a real
 * HTTP answer:
 * <ol>
 *   <li>its {@code Origin}, when {@link WebSocketSettings#allowedOrigins()} is set: anything but one {@code Origin}
 *       header naming one allowed origin gets 403 (another origin, {@code null}, an empty header, several origins in
 *       one header or several headers, whatever their order); no {@code Origin} header is allowed;</li>
 *   <li>its token: none, or one that does not authenticate, gets 401 (a failing check 500);</li>
 *   <li>the user's open connections on every node ({@link ConnectionCensus}): at the limit, 429. The lease taken here
 *       goes with the connection ({@link ChatEndpoint}), which releases it when it ends for any reason.</li>
 * </ol>
 *
 * <p>Per-connection data: the accepted user and its lease are handed to the {@code onOpen} of this handshake's own
 * connection ({@link TyrusOnGrizzly#handOver}: the upgrade holds them in between, not the session, whose user
 * properties map would otherwise keep a table for the connection's life). Outside Parley's engine they go into the
 * user properties of the configuration wrapper Tyrus hands {@link #modifyHandshake}, which belong to this one request
 * and are copied into the new session's; the shared {@link ServerEndpointConfig} is not touched
 * ({@code TyrusEndpointWrapper.onHandShakeResponse}, checked on Tyrus 2.2.2). Either way concurrent handshakes cannot
 * see each other's user ({@code ChatWebSocketTest.concurrentHandshakesEachGetTheirOwnUser}).
 *
 * <p>Refusal: through {@link HandshakeRefusal}, since a status set through JSR-356 alone does not refuse in Tyrus.
 */
final class HandshakeAuthenticator extends ServerEndpointConfig.Configurator {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeAuthenticator.class);
    private static final String BEARER = "bearer ";

    private final AuthenticateToken authenticate;
    private final ConnectionCensus census;
    private final WebSocketSettings settings;
    private final ChatEndpoint endpoint;
    private final ChatMetrics metrics;
    private volatile boolean stopping;

    HandshakeAuthenticator(AuthenticateToken authenticate, ConnectionCensus census, WebSocketSettings settings,
                           ChatEndpoint endpoint) {
        this(authenticate, census, settings, endpoint, ChatMetrics.none());
    }

    /** @param metrics told how every handshake ended ({@link ChatMetrics.Handshake}) */
    HandshakeAuthenticator(AuthenticateToken authenticate, ConnectionCensus census, WebSocketSettings settings,
                           ChatEndpoint endpoint, ChatMetrics metrics) {
        this.metrics = metrics;
        this.authenticate = authenticate;
        this.census = census;
        this.settings = settings;
        this.endpoint = endpoint;
    }

    /** From now on every handshake is refused with 503 and {@code Retry-After: 1} (the server is stopping). */
    void refuseNewConnections() {
        stopping = true;
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        if (stopping) {
            response.getHeaders().put("Retry-After", List.of("1"));
            metrics.handshake(ChatMetrics.Handshake.UNAVAILABLE);
            refuse(response, 503, "Service Unavailable");
            return;
        }
        if (!settings.allowsOrigin(origins(request))) {
            LOG.debug("Websocket handshake refused: origin not allowed");
            metrics.handshake(ChatMetrics.Handshake.FORBIDDEN_ORIGIN);
            refuse(response, 403, "Forbidden");
            return;
        }
        String token = token(request);
        if (token == null || token.isBlank()) {
            metrics.handshake(ChatMetrics.Handshake.UNAUTHORIZED);
            refuse(response, 401, "Unauthorized");
            return;
        }
        User user;
        try {
            user = authenticate.authenticate(token);
        } catch (AuthenticationFailed e) {
            LOG.debug("Websocket handshake refused: {}", e.reason());
            metrics.handshake(ChatMetrics.Handshake.UNAUTHORIZED);
            refuse(response, 401, "Unauthorized");
            return;
        } catch (Unavailable e) {
            // The user could not be looked up (the database cannot be reached): logged once by storage, not here.
            response.getHeaders().put("Retry-After", List.of(Long.toString(retryAfterSeconds(e.retryAfter()))));
            metrics.handshake(ChatMetrics.Handshake.UNAVAILABLE);
            refuse(response, 503, "Service Unavailable");
            return;
        } catch (Throwable e) {
            LOG.error("Websocket handshake failed", e);
            metrics.handshake(ChatMetrics.Handshake.FAILED);
            refuse(response, 500, "Internal Server Error");
            return;
        }
        Optional<ConnectionCensus.Lease> lease = census.tryOpen(user.id());
        if (lease.isEmpty()) {
            LOG.debug("Websocket handshake refused: user {} has the most connections allowed", user.id());
            metrics.handshake(ChatMetrics.Handshake.TOO_MANY_CONNECTIONS);
            refuse(response, 429, "Too Many Requests");
            return;
        }
        metrics.handshake(ChatMetrics.Handshake.ACCEPTED);
        if (!TyrusOnGrizzly.handOver(new ChatEndpoint.Accepted(user, lease.get()))) {
            config.getUserProperties().put(ChatEndpoint.USER_PROPERTY, user);
            config.getUserProperties().put(ChatEndpoint.LEASE_PROPERTY, lease.get());
        }
    }

    /**
     * Every origin the request's {@code Origin} headers name, in order, or null without an {@code Origin} header. Tyrus
     * hands over each header's comma-separated values as separate values, so {@code Origin: a, b} and two headers
     * {@code a} and {@code b} both give {@code [a, b]}; an empty header gives no value or an empty one.
     */
    static List<String> origins(HandshakeRequest request) {
        List<String> origins = null;
        for (Map.Entry<String, List<String>> header : request.getHeaders().entrySet()) {
            if ("origin".equalsIgnoreCase(header.getKey())) {
                if (origins == null) {
                    origins = new ArrayList<>();
                }
                if (header.getValue() != null) {
                    for (String value : header.getValue()) {
                        origins.add(value == null ? "" : value);
                    }
                }
            }
        }
        return origins;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        if (!endpointClass.isInstance(endpoint)) {
            throw new InstantiationException("Not the chat endpoint: " + endpointClass.getName());
        }
        return (T) endpoint;
    }

    /** The {@code Authorization: Bearer} header when present, else the seed's {@code ?token=} query parameter. */
    static String token(HandshakeRequest request) {
        for (Map.Entry<String, List<String>> header : request.getHeaders().entrySet()) {
            if ("authorization".equalsIgnoreCase(header.getKey()) && header.getValue() != null) {
                for (String value : header.getValue()) {
                    // Compared in place, ignoring case: lowercasing the value copied the whole token per handshake.
                    if (value != null && value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                        return value.substring(BEARER.length()).trim();
                    }
                }
            }
        }
        List<String> query = request.getParameterMap().get("token");
        return query == null || query.isEmpty() ? null : query.get(0);
    }

    /** A wait as {@code Retry-After}'s whole seconds, rounded up (at least 1). */
    private static long retryAfterSeconds(Duration wait) {
        return Math.max(1, wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0));
    }

    private static void refuse(HandshakeResponse response, int status, String reason) {
        if (status == 401) {
            response.getHeaders().put("WWW-Authenticate", List.of("Bearer"));
        }
        HandshakeRefusal.refuse(response, status, reason);
    }
}
