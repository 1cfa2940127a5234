package org.parley.adapter.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.application.error.TooLarge;
import org.parley.application.port.in.UploadAttachment;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

class AttachmentUploadTest {

    private static final String BOUNDARY = "b0undary";
    private static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;
    private static final long MAX_UPLOAD_BYTES = 300_000;

    private final UserId alice = UserId.random();
    private final UserId bob = UserId.random();
    private final Recorder recorder = new Recorder();

    @TempDir
    Path tempDir;

    private AttachmentUpload upload;

    @BeforeEach
    void setUp() {
        upload = new AttachmentUpload(recorder, MAX_UPLOAD_BYTES, tempDir);
    }

    @Test
    void parts_split_across_tiny_reads_come_out_whole() throws IOException {
        byte[] file = new byte[200_000];
        new Random(1).nextBytes(file);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("preamble\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"receiver\"\r\n\r\n"
                + bob + "\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"attached_file\"; "
                + "filename=\"a \\\"q\\\".bin\"; filename*=UTF-8''na%C3%AFve.bin\r\nContent-Type: x/y\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\n"
                + "h\u00e9llo\r\n--" + BOUNDARY + "--\r\nepilogue").getBytes(StandardCharsets.UTF_8));

        upload.read(alice, new MultipartBody(CONTENT_TYPE, -1, trickle(body.toByteArray())));

        assertThat(recorder.command.receiver()).isEqualTo(bob);
        assertThat(recorder.command.caption()).isEqualTo("h\u00e9llo");
        assertThat(recorder.command.fileName()).isEqualTo("na\u00efve.bin");
        assertThat(recorder.content).isEqualTo(file);
        assertThat(filesLeft()).isZero();
    }

    @Test
    void quoted_file_names_keep_backslashes_that_escape_nothing() throws IOException {
        upload.read(alice, body(field("receiver", bob.toString()),
                filePart("form-data; name=\"attached_file\"; filename=\"C:\\dir\\a \\\"b\\\".txt\"", "x")));

        assertThat(recorder.command.fileName()).isEqualTo("C:\\dir\\a \"b\".txt");
    }

    @Test
    void a_file_name_field_sent_after_the_file_names_it() throws IOException {
        upload.read(alice, body(filePart("form-data; name=\"attached_file\"; filename=\"tmp.bin\"", "abc"),
                field("attached_file_name", "report.pdf"), field("receiver", bob.toString())));

        assertThat(recorder.command.fileName()).isEqualTo("report.pdf");
        assertThat(recorder.content).isEqualTo("abc".getBytes(StandardCharsets.UTF_8));
        assertThat(filesLeft()).isZero();
    }

    @Test
    void a_file_above_the_upload_limit_is_refused_as_soon_as_it_passes_it() throws IOException {
        String big = "x".repeat((int) MAX_UPLOAD_BYTES + 1);

        assertThatThrownBy(() -> upload.read(alice, body(field("receiver", bob.toString()),
                filePart("form-data; name=\"attached_file\"; filename=\"big.bin\"", big))))
                .isInstanceOf(TooLarge.class);
        assertThat(recorder.command).isNull();
        assertThat(filesLeft()).isZero();
    }

    @Test
    void a_body_announced_above_its_limit_is_refused_before_reading() throws IOException {
        long announced = MAX_UPLOAD_BYTES + RequestBodyLimit.MULTIPART_OVERHEAD_BYTES + 1;
        MultipartBody body = new MultipartBody(CONTENT_TYPE, announced, new ByteArrayInputStream(new byte[0]));

        assertThatThrownBy(() -> upload.read(alice, body))
                .isInstanceOfSatisfying(RequestBodyLimit.BodyTooLarge.class,
                        tooLarge -> assertThat(tooLarge.maxBytes()).isEqualTo(announced - 1));
        assertThat(filesLeft()).isZero();
    }

    @Test
    void malformed_bodies_are_refused() throws IOException {
        String unclosed = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"attached_file\"; "
                + "filename=\"a\"\r\n\r\nno end";
        String hugeHeader = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"receiver\"\r\nX-Pad: "
                + "p".repeat(AttachmentUpload.MAX_HEADER_BYTES) + "\r\n\r\nv\r\n--" + BOUNDARY + "--\r\n";

        Stream.of(raw(CONTENT_TYPE, unclosed), raw(CONTENT_TYPE, "garbage"), raw(CONTENT_TYPE, ""),
                        raw("multipart/form-data", "--x\r\n\r\n--x--\r\n"), raw(CONTENT_TYPE, hugeHeader))
                .forEach(body -> assertThatThrownBy(() -> upload.read(alice, body))
                        .isInstanceOf(MalformedMultipart.class));
        assertThat(recorder.command).isNull();
        assertThat(filesLeft()).isZero();
    }

    @Test
    void too_many_parts_and_too_long_fields_are_validation_errors() throws IOException {
        String[] parts = new String[AttachmentUpload.MAX_PARTS + 1];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = field("f" + i, "v");
        }

        assertThatThrownBy(() -> upload.read(alice, body(parts))).isInstanceOf(InvalidFields.class);
        assertThatThrownBy(() -> upload.read(alice, body(
                field("message", "m".repeat(AttachmentUpload.MAX_FIELD_BYTES + 1)))))
                .isInstanceOf(InvalidFields.class);
        assertThat(filesLeft()).isZero();
    }

    @Test
    void utf8_file_names_and_fields_come_out_as_sent() throws IOException {
        upload.read(alice, body(field("receiver", bob.toString()), field("message", "d\u00e9j\u00e0 vu \ud83d\ude00"),
                filePart("form-data; name=\"attached_file\"; filename=\"r\u00e9sum\u00e9 \ud83d\ude00.pdf\"", "x")));

        assertThat(recorder.command.caption()).isEqualTo("d\u00e9j\u00e0 vu \ud83d\ude00");
        assertThat(recorder.command.fileName()).isEqualTo("r\u00e9sum\u00e9 \ud83d\ude00.pdf");
    }

    /**
     * Contract §10: text that is not well-formed UTF-8 (here an encoded lone surrogate, ED A0 BD, or a cut sequence)
     * is refused naming its part, before the use case runs; it is not read as U+FFFD.
     */
    @Test
    void text_that_is_not_well_formed_utf8_is_refused_naming_its_part() {
        String surrogate = "\u00ed\u00a0\u00bd";
        String file = filePart("form-data; name=\"attached_file\"; filename=\"a.txt\"", "x");
        assertRefused("message", latin1Body(field("receiver", bob.toString()), field("message", "hi " + surrogate), file));
        assertRefused("attached_file_name",
                latin1Body(field("receiver", bob.toString()), file, field("attached_file_name", "cut \u00c3")));
        assertRefused("attached_file", latin1Body(field("receiver", bob.toString()),
                filePart("form-data; name=\"attached_file\"; filename=\"a" + surrogate + ".txt\"", "x")));
        assertRefused("attached_file", latin1Body(field("receiver", bob.toString()),
                filePart("form-data; name=\"attached_file\"; filename*=UTF-8''a%ED%A0%BD.txt", "x")));
        assertRefused("attached_file", latin1Body(field("receiver", bob.toString()),
                filePart("form-data; name=\"attached_file\"; filename=\"a.txt\"; filename*=UTF-16BE''%D8%3D", "x")));
        assertRefused(Utf8FormParser.NON_FIELD_ERRORS,
                latin1Body(field("receiver", bob.toString()), field("note" + surrogate, "x"), file));
        assertRefused("message", latin1Body(field("receiver", bob.toString()), field("message", "a\u0000b"), file));
    }

    /**
     * Found by EntrancePropertiesTest: uploading to yourself was refused on {@code receiver_id} and a caption above
     * the text limit on {@code message_body}, the websocket's names, which the upload form does not have.
     */
    @Test
    void rules_of_the_use_case_are_reported_on_the_form_fields() {
        String file = filePart("form-data; name=\"attached_file\"; filename=\"a.txt\"", "x");
        for (Map.Entry<RuleSubject, String> rule : Map.of(RuleSubject.RECEIVER, "receiver", RuleSubject.TEXT, "message",
                RuleSubject.CAPTION, "message", RuleSubject.ATTACHMENT_NAME, "attached_file_name").entrySet()) {
            AttachmentUpload refusing = new AttachmentUpload(command -> {
                throw new DomainRuleViolation(rule.getKey(), "refused");
            }, MAX_UPLOAD_BYTES, tempDir);
            assertThatThrownBy(() -> refusing.read(alice, body(field("receiver", bob.toString()), file)))
                    .isInstanceOfSatisfying(InvalidFields.class, refused -> assertThat(refused.errors())
                            .isEqualTo(Map.of(rule.getValue(), java.util.List.of("refused"))));
        }
    }

    /**
     * Found by EntrancePropertiesTest: a field named only U+0000 (which the multipart library trims away) whose value
     * was refused came back as {@code errors[""]}, a field of no name.
     */
    @Test
    void a_refused_field_whose_name_is_blank_is_a_non_field_error() {
        String file = filePart("form-data; name=\"attached_file\"; filename=\"a.txt\"", "x");
        assertRefused(Utf8FormParser.NON_FIELD_ERRORS,
                latin1Body(field("receiver", bob.toString()), field("\u0000", "hi \u00ed\u00a0\u00bd"), file));
        assertRefused(Utf8FormParser.NON_FIELD_ERRORS, latin1Body(field("receiver", bob.toString()),
                field("\u0000", "m".repeat(AttachmentUpload.MAX_FIELD_BYTES + 1)), file));
    }

    private void assertRefused(String field, MultipartBody body) {
        assertThatThrownBy(() -> upload.read(alice, body))
                .isInstanceOfSatisfying(InvalidFields.class,
                        refused -> assertThat(refused.errors()).containsOnlyKeys(field));
        assertThat(recorder.command).isNull();
        try {
            assertThat(filesLeft()).isZero();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A body whose every char is one byte (ISO-8859-1): lets a test write bytes that are not UTF-8. */
    private static MultipartBody latin1Body(String... parts) {
        StringBuilder body = new StringBuilder();
        for (String part : parts) {
            body.append("--").append(BOUNDARY).append("\r\n").append(part).append("\r\n");
        }
        body.append("--").append(BOUNDARY).append("--\r\n");
        byte[] bytes = body.toString().getBytes(StandardCharsets.ISO_8859_1);
        return new MultipartBody(CONTENT_TYPE, bytes.length, new ByteArrayInputStream(bytes));
    }

    private static String field(String name, String value) {
        return "Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value;
    }

    private static String filePart(String disposition, String content) {
        return "Content-Disposition: " + disposition + "\r\nContent-Type: application/octet-stream\r\n\r\n" + content;
    }

    private static MultipartBody body(String... parts) {
        StringBuilder body = new StringBuilder();
        for (String part : parts) {
            body.append("--").append(BOUNDARY).append("\r\n").append(part).append("\r\n");
        }
        body.append("--").append(BOUNDARY).append("--\r\n");
        return raw(CONTENT_TYPE, body.toString());
    }

    private static MultipartBody raw(String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new MultipartBody(contentType, bytes.length, new ByteArrayInputStream(bytes));
    }

    /** Serves at most seven bytes per read, so boundaries straddle reads. */
    private static InputStream trickle(byte[] bytes) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return super.read(buffer, offset, Math.min(length, 7));
            }
        };
    }

    private long filesLeft() throws IOException {
        try (Stream<Path> files = Files.list(tempDir)) {
            return files.count();
        }
    }

    /** Keeps the command and the file's bytes, and answers with a message between its sender and receiver. */
    private static final class Recorder implements UploadAttachment {
        private Command command;
        private byte[] content;

        @Override
        public Uploaded upload(Command command) {
            try {
                this.content = command.content().readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.command = command;
            Instant now = Instant.parse("2026-01-01T00:00:00Z");
            return new Uploaded(new Message(new MessageId(1), new ThreadId(1), command.sender(), command.receiver(),
                    new MessageContent.Text("file"), now, now), Map.of());
        }
    }
}
