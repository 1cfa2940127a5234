package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.http.HttpCodecFilter;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpProbe;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.junit.jupiter.api.Test;
import org.parley.domain.user.User;

/**
 * After a websocket upgrade, Grizzly's HTTP codec no longer holds the upgrade request (it used to keep about 8 KiB of
 * request, response and header objects per idle connection), and the websocket bytes no longer pass through it: the
 * workaround {@code container.UpgradedConnectionsStayOpen}, seen from outside (the codec's probe and its attribute).
 */
class UpgradedConnectionMemoryTest {

    /**
     * The codec's own per-connection "request in progress": Grizzly's attribute builder returns the one attribute
     * registered under a name, so this is the attribute the codec reads and writes.
     */
    private static final Attribute<Object> HTTP_REQUEST_IN_PROGRESS = Grizzly.DEFAULT_ATTRIBUTE_BUILDER
            .createAttribute(HttpServerFilter.HTTP_SERVER_REQUEST_ATTR_NAME);

    /** What the codec of one server saw: the requests it parsed (weakly), and the reads it decoded per connection. */
    private static final class CodecWatch extends HttpProbe.Adapter {
        final List<WeakReference<HttpHeader>> upgradeRequests = new CopyOnWriteArrayList<>();
        final List<Connection<?>> upgradedConnections = new CopyOnWriteArrayList<>();
        final Map<Connection<?>, AtomicInteger> reads = new ConcurrentHashMap<>();

        @Override
        public void onHeaderParseEvent(Connection connection, HttpHeader header, int size) {
            if ("websocket".equalsIgnoreCase(header.getUpgrade())) {
                upgradeRequests.add(new WeakReference<>(header));
                upgradedConnections.add(connection);
            }
        }

        @Override
        public void onDataReceivedEvent(Connection connection, Buffer buffer) {
            reads.computeIfAbsent(connection, c -> new AtomicInteger()).incrementAndGet();
        }

        /** The codec's reads so far on each upgraded connection (its handshake's, once the client is connected). */
        Map<Connection<?>, Integer> readsOnUpgradedConnections() {
            Map<Connection<?>, Integer> counts = new HashMap<>();
            for (Connection<?> connection : upgradedConnections) {
                AtomicInteger count = reads.get(connection);
                counts.put(connection, count == null ? 0 : count.get());
            }
            return counts;
        }
    }

    private static CodecWatch watchCodec(TestServer server) {
        FilterChain chain = server.server.getListener("grizzly").getFilterChain();
        HttpCodecFilter codec = (HttpCodecFilter) chain.get(chain.indexOfType(HttpServerFilter.class));
        CodecWatch watch = new CodecWatch();
        codec.getMonitoringConfig().addProbes(watch);
        return watch;
    }

    @Test
    void theCodecLetsGoOfTheUpgradeRequestAndFramesStillFlowBothWays() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            CodecWatch watch = watchCodec(server);
            User alice = server.user("alice");
            User bob = server.user("bob");
            try (WsClient a = server.connect(alice); WsClient b = server.connect(bob)) {
                // Both clients have their 101, so the server has read their whole handshakes.
                Map<Connection<?>, Integer> handshakeReads = watch.readsOnUpgradedConnections();
                for (int i = 0; i < 3; i++) {
                    a.sendJson(Map.of("action", "text_message", "message_body", "hello " + i,
                            "receiver_id", bob.id().toString()));
                    JsonNode conf = a.next();
                    assertThat(conf.get("action").asText()).isEqualTo("conf_message");
                    JsonNode received = b.next();
                    assertThat(received.get("action").asText()).isEqualTo("re_message");
                    assertThat(received.get("message").asText()).isEqualTo("hello " + i);
                }

                assertThat(watch.upgradedConnections).hasSize(2);
                for (Connection<?> connection : watch.upgradedConnections) {
                    assertThat(HTTP_REQUEST_IN_PROGRESS.get(connection)).isNull();
                }
                assertThat(watch.readsOnUpgradedConnections())
                        .as("the codec decoded no websocket bytes: frames went past it")
                        .isEqualTo(handshakeReads);
                assertThat(collected(watch.upgradeRequests, Duration.ofSeconds(10)))
                        .as("the upgrade requests can be garbage-collected while their connections are open")
                        .isTrue();
                assertThat(a.isOpen()).isTrue();
                assertThat(b.isOpen()).isTrue();
            }
        }
    }

    /**
     * Tyrus's session kept the upgrade request's query four times over (URI, query string, parameter map, path
     * parameters): with {@code ?token=}, the token. The handshake still reads it ({@code GuardedEngine}).
     */
    @Test
    void theSessionKeepsNeitherTheQueryNorItsToken() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            User alice = server.user("alice");
            User bob = server.user("bob");
            try (WsClient a = server.connect(alice); WsClient b = server.connect(bob)) {
                HandshakeLimitsTest.awaitTrue(() -> server.connections.of(alice.id()).size() == 1, "registered");
                jakarta.websocket.Session session = server.connections.of(alice.id()).iterator().next().session();

                assertThat(session.getQueryString()).isNull();
                assertThat(session.getRequestParameterMap()).isEmpty();
                assertThat(session.getPathParameters()).isEmpty();
                assertThat(session.getRequestURI().getQuery()).isNull();
                assertThat(session.getRequestURI().getPath()).isEqualTo("/ws/chat/room/");
                // The connection keeps its user's id, not the user read at the handshake (nor its census lease).
                assertThat(session.getUserProperties()).doesNotContainKeys(ChatEndpoint.USER_PROPERTY,
                        ChatEndpoint.LEASE_PROPERTY);
                assertThat(server.connections.of(alice.id()).iterator().next().user()).isEqualTo(alice.id());

                a.sendJson(Map.of("action", "text_message", "message_body", "hello",
                        "receiver_id", bob.id().toString()));
                assertThat(a.next().get("action").asText()).isEqualTo("conf_message");
                assertThat(b.next().get("message").asText()).isEqualTo("hello");
            }
        }
    }

    /**
     * What the sessions of idle connections no longer keep each for themselves: the handshake's user and lease never
     * enter the session's user properties (the upgrade hands them to {@code onOpen}: the map stays without a table,
 * {@code IdleConnectionHeapTest}),
     * the connection is found through its handler, and the sessions share one request URI and the JDK's empty map for
     * their (emptied) parameter and path-parameter maps. A close still reaches the connection (it leaves the registry).
     */
    @Test
    void sessionsShareTheirRequestPartsAndKeepNoUserProperties() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            User alice = server.user("alice");
            User bob = server.user("bob");
            try (WsClient a = server.connect(alice); WsClient b = server.connect(bob)) {
                HandshakeLimitsTest.awaitTrue(() -> server.connections.of(alice.id()).size() == 1
                        && server.connections.of(bob.id()).size() == 1, "registered");
                jakarta.websocket.Session first = server.connections.of(alice.id()).iterator().next().session();
                jakarta.websocket.Session second = server.connections.of(bob.id()).iterator().next().session();

                assertThat(first).isNotSameAs(second);
                assertThat(first.getUserProperties()).isEmpty();
                assertThat(second.getUserProperties()).isEmpty();
                // Tyrus builds the URI it answers anew from the one it keeps: the one kept is shared (IdleConnectionHeapTest).
                assertThat(first.getRequestURI()).isEqualTo(second.getRequestURI());
                assertThat(first.getRequestURI().getPath()).isEqualTo("/ws/chat/room/");
                assertThat(first.getRequestURI().getQuery()).isNull();
                assertThat(first.getRequestParameterMap()).isSameAs(java.util.Map.of())
                        .isSameAs(second.getRequestParameterMap());
                assertThat(first.getPathParameters()).isSameAs(java.util.Map.of())
                        .isSameAs(second.getPathParameters());

                a.sendJson(Map.of("action", "text_message", "message_body", "hello",
                        "receiver_id", bob.id().toString()));
                assertThat(a.next().get("action").asText()).isEqualTo("conf_message");
                assertThat(b.next().get("message").asText()).isEqualTo("hello");
            }
            HandshakeLimitsTest.awaitTrue(() -> server.connections.count() == 0, "both closes reached the endpoint");
        }
    }

    /**
     * One object per connection answers its text, binary and pong messages (it was a lambda each): Tyrus holds it
     * for the three types, and each still reaches its own handling.
     */
    @Test
    void oneHandlerPerConnectionServesTextBinaryAndPongMessages() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            User alice = server.user("alice");
            User bob = server.user("bob");
            try (WsClient a = server.connect(alice); WsClient b = server.connect(bob)) {
                HandshakeLimitsTest.awaitTrue(() -> server.connections.of(alice.id()).size() == 1, "registered");
                LiveConnection connection = server.connections.of(alice.id()).iterator().next();
                jakarta.websocket.Session session = connection.session();

                assertThat(session.getMessageHandlers()).hasSize(1)
                        .allSatisfy(handler -> assertThat(handler).isInstanceOf(ChatEndpoint.Handlers.class));

                a.sendBinary(new byte[] {1, 2, 3});
                assertThat(a.next().get("code").asText()).isEqualTo("validation_error");

                long before = connection.lastPongNanos();
                Thread.sleep(2);
                a.sendPong();
                HandshakeLimitsTest.awaitTrue(() -> connection.lastPongNanos() != before, "pong timed");

                a.sendJson(Map.of("action", "text_message", "message_body", "hello",
                        "receiver_id", bob.id().toString()));
                assertThat(a.next().get("action").asText()).isEqualTo("conf_message");
                assertThat(b.next().get("message").asText()).isEqualTo("hello");
            }
        }
    }

    @Test
    void plainHttpOnTheSameServerKeepsItsRequestsAndKeepAlive() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            CodecWatch watch = watchCodec(server);
            User alice = server.user("alice");
            try (WsClient a = server.connect(alice)) {
                URI rest = URI.create("http://127.0.0.1:" + server.port + "/anything");
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> response = WsClient.HTTP.send(HttpRequest.newBuilder(rest).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.body()).isEqualTo("rest");
                }
                assertThat(watch.upgradedConnections).hasSize(1);
                assertThat(a.isOpen()).isTrue();
            }
        }
    }

    /**
     * Only a {@code 101} makes a connection upgraded (the close watch now does what the bypass's own filter did): a
     * refused handshake (401) keeps its request in the codec and the codec still decodes what the client sends after
     * the refusal, instead of letting it past to Tyrus.
     */
    @Test
    void aRefusedHandshakeIsNotTreatedAsUpgraded() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            CodecWatch watch = watchCodec(server);
            try (RawClient refused = RawClient.handshake(server.port, "token-nobody", Map.of())) {
                assertThat(refused.status()).isEqualTo(401);
                assertThat(watch.upgradedConnections).hasSize(1);
                Connection<?> connection = watch.upgradedConnections.get(0);
                int before = watch.readsOnUpgradedConnections().get(connection);
                refused.out.write("more bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                refused.out.flush();
                HandshakeLimitsTest.awaitTrue(() -> watch.readsOnUpgradedConnections().get(connection) > before,
                        "the codec decodes what follows a refused handshake");
                assertThat(HTTP_REQUEST_IN_PROGRESS.get(connection)).as("the codec keeps its request").isNotNull();
            }
        }
    }

    private static boolean collected(List<WeakReference<HttpHeader>> references, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            System.gc();
            if (references.stream().allMatch(reference -> reference.get() == null)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
