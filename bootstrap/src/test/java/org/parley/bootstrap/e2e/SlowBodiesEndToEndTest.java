package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.ParleyConfig;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Request bodies that trickle or never come (issue 13, hostile review, findings 1 and 2): they hold no worker thread,
 * so neither chat nor other users' REST waits for them, and a body that stops arriving is answered 408 within the body
 * timeout. {@code PATIENT} keeps the default body timeout (30 s: the stalled bodies stay stalled for the whole test);
 * {@code STRICT} has a 1 s one.
 */
class SlowBodiesEndToEndTest {

    /** More than Grizzly's worker threads (32, {@code WorkerThreads.MIN_WORKER_THREADS}), which Tyrus's frames share. */
    private static final int STALLED_BODIES = 80;
    private static final Duration STRICT_BODY_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration PROMPTLY = Duration.ofSeconds(3);
    /** Above what a body may keep in memory (64 KiB, {@code WholeBodiesFirst.IN_MEMORY_BYTES}): written to the spool. */
    private static final int SPOOLED_UPLOAD_BYTES = 64 * 1024 + 1;
    private static final int KEPT_ALIVE_UPLOADS = 30;

    @RegisterExtension
    static final RunningParley PATIENT = new RunningParley(config -> config);

    @RegisterExtension
    static final RunningParley STRICT = new RunningParley(config -> config.withEdge(ParleyConfig.Edge.defaults()
            .withBodyTimeout(STRICT_BODY_TIMEOUT)));

    private static People people;
    private static HttpApi api;

    @BeforeAll
    static void api() {
        api = new HttpApi(PATIENT.httpBase());
        people = new People(api);
    }

    @Test
    void stalledBodiesOnMoreConnectionsThanWorkersDelayNeitherChatNorOtherUsersRest() throws Exception {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        Person mallory = people.register("Mallory");
        List<Socket> stalled = new ArrayList<>();
        try (ChatSocket aliceSocket = ChatSocket.connect(PATIENT.wsBase(), alice.access());
             ChatSocket bobSocket = ChatSocket.connect(PATIENT.wsBase(), bob.access())) {
            for (int i = 0; i < STALLED_BODIES; i++) {
                // Half log-ins, half uploads: each announces 100,000 bytes and sends a handful.
                stalled.add(i % 2 == 0
                        ? stalledBody("/auth/token/", "application/json", null, "{\"email\":")
                        : stalledBody("/chat/attachment/", "multipart/form-data; boundary=x", mallory.access(),
                                "--x\r\n"));
            }

            long start = System.nanoTime();
            aliceSocket.send(Map.of("action", "text_message", "message_body", "still here", "receiver_id",
                    bob.id()));
            JsonNode conf = aliceSocket.poll(PROMPTLY);
            assertThat(conf).as("Alice's message is confirmed while the bodies stall").isNotNull();
            assertThat(conf.get("action").asText()).isEqualTo("conf_message");
            JsonNode received = bobSocket.poll(PROMPTLY);
            assertThat(received).isNotNull();
            assertThat(received.get("message").asText()).isEqualTo("still here");

            HttpApi.Reply threads = api.get("/chat/user/threads/", bob.access());
            assertThat(threads.status()).as(threads.raw()).isEqualTo(200);
            Person carol = people.register("Carol");
            assertThat(carol.access()).as("registration and log-in, which read bodies, still work").isNotBlank();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPTLY.multipliedBy(2));

            for (Socket socket : stalled) {
                assertThat(socket.getInputStream().available()).as("the stalled requests are still waiting")
                        .isZero();
            }

            // A stalled body that finally arrives is served: the rest of a log-in.
            Socket late = stalled.get(0);
            byte[] rest = ("\"" + alice.email() + "\",\"password\":\"" + alice.password() + "\"}")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] padded = new byte[100_000 - "{\"email\":".length()];
            Arrays.fill(padded, (byte) ' ');
            System.arraycopy(rest, 0, padded, 0, rest.length);
            late.getOutputStream().write(padded);
            late.getOutputStream().flush();
            late.setSoTimeout(10_000);
            String answer = readAnswer(late.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 200").contains("\"access\"");
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    @Test
    void aLargeUploadSentInPiecesIsStoredWhole() throws Exception {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        byte[] content = new byte[700 * 1024];
        new Random(7).nextBytes(content);
        Multipart form = new Multipart().field("receiver", bob.id()).file("attached_file", "big.bin", content);
        byte[] body = form.bytes();
        try (Socket socket = new Socket("127.0.0.1", PATIENT.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /chat/attachment/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + alice.access()
                    + "\r\nContent-Type: " + form.contentType() + "\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            for (int offset = 0; offset < body.length; offset += 100 * 1024) {
                out.write(body, offset, Math.min(100 * 1024, body.length - offset));
                out.flush();
            }
            String answer = readAnswer(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 201");
            JsonNode entity = HttpApi.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4)).get("entity");
            String link = entity.get("message").get("attached_file").asText();
            assertThat(entity.get("message").get("attached_file_bytes").asLong()).isEqualTo(content.length);
            HttpResponse<byte[]> download = HttpClient.newHttpClient().send(api.request(link, bob.access()).GET()
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.body()).isEqualTo(content);
        }
    }

    /**
     * Uploads larger than what stays in memory (so written to the spool as they arrive), one after another on one
     * kept-alive connection, as a browser sends them: each is answered 201 and stored whole, and the connection stays
     * open. Before the fix, the first bytes of the next request were taken as more body of the previous one (the spool's
     * last read had asked Grizzly to read on), so that request was answered 400 or its connection closed unanswered.
     */
    @Test
    void largeUploadsOneAfterAnotherOnOneKeptAliveConnectionAreEachStoredWhole() throws Exception {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        try (Socket socket = new Socket("127.0.0.1", PATIENT.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            for (int upload = 1; upload <= KEPT_ALIVE_UPLOADS; upload++) {
                byte[] content = new byte[SPOOLED_UPLOAD_BYTES + 4099 * upload];
                new Random(upload).nextBytes(content);
                Multipart form = new Multipart().field("receiver", bob.id()).file("attached_file", "big.bin", content);
                byte[] body = form.bytes();
                out.write(("POST /chat/attachment/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + alice.access() + "\r\nContent-Type: " + form.contentType() + "\r\nContent-Length: "
                        + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();

                String answer = readAnswer(socket.getInputStream());

                assertThat(answer).as("upload %d of %d on one connection", upload, KEPT_ALIVE_UPLOADS)
                        .startsWith("HTTP/1.1 201");
                assertThat(answer.toLowerCase(java.util.Locale.ROOT)).doesNotContain("connection: close");
                JsonNode message = HttpApi.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4))
                        .get("entity").get("message");
                assertThat(message.get("attached_file_bytes").asLong()).isEqualTo(content.length);
            }
        }
    }

    @Test
    void aClientHangingUpMidBodyLeavesNoSpooledFileBehindAndTheServerServesOn() throws Exception {
        Person alice = people.register("Alice");
        Path spool = PATIENT.dataDir().resolve("body-tmp");
        try (Socket socket = new Socket("127.0.0.1", PATIENT.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /chat/attachment/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + alice.access()
                    + "\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[300 * 1024]);
            out.flush();
            awaitTrue(() -> fileCount(spool) == 1, "the body is being spooled");
        }
        awaitTrue(() -> fileCount(spool) == 0, "the spooled part is deleted once the client has gone");
        assertThat(api.get("/chat/user/threads/", alice.access()).status()).isEqualTo(200);
    }

    private static long fileCount(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls {@code condition} every 20 ms for up to 10 s. */
    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aBodyThatStopsArrivingIsAnswered408WithinTheBodyTimeout() throws Exception {
        try (ServerLog log = ServerLog.capture()) {
            int mark = log.mark();
            long start = System.nanoTime();
            try (Socket socket = new Socket("127.0.0.1", STRICT.port())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100000\r\n\r\n{\"email\":").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String answer = readAnswer(socket.getInputStream());
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(answer).startsWith("HTTP/1.1 408");
                JsonNode envelope = HttpApi.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
                assertThat(envelope.get("status").asText()).isEqualTo("failure");
                assertThat(envelope.get("success").asBoolean()).isFalse();
                assertThat(envelope.get("code").asText()).isEqualTo("request_timeout");
                assertThat(took).isGreaterThanOrEqualTo(STRICT_BODY_TIMEOUT.minusMillis(100))
                        .isLessThan(STRICT_BODY_TIMEOUT.plusSeconds(3));
                long answered = System.nanoTime();
                assertThat(readsToTheEnd(socket.getInputStream()))
                        .as("the connection is closed after the 408, not held while the rest of the body is awaited")
                        .isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - answered)).isLessThan(Duration.ofSeconds(5));
            }
            assertThat(log.since(mark)).as("one client input, at most one log line").hasSizeLessThanOrEqualTo(1);
        }
    }

    /** Whether the server closes the connection (end of stream or reset) before the socket's read timeout. */
    private static boolean readsToTheEnd(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        try {
            while (in.read(buffer) >= 0) {
                // What follows the answer (nothing should) is read and dropped.
            }
            return true;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    /** A raw connection that sent a request head announcing 100,000 bytes of body, and {@code firstBytes} of it. */
    private static Socket stalledBody(String path, String contentType, String token, String firstBytes)
            throws IOException {
        Socket socket = new Socket("127.0.0.1", PATIENT.port());
        socket.setSoTimeout(100);
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType + "\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + "Content-Length: 100000\r\n\r\n" + firstBytes;
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** Everything the server sends until it closes the connection or, after a whole answer, goes quiet. */
    private static String readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                answer.write(buffer, 0, n);
                if (complete(answer.toString(StandardCharsets.ISO_8859_1))) {
                    break;
                }
            }
        } catch (SocketTimeoutException quiet) {
            // What came so far is the answer.
        }
        return answer.toString(StandardCharsets.UTF_8);
    }

    /** Whether {@code text} holds a head and as many body bytes as its Content-Length says. */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        for (String line : text.substring(0, end).split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return text.length() - end - 4 >= Integer.parseInt(line.substring(15).strip());
            }
        }
        return false;
    }
}
