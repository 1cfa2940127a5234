package org.parley.adapter.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartFormReaderTest {

    private static final String BOUNDARY = "b0undary";

    @Test
    void parts_split_across_tiny_reads_come_out_whole() throws IOException {
        byte[] file = new byte[200_000];
        new Random(1).nextBytes(file);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("preamble\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"receiver\"\r\n\r\n"
                + "abc\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"attached_file\"; "
                + "filename=\"a \\\"q\\\".bin\"; filename*=UTF-8''na%C3%AFve.bin\r\nContent-Type: x/y\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\nepilogue").getBytes(StandardCharsets.UTF_8));

        MultipartFormReader reader = new MultipartFormReader(trickle(body.toByteArray()), BOUNDARY);

        MultipartFormReader.Part first = reader.nextPart().orElseThrow();
        assertThat(first).isEqualTo(new MultipartFormReader.Part("receiver", null));
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        reader.copyBody(value, 10, IllegalStateException::new);
        assertThat(value.toString(StandardCharsets.UTF_8)).isEqualTo("abc");

        MultipartFormReader.Part second = reader.nextPart().orElseThrow();
        assertThat(second).isEqualTo(new MultipartFormReader.Part("attached_file", "naïve.bin"));
        ByteArrayOutputStream copied = new ByteArrayOutputStream();
        assertThat(reader.copyBody(copied, file.length, IllegalStateException::new)).isEqualTo(file.length);
        assertThat(copied.toByteArray()).isEqualTo(file);
        assertThat(reader.nextPart()).isEmpty();
    }

    @Test
    void quoted_names_keep_backslashes_that_escape_nothing() {
        assertThat(MultipartFormReader.Part.of("form-data; name=\"f\"; filename=\"C:\\dir\\a \\\"b\\\".txt\""))
                .isEqualTo(new MultipartFormReader.Part("f", "C:\\dir\\a \"b\".txt"));
        assertThat(MultipartFormReader.Part.of(null)).isEqualTo(new MultipartFormReader.Part(null, null));
    }

    @Test
    void a_part_above_its_limit_fails_as_soon_as_the_limit_is_passed() throws IOException {
        byte[] body = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n" + "x".repeat(100)
                + "\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
        MultipartFormReader reader = new MultipartFormReader(new ByteArrayInputStream(body), BOUNDARY);
        reader.nextPart();

        assertThatThrownBy(() -> reader.copyBody(new ByteArrayOutputStream(), 99, () -> new IllegalStateException("big")))
                .hasMessage("big");
    }

    @Test
    void malformed_bodies_are_refused() {
        assertThatThrownBy(() -> new MultipartFormReader(new ByteArrayInputStream(new byte[0]), BOUNDARY))
                .isInstanceOf(MultipartFormReader.MalformedMultipart.class);
        assertThatThrownBy(() -> new MultipartFormReader(new ByteArrayInputStream(new byte[0]), null))
                .isInstanceOf(MultipartFormReader.MalformedMultipart.class);
        assertThatThrownBy(() -> {
            MultipartFormReader reader = new MultipartFormReader(new ByteArrayInputStream(
                    ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nno end")
                            .getBytes(StandardCharsets.UTF_8)), BOUNDARY);
            reader.nextPart();
            reader.copyBody(new ByteArrayOutputStream(), 1000, IllegalStateException::new);
        }).isInstanceOf(MultipartFormReader.MalformedMultipart.class);
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
}
