package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.ParleyConfig;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Contract §16 at the edge of the running server (issue 13's findings 2, 5 and 6): origins at the handshake and CORS
 * for REST, connections per user (in the cluster run: across two nodes, the census in Redis), and the header timeout.
 */
class EdgeLimitsEndToEndTest {

    private static final String APP = "https://app.example.com";
    private static final int MAX_CONNECTIONS = 3;
    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley(config -> config.withEdge(ParleyConfig.Edge.defaults()
            .withAllowedOrigins(Set.of(APP))
            .withMaxConnectionsPerUser(MAX_CONNECTIONS)
            .withHeaderTimeout(HEADER_TIMEOUT)));

    private static People people;

    @BeforeAll
    static void api() {
        people = new People(new HttpApi(SERVER.httpBase()));
    }

    @Test
    void aHandshakeFromAnotherOriginIsRefusedWith403AndTheAllowedOneOrNoneIsAccepted() throws Exception {
        Person alice = people.register("Alice");
        assertThat(handshakeStatus(alice, APP)).isEqualTo(101);
        assertThat(handshakeStatus(alice, null)).as("no Origin: a native app").isEqualTo(101);
        assertThat(handshakeStatus(alice, "https://evil.example")).isEqualTo(403);
        assertThat(handshakeStatus(alice, "null")).isEqualTo(403);
    }

    @Test
    void restAnswersCorsForTheAllowedOriginOnly() {
        Person alice = people.register("Alice");
        HttpApi api = new HttpApi(SERVER.httpBase());

        HttpApi.Reply preflight = api.send(api.request("/chat/user/threads/", null)
                .header("Origin", APP)
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo(APP);
        assertThat(preflight.header("Access-Control-Allow-Headers")).isEqualTo("Authorization, Content-Type");
        assertThat(preflight.header("Access-Control-Allow-Methods")).contains("GET", "POST");
        assertThat(preflight.header("Vary")).contains("Origin");

        HttpApi.Reply threads = api.send(api.request("/chat/user/threads/", alice.access()).header("Origin", APP).GET());
        assertThat(threads.status()).isEqualTo(200);
        assertThat(threads.header("Access-Control-Allow-Origin")).isEqualTo(APP);

        HttpApi.Reply evil = api.send(api.request("/chat/user/threads/", alice.access())
                .header("Origin", "https://evil.example").GET());
        assertThat(evil.status()).isEqualTo(200);
        assertThat(evil.headers().keySet()).noneMatch(name -> name.toLowerCase().startsWith("access-control-"));
    }

    /**
     * RFC 6454 §7.3: a browser sends one {@code Origin} header holding one origin. Anything else, whichever origin
     * comes first, did not come from a page of the allowed origin (issue 13 review: the first value alone was read).
     */
    @Test
    void aHandshakeNamingMoreThanOneOriginIsRefusedWith403WhateverTheOrder() throws Exception {
        Person frank = people.register("Frank");
        String evil = "https://evil.example";
        assertThat(headedHandshakeStatus(frank, List.of("Origin: " + APP + ", " + evil))).isEqualTo(403);
        assertThat(headedHandshakeStatus(frank, List.of("Origin: " + evil + ", " + APP))).isEqualTo(403);
        assertThat(headedHandshakeStatus(frank, List.of("Origin: " + APP, "Origin: " + evil))).isEqualTo(403);
        assertThat(headedHandshakeStatus(frank, List.of("Origin: " + evil, "Origin: " + APP))).isEqualTo(403);
        assertThat(headedHandshakeStatus(frank, List.of("Origin: " + APP, "Origin: " + APP))).as("twice").isEqualTo(403);
        assertThat(headedHandshakeStatus(frank, List.of("Origin: " + APP + " " + evil))).as("RFC 6454's list form")
                .isEqualTo(403);
        assertThat(headedHandshakeStatus(frank, List.of("Origin: " + APP))).isEqualTo(101);
        assertThat(header(handshake(frank, List.of("Origin: " + evil)), "Vary")).as("a refusal varies by origin too")
                .contains("Origin");
    }

    @Test
    void restGivesNoCorsHeadersToARequestNamingMoreThanOneOrigin() throws Exception {
        Person grace = people.register("Grace");
        String evil = "https://evil.example";
        for (List<String> origins : List.of(List.of("Origin: " + APP + ", " + evil), List.of("Origin: " + APP,
                "Origin: " + evil), List.of("Origin: " + evil, "Origin: " + APP))) {
            String headers = String.join("", origins.stream().map(line -> line + "\r\n").toList());
            List<String> preflight = rawHead("OPTIONS /chat/user/threads/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + headers + "Access-Control-Request-Method: GET\r\nConnection: close\r\n\r\n");
            assertThat(corsHeaderNames(preflight)).as("preflight with %s", origins).isEmpty();
            List<String> threads = rawHead("GET /chat/user/threads/ HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers
                    + "Authorization: Bearer " + grace.access() + "\r\nConnection: close\r\n\r\n");
            assertThat(threads.get(0)).contains(" 200 ");
            assertThat(corsHeaderNames(threads)).as("request with %s", origins).isEmpty();
            assertThat(header(threads, "Vary")).contains("Origin");
        }
    }

    /**
     * A browser page of the allowed origin can read every failure, whoever answered it: Jersey (401, 404) or the server
     * below it (a target Jersey cannot read: 400); and every answer varies by origin, whatever the origin.
     */
    @Test
    void failuresCarryTheSameCorsHeadersAsSuccessesAndEveryAnswerVariesByOrigin() throws Exception {
        Person heidi = people.register("Heidi");
        List<String> preflight = rawHead("OPTIONS /chat/user/threads/ HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: " + APP
                + "\r\nAccess-Control-Request-Method: GET\r\nConnection: close\r\n\r\n");
        assertThat(preflight.get(0)).contains(" 204 ");
        Map<String, String> expected = new java.util.TreeMap<>();
        for (String name : List.of("Access-Control-Allow-Origin", "Access-Control-Allow-Methods",
                "Access-Control-Allow-Headers", "Access-Control-Max-Age")) {
            expected.put(name, header(preflight, name));
        }
        assertThat(expected.get("Access-Control-Allow-Origin")).isEqualTo(APP);

        Map<String, String> answers = Map.of(
                "400", "GET /chat/messages/%ZZ/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + heidi.access() + "\r\n",
                "401", "GET /chat/user/threads/ HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                "404", "GET /no/such/route/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + heidi.access() + "\r\n",
                "200", "GET /chat/user/threads/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + heidi.access() + "\r\n");
        for (Map.Entry<String, String> answer : answers.entrySet()) {
            List<String> allowed = rawHead(answer.getValue() + "Origin: " + APP + "\r\nConnection: close\r\n\r\n");
            assertThat(allowed.get(0)).as("%s", allowed).contains(" " + answer.getKey() + " ");
            for (Map.Entry<String, String> cors : expected.entrySet()) {
                assertThat(header(allowed, cors.getKey())).as("%s in %s", cors.getKey(), allowed)
                        .isEqualTo(cors.getValue());
            }
            assertThat(header(allowed, "Vary")).as("%s", allowed).contains("Origin");

            List<String> other = rawHead(answer.getValue() + "Origin: https://evil.example\r\nConnection: close\r\n\r\n");
            assertThat(other.get(0)).contains(" " + answer.getKey() + " ");
            assertThat(corsHeaderNames(other)).as("%s", other).isEmpty();
            assertThat(header(other, "Vary")).as("%s", other).contains("Origin");

            List<String> none = rawHead(answer.getValue() + "Connection: close\r\n\r\n");
            assertThat(corsHeaderNames(none)).as("%s", none).isEmpty();
            assertThat(header(none, "Vary")).as("%s", none).contains("Origin");
        }
    }

    @Test
    void aUserGetsAtMostTheLimitOfWebsocketsAndTheNextHandshakeIs429() throws Exception {
        Person bob = people.register("Bob");
        List<ChatSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                open.add(connect(bob));
            }
            Throwable refused = catchThrowable(() -> connect(bob).close());
            assertThat(refused).isInstanceOf(ChatSocket.HandshakeRefused.class);
            assertThat(((ChatSocket.HandshakeRefused) refused).status()).isEqualTo(429);

            Person carol = people.register("Carol");
            try (ChatSocket other = connect(carol)) {
                assertThat(other.isClosed()).as("another user is not affected").isFalse();
            }

            open.remove(0).close();
            ChatSocket again = awaitAccepted(bob);
            open.add(again);
            again.send(Map.of("action", "text_message", "message_body", "back", "receiver_id", carol.id()));
            assertThat(again.next().get("action").asText()).isEqualTo("conf_message");
        } finally {
            open.forEach(ChatSocket::close);
        }
    }

    @Test
    void aSlowlorisConnectionIsClosedAfterTheHeaderTimeout() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", SERVER.port())) {
            socket.setSoTimeout(200);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] head = ("GET /chat/user/threads/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "s".repeat(100)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            boolean closed = false;
            for (int i = 0; i < head.length && !closed; i++) {
                try {
                    out.write(head[i]);
                    out.flush();
                    closed = in.read() < 0;
                } catch (SocketTimeoutException stillOpen) {
                    // Next byte.
                } catch (IOException reset) {
                    closed = true;
                }
            }
            assertThat(closed).as("closed before its head was complete").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
        }
    }

    @Test
    void anIdleWebsocketIsNotSubjectToTheHeaderTimeout() throws Exception {
        Person dave = people.register("Dave");
        Person erin = people.register("Erin");
        try (ChatSocket socket = connect(dave)) {
            // Longer than the header timeout, with nothing sent: a websocket's bytes are frames, not requests.
            assertThat(socket.poll(HEADER_TIMEOUT.multipliedBy(3))).isNull();
            assertThat(socket.isClosed()).isFalse();
            socket.send(Map.of("action", "text_message", "message_body", "still open", "receiver_id", erin.id()));
            JsonNode conf = socket.next();
            assertThat(conf.get("action").asText()).isEqualTo("conf_message");
        }
    }

    private static ChatSocket connect(Person person) {
        return ChatSocket.connect(URI.create(SERVER.wsBase() + "/ws/chat/room/"), "Bearer " + person.access());
    }

    /** Closing completes asynchronously (on another node, too): retries the handshake for up to 10 s. */
    private static ChatSocket awaitAccepted(Person person) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                return connect(person);
            } catch (ChatSocket.HandshakeRefused refused) {
                assertThat(refused.status()).isEqualTo(429);
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("A closed connection was still counted after 10 s");
                }
                Thread.sleep(50);
            }
        }
    }

    /** The status of a handshake with {@code origin} (null: no Origin header), on a raw socket. */
    private static int handshakeStatus(Person person, String origin) throws IOException {
        return headedHandshakeStatus(person, origin == null ? List.of() : List.of("Origin: " + origin));
    }

    /** The status of a handshake with these extra header lines, on a raw socket. */
    private static int headedHandshakeStatus(Person person, List<String> headerLines) throws IOException {
        return Integer.parseInt(handshake(person, headerLines).get(0).split(" ")[1]);
    }

    /** The head of the answer to a handshake with these extra header lines: the status line first, then the headers. */
    private static List<String> handshake(Person person, List<String> headerLines) throws IOException {
        int port = URI.create(SERVER.wsBase()).getPort();
        return rawHead(port, "GET /ws/chat/room/?token=" + person.access() + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + String.join("", headerLines.stream().map(line -> line + "\r\n").toList()) + "\r\n");
    }

    /**
     * Sends {@code request} as it is on a raw socket (what {@link java.net.http.HttpClient} would refuse to send) and
     * returns the head of the answer: the status line, then the header lines.
     */
    private static List<String> rawHead(String request) throws IOException {
        return rawHead(SERVER.port(), request);
    }

    private static List<String> rawHead(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            for (int b = in.read(); b >= 0; b = in.read()) {
                head.write(b);
                String text = head.toString(StandardCharsets.US_ASCII);
                if (text.endsWith("\r\n\r\n")) {
                    return List.of(text.substring(0, text.length() - 4).split("\r\n"));
                }
            }
            throw new AssertionError("No complete answer head: " + head.toString(StandardCharsets.US_ASCII));
        }
    }

    /** The value of header {@code name} in a head from {@link #rawHead} (the first, case-insensitively), or null. */
    private static String header(List<String> head, String name) {
        return head.stream().skip(1)
                .filter(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .map(line -> line.substring(name.length() + 1).trim())
                .findFirst().orElse(null);
    }

    /** The names of the {@code Access-Control-*} headers in a head from {@link #rawHead}, lower case. */
    private static List<String> corsHeaderNames(List<String> head) {
        return head.stream().skip(1).map(line -> line.substring(0, Math.max(0, line.indexOf(':'))).trim()
                        .toLowerCase(java.util.Locale.ROOT))
                .filter(name -> name.startsWith("access-control-")).toList();
    }
}
