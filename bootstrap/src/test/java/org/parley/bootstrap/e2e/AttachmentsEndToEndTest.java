package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Attachments and shared profiles through a real server: multipart uploads from a hand-built body, websocket
 * announcements, history, thread files and signed downloads, with a 2 MiB upload limit.
 */
class AttachmentsEndToEndTest {

    private static final long MAX_UPLOAD = 2L * 1024 * 1024;
    private static final long MIB = 1024L * 1024;
    private static final byte[] PNG_HEADER = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
            'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0};

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley(MAX_UPLOAD);

    private final HttpApi api = new HttpApi(SERVER.httpBase());
    private final People people = new People(api);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void uploadAnnounceHistoryThreadFilesAndDownloadByBothParticipants() throws Exception {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        byte[] content = randomBytes(199_424);

        HttpApi.Reply uploaded = new Multipart().field("receiver", bob.id()).field("message", "this is the file")
                .file("attached_file", "upload.bin", content).field("attached_file_name", "Screenshot 2025-03-14 100311.png")
                .post(api, alice.access());

        assertThat(uploaded.status()).as(uploaded.raw()).isEqualTo(201);
        assertThat(uploaded.json().get("status").asText()).isEqualTo("success");
        assertThat(uploaded.json().get("message").asText()).isEqualTo("File uploaded and chat created successfully");
        JsonNode message = uploaded.json().get("entity").get("message");
        long chatId = message.get("id").asLong();
        assertThat(message.get("message_type").asText()).isEqualTo("file");
        assertThat(message.get("message").asText()).isEqualTo("this is the file");
        assertThat(message.get("attached_file_name").asText()).isEqualTo("Screenshot 2025-03-14 100311.png");
        assertThat(message.get("attached_file_size").asText()).isEqualTo("194.75KB");
        assertThat(message.get("attached_file_bytes").asLong()).isEqualTo(199_424);
        assertThat(message.get("attached_file").asText()).startsWith("/media/" + chatId + "/");
        assertThat(message.get("sender").get("id").asText()).isEqualTo(alice.id());
        assertThat(message.get("receiver").get("id").asText()).isEqualTo(bob.id());

        try (ChatSocket aliceSocket = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket bobSocket = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            aliceSocket.send(Map.of("action", "file_message", "chat_id", chatId, "client_msg_id", "f-1"));

            JsonNode received = bobSocket.next();
            assertThat(Frames.keys(received)).containsExactlyInAnyOrder("message_body", "attached_file_name",
                    "attached_file_size", "attached_file_bytes", "attached_file", "sender_id", "receiver_id",
                    "timestamp", "created_msg_id", "action", "message_type");
            assertThat(received.get("action").asText()).isEqualTo("re_message");
            assertThat(received.get("message_type").asText()).isEqualTo("file");
            assertThat(received.get("message_body").asText()).isEqualTo("this is the file");
            assertThat(received.get("attached_file_name").asText()).isEqualTo("Screenshot 2025-03-14 100311.png");
            assertThat(received.get("attached_file_size").asText()).isEqualTo("194.75KB");
            assertThat(received.get("attached_file_bytes").asLong()).isEqualTo(199_424);
            assertThat(received.get("sender_id").asText()).isEqualTo(alice.id());
            assertThat(received.get("receiver_id").asText()).isEqualTo(bob.id());
            assertThat(received.get("created_msg_id").asLong()).isEqualTo(chatId);
            assertThat(received.get("timestamp").asText()).matches(Frames.WS_TIMESTAMP);

            JsonNode confirmed = aliceSocket.next();
            assertThat(confirmed.get("action").asText()).isEqualTo("conf_message");
            assertThat(confirmed.get("client_msg_id").asText()).isEqualTo("f-1");
            assertThat(confirmed.get("created_msg_id").asLong()).isEqualTo(chatId);

            assertThat(download(received.get("attached_file").asText(), null, null).body())
                    .as("Bob downloads through the link of his frame").isEqualTo(content);
        }

        JsonNode history = api.get("/chat/messages/" + bob.id() + "/", alice.access()).data().get("messages");
        assertThat(history).hasSize(1);
        assertThat(history.get(0).get("id").asLong()).isEqualTo(chatId);
        assertThat(history.get(0).get("attached_file_size").asText()).isEqualTo("194.75KB");
        String aliceLink = history.get(0).get("attached_file").asText();
        assertThat(aliceLink).startsWith("/media/" + chatId + "/");

        long thread = message.get("thread").asLong();
        HttpApi.Reply files = api.get("/chat/thread/files/" + thread + "/", bob.access());
        assertThat(files.status()).isEqualTo(200);
        assertThat(files.data().get("messages")).hasSize(1);
        assertThat(files.data().get("messages").get(0).get("id").asLong()).isEqualTo(chatId);
        assertThat(Frames.keys(files.data().get("messages").get(0))).isEqualTo(Frames.keys(history.get(0)));

        HttpResponse<byte[]> byAlice = download(aliceLink, null, null);
        assertThat(byAlice.statusCode()).isEqualTo(200);
        assertThat(byAlice.body()).isEqualTo(content);
        assertThat(byAlice.headers().firstValue("Content-Type")).contains("application/octet-stream");
        assertThat(byAlice.headers().firstValue("Content-Length")).contains("199424");
        assertThat(byAlice.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(byAlice.headers().firstValue("Content-Disposition")).hasValueSatisfying(value -> assertThat(value)
                .contains("filename=\"Screenshot 2025-03-14 100311.png\"")
                .contains("filename*=UTF-8''Screenshot%202025-03-14%20100311.png"));
        String unsigned = aliceLink.substring(0, aliceLink.indexOf('?'));
        assertThat(download(unsigned, bob.access(), null).body()).as("a participant needs no signature")
                .isEqualTo(content);
    }

    /**
     * The type is detected from the bytes and never from the client's name (api.md, "Attachments"): a PNG named
     * {@code x.txt} is served as an image, inline, and text named {@code notes.md} as plain text. The PNG is larger than
     * the 64 KiB the detector reads first, and comes back whole.
     */
    @Test
    void theContentTypeComesFromTheBytesWhateverTheFileIsCalled() throws Exception {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        byte[] png = randomBytes(100_000);
        System.arraycopy(PNG_HEADER, 0, png, 0, PNG_HEADER.length);
        byte[] text = "# Notes\nOn the Analytical Engine.\n".getBytes(StandardCharsets.UTF_8);

        HttpResponse<byte[]> image = download(uploadedLink(alice, bob, "x.txt", png), bob.access(), null);
        HttpResponse<byte[]> notes = download(uploadedLink(alice, bob, "notes.md", text), bob.access(), null);

        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.headers().firstValue("Content-Type")).contains("image/png");
        assertThat(image.headers().firstValue("Content-Disposition")).hasValueSatisfying(value -> assertThat(value)
                .startsWith("inline;").contains("filename=\"x.txt\""));
        assertThat(image.body()).isEqualTo(png);
        assertThat(notes.headers().firstValue("Content-Type")).hasValueSatisfying(value -> assertThat(value)
                .startsWith("text/plain"));
        assertThat(notes.body()).isEqualTo(text);
    }

    @Test
    void anOutsiderCanNeitherAnnounceNorListNorDownload() throws Exception {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        Person mallory = people.register("Mallory");
        JsonNode message = upload(alice, bob, "secret.txt", "top secret".getBytes(StandardCharsets.UTF_8));
        long chatId = message.get("id").asLong();
        String link = message.get("attached_file").asText();
        String unsigned = link.substring(0, link.indexOf('?'));

        try (ChatSocket aliceSocket = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket bobSocket = ChatSocket.connect(SERVER.wsBase(), bob.access());
             ChatSocket mallorySocket = ChatSocket.connect(SERVER.wsBase(), mallory.access())) {
            mallorySocket.send(Map.of("action", "file_message", "chat_id", chatId, "client_msg_id", "m-1"));
            JsonNode error = mallorySocket.next();
            assertThat(error.get("action").asText()).isEqualTo("error");
            assertThat(error.get("code").asText()).isEqualTo("not_found");
            assertThat(error.get("request_action").asText()).isEqualTo("file_message");
            assertThat(error.get("client_msg_id").asText()).isEqualTo("m-1");
            bobSocket.send(Map.of("action", "file_message", "chat_id", chatId));
            assertThat(bobSocket.next().get("code").asText()).as("the receiver is not the sender").isEqualTo("not_found");
            assertThat(aliceSocket.poll(Duration.ofMillis(300))).as("nothing delivered").isNull();
            assertThat(bobSocket.poll(Duration.ofMillis(100))).isNull();
        }

        HttpApi.Reply list = api.get("/chat/thread/files/" + message.get("thread").asLong() + "/", mallory.access());
        assertThat(list.status()).isEqualTo(404);
        assertThat(list.json().get("code").asText()).isEqualTo("not_found");
        assertThat(download(unsigned, mallory.access(), null).statusCode()).isEqualTo(404);
        assertThat(download(unsigned, null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void pathTraversalFileNamesAreOnlyData() throws Exception {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        Set<Path> before = filesUnder(SERVER.dataDir());

        JsonNode viaField = upload(alice, bob, "../../../../tmp/evil.sh", new byte[] {1, 2, 3});
        JsonNode viaPart = new Multipart().field("receiver", bob.id())
                .file("attached_file", "..\\..\\windows\\system32\\evil.dll", new byte[] {4})
                .post(api, alice.access()).json().get("entity").get("message");

        assertThat(viaField.get("attached_file_name").asText()).isEqualTo("evil.sh");
        assertThat(viaPart.get("attached_file_name").asText()).isEqualTo("evil.dll");
        Set<Path> added = filesUnder(SERVER.dataDir());
        added.removeAll(before);
        assertThat(added).allSatisfy(path -> {
            assertThat(path.getParent()).isEqualTo(SERVER.dataDir().resolve("media"));
            assertThat(path.getFileName().toString()).matches("[0-9a-f]{32}");
        });
        assertThat(added).hasSize(2);
        assertThat(Path.of("/tmp/evil.sh")).doesNotExist();
    }

    @Test
    void tooLargeUploadsAre413WithAndWithoutContentLengthAndLeaveNoTrace() throws Exception {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        Set<Path> before = filesUnder(SERVER.dataDir());

        HttpApi.Reply announced = new Multipart().field("receiver", bob.id())
                .file("attached_file", "big.bin", new byte[(int) MAX_UPLOAD + 1]).post(api, alice.access());
        assertThat(announced.status()).isEqualTo(413);
        assertThat(announced.json().get("code").asText()).isEqualTo("too_large");

        HttpApi.Reply hugeLength = api.send(api.request("/chat/attachment/", alice.access())
                .header("Content-Type", "multipart/form-data; boundary=x")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[(int) (MAX_UPLOAD + 2 * MIB)])));
        assertThat(hugeLength.status()).as("refused from the Content-Length").isEqualTo(413);

        String status = new Multipart().field("receiver", bob.id()).file("attached_file", "endless.bin", new byte[0])
                .postChunkedEndlessly(SERVER.port(), alice.access(), MAX_UPLOAD + 2 * MIB);
        assertThat(status).startsWith("HTTP/1.1 413");

        assertThat(filesUnder(SERVER.dataDir())).as("no file, no temporary file").isEqualTo(before);
        assertThat(api.get("/chat/messages/" + bob.id() + "/", alice.access()).data().get("messages")).isEmpty();
        assertThat(api.get("/chat/user/threads/", alice.access()).data()).isEmpty();
    }

    @Test
    void sizeStringsAtTheOneMebibyteBoundary() {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");

        assertThat(upload(alice, bob, "exact.bin", new byte[(int) MIB]).get("attached_file_size").asText())
                .isEqualTo("1024.00KB");
        assertThat(upload(alice, bob, "above.bin", new byte[(int) MIB + 1]).get("attached_file_size").asText())
                .isEqualTo("1.00MB");
        assertThat(upload(alice, bob, "half.bin", new byte[(int) (MIB * 3 / 2)]).get("attached_file_size").asText())
                .isEqualTo("1.50MB");
        JsonNode history = api.get("/chat/messages/" + bob.id() + "/", alice.access()).data().get("messages");
        assertThat(history).extracting(node -> node.get("attached_file_size").asText())
                .containsExactly("1.50MB", "1.00MB", "1024.00KB");
    }

    @Test
    void rangeRequestsServePartsOfTheFile() throws Exception {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        byte[] content = randomBytes(10_000);
        String link = upload(alice, bob, "video.bin", content).get("attached_file").asText();

        HttpResponse<byte[]> middle = download(link, null, "bytes=100-199");
        assertThat(middle.statusCode()).isEqualTo(206);
        assertThat(middle.headers().firstValue("Content-Range")).contains("bytes 100-199/10000");
        assertThat(middle.headers().firstValue("Accept-Ranges")).contains("bytes");
        assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(content, 100, 200));

        HttpResponse<byte[]> tail = download(link, null, "bytes=-10");
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(content, 9_990, 10_000));

        HttpResponse<byte[]> resume = download(link, null, "bytes=9000-");
        assertThat(resume.headers().firstValue("Content-Range")).contains("bytes 9000-9999/10000");
        assertThat(resume.body()).isEqualTo(Arrays.copyOfRange(content, 9_000, 10_000));

        HttpResponse<byte[]> beyond = download(link, null, "bytes=10000-");
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.headers().firstValue("Content-Range")).contains("bytes */10000");
    }

    @Test
    void expiredAndTamperedSignaturesAre404UnlessAParticipantAsks() throws Exception {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        Person mallory = people.register("Mallory");
        byte[] content = "signed".getBytes(StandardCharsets.UTF_8);
        JsonNode message = upload(alice, bob, "s.txt", content);
        String link = message.get("attached_file").asText();
        String path = link.substring(0, link.indexOf('?'));
        String key = path.substring(path.lastIndexOf('/') + 1);
        long chatId = message.get("id").asLong();

        assertThat(download(link, null, null).statusCode()).isEqualTo(200);
        String tampered = link.substring(0, link.length() - 2) + (link.endsWith("AA") ? "BB" : "AA");
        assertThat(download(tampered, null, null).statusCode()).isEqualTo(404);
        long expiresLater = Long.parseLong(link.replaceAll(".*expires=(\\d+).*", "$1")) + 3600;
        assertThat(download(path + "?expires=" + expiresLater + "&signature=" + link.replaceAll(".*signature=", ""),
                null, null).statusCode()).as("a longer expiry breaks the signature").isEqualTo(404);

        long past = Instant.now().minusSeconds(60).getEpochSecond();
        String expired = path + "?expires=" + past + "&signature=" + sign(chatId, key, past);
        String validFuture = path + "?expires=" + expiresLater + "&signature=" + sign(chatId, key, expiresLater);
        assertThat(download(validFuture, null, null).statusCode()).as("the test signs like the server").isEqualTo(200);
        assertThat(download(expired, null, null).statusCode()).isEqualTo(404);
        assertThat(download(expired, mallory.access(), null).statusCode()).isEqualTo(404);
        assertThat(download(expired, bob.access(), null).body()).isEqualTo(content);
    }

    @Test
    void profileMessagesRoundTripIncludingAnUnknownProfile() {
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");
        Person carol = people.register("Carol Contact");
        try (ChatSocket aliceSocket = ChatSocket.connect(SERVER.wsBase(), alice.access());
             ChatSocket bobSocket = ChatSocket.connect(SERVER.wsBase(), bob.access())) {
            aliceSocket.send(Map.of("action", "user_profile_message", "attached_profile_id", carol.id(),
                    "receiver_id", bob.id(), "client_msg_id", "p-1"));

            JsonNode received = bobSocket.next();
            assertThat(Frames.keys(received)).containsExactlyInAnyOrder("sender_id", "receiver_id", "message",
                    "timestamp", "created_msg_id", "attached_profile", "message_type", "action");
            assertThat(received.get("message").isNull()).isTrue();
            assertThat(received.get("message_type").asText()).isEqualTo("user_profile");
            assertThat(received.get("action").asText()).isEqualTo("re_message");
            assertThat(Frames.keys(received.get("attached_profile"))).containsExactlyInAnyOrder("id", "fullname",
                    "phone_number");
            assertThat(received.get("attached_profile").get("id").asText()).isEqualTo(carol.id());
            assertThat(received.get("attached_profile").get("fullname").asText()).isEqualTo("Carol Contact");
            JsonNode confirmed = aliceSocket.next();
            assertThat(confirmed.get("action").asText()).isEqualTo("conf_message");
            assertThat(confirmed.get("client_msg_id").asText()).isEqualTo("p-1");
            assertThat(confirmed.get("attached_profile")).isEqualTo(received.get("attached_profile"));

            aliceSocket.send(Map.of("action", "user_profile_message",
                    "attached_profile_id", "00000000-0000-4000-8000-000000000000", "receiver_id", bob.id()));
            JsonNode error = aliceSocket.next();
            assertThat(error.get("code").asText()).isEqualTo("not_found");
            assertThat(error.get("request_action").asText()).isEqualTo("user_profile_message");
            assertThat(bobSocket.poll(Duration.ofMillis(300))).isNull();
        }

        JsonNode history = api.get("/chat/messages/" + bob.id() + "/", alice.access()).data().get("messages");
        assertThat(history).hasSize(1);
        assertThat(history.get(0).get("message_type").asText()).isEqualTo("user_profile");
        assertThat(history.get(0).get("attached_profile").asText()).isEqualTo(carol.id());
        assertThat(history.get(0).get("attached_file").isNull()).isTrue();
        assertThat(history.get(0).get("attached_file_size").asText()).isEqualTo("0kb");
    }

    // ---- helpers ----

    private JsonNode upload(Person sender, Person receiver, String fileName, byte[] content) {
        HttpApi.Reply reply = new Multipart().field("receiver", receiver.id())
                .file("attached_file", "client.bin", content).field("attached_file_name", fileName)
                .post(api, sender.access());
        assertThat(reply.status()).as(reply.raw()).isEqualTo(201);
        return reply.json().get("entity").get("message");
    }

    private HttpResponse<byte[]> download(String path, String token, String range) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(SERVER.httpBase() + path))
                .timeout(Duration.ofSeconds(20)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (range != null) {
            request.header("Range", range);
        }
        return HttpApi.sendForBytes(client, request.build());
    }

    /** Signs a media link the way the server does: HMAC-SHA256 under HMAC(secret, "parley-media-links"). */
    private static String sign(long messageId, String key, long expires) throws Exception {
        Mac derive = Mac.getInstance("HmacSHA256");
        derive.init(new SecretKeySpec(RunningParley.JWT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] linkKey = derive.doFinal("parley-media-links".getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(linkKey, "HmacSHA256"));
        byte[] signature = mac.doFinal(("parley-media:" + messageId + ":" + key + ":" + expires)
                .getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    private static Set<Path> filesUnder(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(path -> !path.getFileName().toString().endsWith(".db")
                            && !path.getFileName().toString().endsWith(".trace.db")
                            && !path.getFileName().toString().endsWith(".lock.db"))
                    .collect(Collectors.toSet());
        }
    }

    /** Uploads {@code content} as {@code fileName} from {@code from} to {@code to}; the message's download link. */
    private String uploadedLink(Person from, Person to, String fileName, byte[] content) {
        HttpApi.Reply uploaded = new Multipart().field("receiver", to.id()).file("attached_file", fileName, content)
                .post(api, from.access());
        assertThat(uploaded.status()).as(uploaded.raw()).isEqualTo(201);
        return uploaded.json().get("entity").get("message").get("attached_file").asText();
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

}
