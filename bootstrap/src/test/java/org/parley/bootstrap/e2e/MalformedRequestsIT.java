package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: requests that the HTTP and websocket libraries cannot read get a clear 4xx and write nothing to the log
 * (before: a 500, or no answer, and a 30-line stack trace each). Sent byte for byte over a raw socket (the JDK's
 * HttpClient refuses such URIs) to the packaged jar, whose whole output is read: between "listening" and "shutting
 * down" it must print nothing, however many such requests arrive.
 */
class MalformedRequestsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UPGRADE = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

    /** A request, and the status it must get; {@code code} when Parley writes the failure envelope itself. */
    private record Case(String request, int status, String code) {

        static Case get(String target, String headers, int status, String code) {
            return new Case("GET " + target + " HTTP/1.1\r\nHost: parley.test\r\n" + headers
                    + "Connection: close\r\n\r\n", status, code);
        }
    }

    private static List<Case> malformed() {
        List<Case> cases = new ArrayList<>();
        for (String raw : List.of("\\", "|", "{", "}", "^", "\"", "<", ">", "`", "%", "%zz", "%4")) {
            cases.add(Case.get("/chat/user" + raw + "threads/", "", 400, "bad_request"));
            cases.add(Case.get("/chat/messages/x/?after=1" + raw, "", 400, "bad_request"));
            cases.add(Case.get("/media/1/key" + raw + "?expires=1&signature=abc", "", 400, "bad_request"));
            cases.add(Case.get("/ws/chat/room/?token=a" + raw, UPGRADE, 400, "bad_request"));
            cases.add(Case.get("/ws/chat/room" + raw + "/", UPGRADE, 400, "bad_request"));
        }
        cases.add(Case.get("/auth/me/\u0001", "", 400, "bad_request"));
        // Host headers that are not host[:port], or two of them (RFC 9112 §3.2)
        for (String host : List.of("a b", "[zz", "x|y", "x:port")) {
            cases.add(new Case("GET /auth/me/ HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n", 400,
                    "bad_request"));
        }
        cases.add(Case.get("/auth/me/", "Host: other.test\r\n", 400, "bad_request"));
        // an upgrade that the websocket endpoint does not take (Jersey would wait for its "body" forever)
        cases.add(Case.get("/", "Upgrade: websocket\r\nConnection: Upgrade\r\n", 400, "bad_request"));
        cases.add(Case.get("/auth/me/", "Upgrade: something-else\r\nConnection: Upgrade\r\n", 400, "bad_request"));
        // what Grizzly's HTTP parser refuses itself (an empty body): over-long request line or header, bad
        // Content-Length, no Host, a broken chunked body
        cases.add(Case.get("/chat/" + "a".repeat(9_000), "", 400, null));
        cases.add(Case.get("/chat/user/threads/?q=" + "a".repeat(9_000), "", 400, null));
        cases.add(Case.get("/auth/me/", "X-Long: " + "b".repeat(9_000) + "\r\n", 400, null));
        cases.add(Case.get("/auth/me/", "Content-Length: twelve\r\n", 400, null));
        cases.add(new Case("GET /auth/me/ HTTP/1.1\r\nConnection: close\r\n\r\n", 400, null));
        cases.add(new Case("POST /auth/token/ HTTP/1.1\r\nHost: parley.test\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400, null));
        return cases;
    }

    @Test
    void everyMalformedRequestGetsA4xxAndNoneWritesALogLine(@TempDir Path dataDir) throws Exception {
        try (ParleyJar parley = ParleyJar.launch(dataDir, Map.of())) {
            int port = parley.awaitPort();
            List<Case> cases = malformed();

            for (Case bad : cases) {
                String response = exchange(port, bad.request());
                assertThat(statusOf(response)).as(bad.request() + "\n->\n" + response).isEqualTo(bad.status());
                if (bad.code() != null) {
                    JsonNode envelope = JSON.readTree(bodyOf(response));
                    assertThat(envelope.get("status").asText()).isEqualTo("failure");
                    assertThat(envelope.get("code").asText()).as(bad.request()).isEqualTo(bad.code());
                    assertThat(envelope.get("message").asText()).isNotBlank();
                }
            }
            // A flood of them (1,000 grew the log by 2.5 MB before): still nothing.
            for (int round = 0; round < 10; round++) {
                for (Case bad : cases) {
                    statusOf(exchange(port, bad.request()));
                }
            }
            // The server still answers a well-formed request as usual.
            assertThat(statusOf(exchange(port, "GET /auth/me/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")))
                    .isEqualTo(401);

            parley.stop();
            assertThat(between(parley.output(), "Parley is listening", "Parley is shutting down"))
                    .as("what the log printed while %d malformed requests arrived", cases.size() * 11)
                    .isEmpty();
        }
    }

    /**
     * A client that hangs up in the middle of its request body, or of a download, breaks nothing and is not logged
     * (Jersey logged each as an ERROR with its stack trace). Nor is anything kept of a half-sent upload.
     */
    @Test
    void clientsThatHangUpMidRequestOrMidDownloadWriteNothing(@TempDir Path dataDir) throws Exception {
        try (ParleyJar parley = ParleyJar.launch(dataDir, Map.of("PARLEY_ADMIN_API_KEY", RunningParley.ADMIN_API_KEY))) {
            int port = parley.awaitPort();
            HttpApi api = new HttpApi("http://127.0.0.1:" + port);
            People people = new People(api);
            People.Person alice = people.register("Alice");
            People.Person bob = people.register("Bob");
            byte[] content = new byte[8 * 1024 * 1024];
            new java.util.Random(10).nextBytes(content);
            HttpApi.Reply uploaded = new Multipart().field("receiver", bob.id())
                    .file("attached_file", "big.bin", content).post(api, alice.access());
            assertThat(uploaded.status()).as(uploaded.raw()).isEqualTo(201);
            String link = uploaded.json().get("entity").get("message").get("attached_file").asText();
            List<String> before = parley.output();

            for (int i = 0; i < 5; i++) {
                hangUpAfterSending(port, "POST /auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                        + "\r\nContent-Length: 100\r\n\r\n{\"email\":");
                hangUpAfterSending(port, "POST /chat/attachment/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + alice.access() + "\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: 100000"
                        + "\r\n\r\n--XX\r\nContent-Disposition: form-data; name=\"attached_file\"; filename=\"a\"\r\n\r\nabc");
                hangUpDuringDownload(port, link);
            }
            assertThat(statusOf(exchange(port, "GET /auth/me/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")))
                    .isEqualTo(401);

            parley.stop();
            List<String> after = parley.output();
            assertThat(after.subList(before.size(), indexOf(after, "Parley is shutting down")))
                    .as("what the log printed while clients hung up")
                    .isEmpty();
        }
    }

    /**
     * Issue 10: a wrong database password whose letters occur in the driver's message (here "o") used to be masked by
     * searching for it, which garbled the one start-up line and revealed the password by its gaps.
     */
    @Test
    void aWrongDatabasePasswordLeavesTheStartUpLineReadable(@TempDir Path dataDir) throws Exception {
        String url = "jdbc:h2:file:" + dataDir.resolve("secured");
        try (ParleyJar first = ParleyJar.launch(dataDir, Map.of("PARLEY_DB_URL", url, "PARLEY_DB_USER", "sa",
                "PARLEY_DB_PASSWORD", "the-right-password"))) {
            first.awaitPort();
            first.stop();
        }
        try (ParleyJar wrong = ParleyJar.launch(dataDir, Map.of("PARLEY_DB_URL", url, "PARLEY_DB_USER", "sa",
                "PARLEY_DB_PASSWORD", "o", "PARLEY_DB_CONNECT_TIMEOUT_SECONDS", "2"))) {
            assertThat(wrong.awaitExit()).isEqualTo(1);
            List<String> failures = wrong.output().stream().filter(line -> line.contains("Parley could not start")).toList();
            assertThat(failures).hasSize(1);
            assertThat(failures.get(0)).contains("Cannot connect to the database at " + url)
                    .contains("Wrong user name or password").doesNotContain("***");
            assertThat(wrong.output()).noneMatch(line -> line.startsWith("\tat ") || line.startsWith("Caused by"));
        }
    }

    /** Sends the start of a request, then closes the connection without waiting for an answer. */
    private static void hangUpAfterSending(int port, String start) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(start.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            socket.setSoTimeout(10_000);
            try {
                socket.getInputStream().read(new byte[1024]);
            } catch (IOException reset) {
                // the server may reset a connection whose request it could not finish reading
            }
        }
    }

    /** Reads the first bytes of a download, then resets the connection, as a player seeking in a video does. */
    private static void hangUpDuringDownload(int port, String link) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setReceiveBufferSize(4096);
        socket.getOutputStream().write(("GET " + link + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        socket.setSoTimeout(10_000);
        assertThat(socket.getInputStream().readNBytes(64 * 1024)).hasSize(64 * 1024);
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** Sends the bytes as they are and reads the answer until the server closes the connection. */
    private static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no complete answer within 10 s to\n" + request + "\ngot\n" + answer, e);
            } catch (IOException reset) {
                // a server that closes with unread request bytes may reset the connection after answering
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static int statusOf(String response) {
        assertThat(response).as("an HTTP answer").startsWith("HTTP/1.1 ");
        return Integer.parseInt(response.substring(9, 12));
    }

    private static String bodyOf(String response) {
        return new String(response.substring(response.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1),
                StandardCharsets.UTF_8);
    }

    /** The lines after the {@code from} line and before the {@code to} line. */
    private static List<String> between(List<String> lines, String from, String to) {
        int start = indexOf(lines, from);
        int end = indexOf(lines, to);
        assertThat(start).as("'%s' in the output", from).isNotNegative();
        assertThat(end).as("'%s' in the output", to).isGreaterThan(start);
        return lines.subList(start + 1, end);
    }

    private static int indexOf(List<String> lines, String text) {
        return Stream.iterate(0, i -> i < lines.size(), i -> i + 1)
                .filter(i -> lines.get(i).contains(text)).findFirst().orElse(-1);
    }
}
