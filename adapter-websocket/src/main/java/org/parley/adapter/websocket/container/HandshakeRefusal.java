package org.parley.adapter.websocket.container;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.ServerEndpointConfig;

import org.glassfish.tyrus.core.HandshakeException;
import org.glassfish.tyrus.spi.UpgradeResponse;

/**
 * Refuses a websocket handshake, from a {@link ServerEndpointConfig.Configurator#modifyHandshake}, with a real HTTP
 * answer: the status given, no upgrade, an empty body and {@code Connection: close}; the endpoint never opens.
 * (Grizzly does not close the connection itself: its codec still takes the request for an upgrade in progress. The
 * client closes it; otherwise the keep-alive idle timeout does.)
 *
 * <p>Works around: JSR-356 has no way to refuse a handshake from the configurator other than {@code checkOrigin}
 * (always 403), and in Tyrus:
 * <ul>
 *   <li>a status set on the response alone does not refuse: {@code TyrusWebSocketEngine.upgrade} treats 101, 3xx, 401
 *       and 503 as a successful upgrade, sends the {@code 101} headers and runs {@code @OnOpen};</li>
 *   <li>a runtime exception from {@code modifyHandshake} (called by {@code TyrusEndpointWrapper.onHandShakeResponse})
 *       sends no response at all;</li>
 *   <li>what works: Tyrus's checked {@link HandshakeException}, which {@code TyrusWebSocketEngine.upgrade} catches
 *       ({@code handleHandshakeException}: {@code HANDSHAKE_FAILED}) and after which Tyrus's
 *       {@code GrizzlyServerFilter.handleHandshake} writes the response as it stands. So the {@code 101}'s headers
 *       ({@code Upgrade}, {@code Connection}, {@code Sec-WebSocket-*}) are replaced first, through Tyrus's
 *       {@link UpgradeResponse} (the {@link HandshakeResponse} that Tyrus passes in), by {@code Content-Length: 0} and
 *       {@code Connection: close}. The exception is thrown through the configurator's method, which declares none.</li>
 * </ul>
 *
 * <p>Checked on Tyrus 2.2.2 and Grizzly 4.0.2. Proved by {@code HandshakeRefusedOnTheWireTest} (the bytes of the
 * refusal: the status, no upgrade headers, an empty body; no session opened),
 * {@code ChatWebSocketTest.aHandshakeWithoutATokenIsRefusedWith401}, {@code aFailingTokenCheckRefusesTheHandshakeWith500}
 * and bootstrap's {@code HandshakeRefusalTest} (every bad token, against the running server).
 */
public final class HandshakeRefusal {

    private HandshakeRefusal() {
    }

    /**
     * Turns {@code response} into the refusal and throws Tyrus's {@link HandshakeException}; never returns. Headers
     * already on the response (e.g. {@code WWW-Authenticate}) are sent too, except the upgrade's.
     *
     * @param response     the response Tyrus passed to {@code modifyHandshake}
     * @param status       the HTTP status to answer with (4xx or 5xx)
     * @param reasonPhrase its reason phrase
     */
    public static void refuse(HandshakeResponse response, int status, String reasonPhrase) {
        UpgradeResponse upgrade = (UpgradeResponse) response;
        upgrade.setStatus(status);
        upgrade.setReasonPhrase(reasonPhrase);
        Map<String, List<String>> headers = upgrade.getHeaders();
        headers.keySet().removeIf(name -> name.equalsIgnoreCase("Upgrade")
                || name.equalsIgnoreCase("Connection")
                || name.toLowerCase(Locale.ROOT).startsWith("sec-websocket-"));
        headers.put("Content-Length", List.of("0"));
        headers.put("Connection", List.of("close"));
        throw HandshakeRefusal.<RuntimeException>sneaky(new HandshakeException(status, reasonPhrase));
    }

    /** Throws a checked exception through an interface that does not declare it; Tyrus catches it by type. */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable checked) throws E {
        throw (E) checked;
    }
}
