package org.parley.adapter.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.application.port.out.StoredAttachment;
import org.parley.domain.chat.Attachment;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.user.User;

class AttachmentEndpointsTest {

    private final RestSettings settings = TestApi.settings(Optional.empty());
    private final TestApi api = TestApi.start(settings, UnaryOperator.identity());
    private final User alice = api.user("alice@example.com", "Alice");
    private final User bob = api.user("bob@example.com", "Bob");
    private final User carol = api.user("carol@example.com", "Carol");

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void an_upload_answers_201_with_the_entity_message_and_a_signed_link() {
        TestApi.Reply reply = upload(alice, multipart(
                field("receiver", bob.id().toString()), field("message", "look"),
                file("attached_file", "../x.png", "hello".getBytes(StandardCharsets.UTF_8)),
                field("attached_file_name", "holiday/../report.pdf")));

        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        JsonNode json = reply.json();
        assertThat(json.get("status").asText()).isEqualTo("success");
        assertThat(json.has("data")).isFalse();
        JsonNode message = json.get("entity").get("message");
        assertThat(message.get("message_type").asText()).isEqualTo("file");
        assertThat(message.get("message").asText()).isEqualTo("look");
        assertThat(message.get("attached_file_name").asText()).isEqualTo("report.pdf");
        assertThat(message.get("attached_file_size").asText()).isEqualTo("0.00KB");
        assertThat(message.get("attached_file_bytes").asLong()).isEqualTo(5);
        assertThat(message.get("attached_file").asText()).matches("/media/\\d+/[0-9a-f]{32}\\?expires=\\d+&signature=.+");
        assertThat(message.get("created").asText()).isEqualTo(message.get("created_at").asText());
        assertThat(message.get("updated").asText()).isEqualTo(message.get("updated_at").asText());
        assertThat(message.get("seen").booleanValue()).isFalse();
        assertThat(message.get("deleted").booleanValue()).isFalse();
        assertThat(message.has("message")).isTrue();
        assertThat(api.files.keys()).hasSize(1);
        assertThat(tempFiles()).isZero();
    }

    @Test
    void bad_uploads_get_the_right_4xx_and_leave_nothing() {
        assertStatus(upload(alice, multipart(field("receiver", bob.id().toString()))), 400, "validation_error");
        assertStatus(upload(alice, multipart(file("attached_file", "a.txt", new byte[] {1}))), 400, "validation_error");
        assertStatus(upload(alice, multipart(field("receiver", UUID.randomUUID().toString()),
                file("attached_file", "a.txt", new byte[] {1}))), 404, "not_found");
        assertStatus(upload(alice, multipart(field("receiver", alice.id().toString()),
                file("attached_file", "a.txt", new byte[] {1}))), 400, "validation_error");
        assertStatus(upload(alice, multipart(field("receiver", bob.id().toString()),
                file("attached_file", "big.bin", new byte[(int) TestApi.MAX_UPLOAD_BYTES + 1]))), 413, "too_large");
        assertStatus(upload(null, multipart(field("receiver", bob.id().toString()),
                file("attached_file", "a.txt", new byte[] {1}))), 401, "unauthorized");
        assertStatus(api.send(api.request("/chat/attachment/", api.tokenFor(alice))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofString("garbage"))), 400, "bad_request");

        assertThat(api.files.keys()).isEmpty();
        assertThat(api.threads.findActivityOf(alice.id())).isEmpty();
        assertThat(tempFiles()).isZero();
    }

    /**
     * Contract §10, as Django REST framework answers: a form-urlencoded body (or none) cannot carry a file (400 on
     * {@code attached_file}); any other type is 415 naming multipart/form-data; an empty file is refused. Nothing is
     * stored, and the token is checked first.
     */
    @Test
    void a_form_urlencoded_body_an_empty_file_or_another_type_is_refused_naming_the_file_field() {
        HttpRequest.Builder form = api.request("/chat/attachment/", api.tokenFor(alice))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("receiver=" + bob.id() + "&message=hi"));
        JsonNode noFile = TestApi.assertFailure(api.send(form), 400, "validation_error");
        assertThat(noFile.get("errors").get("attached_file").get(0).asText()).isEqualTo("No file was submitted.");

        JsonNode noBody = TestApi.assertFailure(api.send(api.request("/chat/attachment/", api.tokenFor(alice))
                .POST(HttpRequest.BodyPublishers.noBody())), 400, "validation_error");
        assertThat(noBody.get("errors").has("attached_file")).isTrue();

        JsonNode json = TestApi.assertFailure(api.send(api.request("/chat/attachment/", api.tokenFor(alice))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"receiver\":\"" + bob.id() + "\"}"))),
                415, "unsupported_media_type");
        assertThat(json.get("message").asText()).contains("multipart/form-data").doesNotContain("send application/json");

        JsonNode empty = TestApi.assertFailure(upload(alice, multipart(field("receiver", bob.id().toString()),
                file("attached_file", "empty.txt", new byte[0]))), 400, "validation_error");
        assertThat(empty.get("errors").get("attached_file").get(0).asText()).isEqualTo("The submitted file is empty.");

        assertStatus(api.send(api.request("/chat/attachment/", null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("receiver=" + bob.id()))), 401, "unauthorized");
        assertThat(api.files.keys()).isEmpty();
        assertThat(api.threads.findActivityOf(alice.id())).isEmpty();
        assertThat(tempFiles()).isZero();
    }

    /** Contract §10: a Range on an empty file (stored before uploads refused them) is 200 with an empty body. */
    @Test
    void a_range_on_an_empty_file_is_the_whole_empty_file() {
        StoredAttachment stored = api.files.store(InputStream.nullInputStream(), TestApi.MAX_UPLOAD_BYTES);
        Message message = api.send(alice, bob, new MessageContent.File("", new Attachment(
                stored.storageKey(), "empty.txt", 0, "text/plain")));
        String link = TestApi.assertSuccess(api.get("/chat/thread/files/" + message.threadId().value() + "/",
                api.tokenFor(alice)), 200, "Files retrieved successfully")
                .get("messages").get(0).get("attached_file").asText();

        for (String range : List.of("bytes=0-", "bytes=0-0", "bytes=-1", "bytes=5-")) {
            TestApi.Reply reply = api.send(api.request(link, null).header("Range", range));
            assertThat(reply.status()).as(range).isEqualTo(200);
            assertThat(reply.body()).as(range).isEmpty();
            assertThat(reply.header("Content-Length")).as(range).contains("0");
            assertThat(reply.header("Content-Range")).as(range).isEmpty();
        }
    }

    @Test
    void thread_files_list_only_files_for_participants() {
        JsonNode first = upload(alice, multipart(field("receiver", bob.id().toString()),
                file("attached_file", "a.txt", new byte[] {1}))).json().get("entity").get("message");
        api.text(alice, bob, "just text");
        long thread = first.get("thread").asLong();

        JsonNode data = TestApi.assertSuccess(api.get("/chat/thread/files/" + thread + "/", api.tokenFor(bob)),
                200, "Files retrieved successfully");
        assertThat(data.get("messages")).hasSize(1);
        assertThat(data.get("messages").get(0).get("id").asLong()).isEqualTo(first.get("id").asLong());
        assertThat(data.get("messages").get(0).get("attached_file").asText()).startsWith("/media/");

        assertThat(api.get("/chat/thread/files/" + thread + "/?after=0", api.tokenFor(bob)).data().get("messages"))
                .hasSize(1);
        assertThat(api.get("/chat/thread/files/" + thread + "/?before=0", api.tokenFor(bob)).data().get("messages"))
                .isEmpty();
        TestApi.assertFailure(api.get("/chat/thread/files/" + thread + "/", api.tokenFor(carol)), 404, "not_found");
        TestApi.assertFailure(api.get("/chat/thread/files/999/", api.tokenFor(alice)), 404, "not_found");
        TestApi.assertFailure(api.get("/chat/thread/files/abc/", api.tokenFor(alice)), 404, "not_found");
    }

    @Test
    void media_streams_with_headers_and_ranges_and_refuses_bad_signatures() {
        byte[] bytes = new byte[1000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        String link = upload(alice, multipart(field("receiver", bob.id().toString()),
                file("attached_file", "naïve €.bin", bytes))).json().get("entity").get("message")
                .get("attached_file").asText();

        TestApi.Reply whole = api.get(link, null);
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.header("Content-Type")).contains("application/octet-stream");
        assertThat(whole.header("Content-Length")).contains("1000");
        assertThat(whole.header("X-Content-Type-Options")).contains("nosniff");
        assertThat(whole.header("Accept-Ranges")).contains("bytes");
        assertThat(whole.header("Content-Disposition"))
                .contains("attachment; filename=\"na_ve _.bin\"; filename*=UTF-8''na%C3%AFve%20%E2%82%AC.bin");
        assertThat(whole.body().getBytes(StandardCharsets.ISO_8859_1)).hasSize(1000);

        TestApi.Reply head = api.send(api.request(link, null).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Length")).contains("1000");
        assertThat(head.body()).isEmpty();

        TestApi.Reply part = api.send(api.request(link, null).header("Range", "bytes=10-19"));
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.header("Content-Range")).contains("bytes 10-19/1000");
        assertThat(part.header("Content-Length")).contains("10");
        TestApi.Reply suffix = api.send(api.request(link, null).header("Range", "bytes=-5"));
        assertThat(suffix.header("Content-Range")).contains("bytes 995-999/1000");
        TestApi.Reply open = api.send(api.request(link, null).header("Range", "bytes=990-"));
        assertThat(open.header("Content-Range")).contains("bytes 990-999/1000");
        TestApi.Reply beyond = api.send(api.request(link, null).header("Range", "bytes=1000-"));
        assertThat(beyond.status()).isEqualTo(416);
        assertThat(beyond.header("Content-Range")).contains("bytes */1000");

        String tampered = link.replace("signature=", "signature=A");
        TestApi.assertFailure(api.get(tampered, null), 404, "not_found");
        TestApi.assertFailure(api.get(tampered, api.tokenFor(carol)), 404, "not_found");
        TestApi.assertFailure(api.get(tampered, "not-a-token"), 404, "not_found");
        assertThat(api.get(tampered, api.tokenFor(bob)).status()).isEqualTo(200);
        String unsigned = link.substring(0, link.indexOf('?'));
        assertThat(api.get(unsigned, api.tokenFor(alice)).status()).isEqualTo(200);
        TestApi.assertFailure(api.get(unsigned, null), 404, "not_found");
        TestApi.assertFailure(api.get("/media/1/../../etc/passwd", null), 404, "not_found");
    }

    @Test
    void content_disposition_shows_media_inline_and_everything_else_as_attachment() {
        assertThat(MediaResource.contentDisposition(new Attachment("k", "a.png", 1, "image/png"))).startsWith("inline;");
        assertThat(MediaResource.contentDisposition(new Attachment("k", "a.svg", 1, "image/svg+xml")))
                .startsWith("attachment;");
        assertThat(MediaResource.contentDisposition(new Attachment("k", "a\"b.html", 1, "text/html")))
                .isEqualTo("attachment; filename=\"a_b.html\"; filename*=UTF-8''a%22b.html");
    }

    // ---- multipart by hand ----

    private static final String BOUNDARY = "----parley-test-boundary";

    private TestApi.Reply upload(User sender, byte[] body) {
        return api.send(api.request("/chat/attachment/", sender == null ? null : api.tokenFor(sender))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static byte[] multipart(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(("--" + BOUNDARY + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(part);
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] field(String name, String value) {
        return ("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] file(String name, String fileName, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static void assertStatus(TestApi.Reply reply, int status, String code) {
        TestApi.assertFailure(reply, status, code);
    }

    private long tempFiles() {
        try (Stream<Path> files = Files.list(settings.uploadTempDir())) {
            return files.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
