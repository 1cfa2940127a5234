package org.parley.adapter.contenttypes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.apache.tika.Tika;
import org.apache.tika.mime.MimeTypes;
import org.junit.jupiter.api.Test;
import org.parley.application.port.out.ContentTypes;

class TikaContentTypesTest {

    private static final byte[] PNG_HEADER = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
            'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0};
    private static final byte[] PDF = "%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BINARY = {0, 1, 2, (byte) 0xfe, (byte) 0xff};
    private static final byte[] TEXT = "# Notes\nOn the Analytical Engine.\n".getBytes(StandardCharsets.UTF_8);

    private final ContentTypes types = new TikaContentTypes();

    @Test
    void theTypeComesFromTheBytes() {
        assertThat(types.detect(PNG_HEADER, "a.png")).isEqualTo("image/png");
        assertThat(types.detect(PDF, "a.pdf")).isEqualTo("application/pdf");
        assertThat(types.detect(TEXT, "a.txt")).isEqualTo("text/plain");
        assertThat(types.detect(BINARY, "a.bin")).isEqualTo("application/octet-stream");
        assertThat(types.detect(new byte[0], "empty")).isEqualTo("application/octet-stream");
    }

    /** The API promises a type from the bytes, never from the client: a name neither overrides nor refines them. */
    @Test
    void theFileNameChangesNothing() {
        assertThat(types.detect(PNG_HEADER, "x.txt")).isEqualTo("image/png");
        assertThat(types.detect(BINARY, "x.pdf")).isEqualTo("application/octet-stream");
        assertThat(types.detect(BINARY, "x.png")).isEqualTo("application/octet-stream");
        assertThat(types.detect(TEXT, "notes.md")).isEqualTo("text/plain");
        assertThat(types.detect(TEXT, "")).isEqualTo("text/plain");
    }

    /**
     * The port hands over the first 64 KiB only: Tika's magic numbers never read further, so those bytes give the
     * same type as the whole file, as the file store detected it before detection was a port (issue 11).
     */
    @Test
    void theFirstBytesAreAllTikaReads() throws IOException {
        assertThat(MimeTypes.getDefaultMimeTypes().getMinLength()).isLessThanOrEqualTo(ContentTypes.FIRST_BYTES);
        byte[] random = new byte[ContentTypes.FIRST_BYTES * 2];
        new Random(11).nextBytes(random);
        byte[] longText = "plain words ".repeat(12_000).getBytes(StandardCharsets.US_ASCII);
        byte[] textThenBinary = Arrays.copyOf(longText, longText.length + 10);
        byte[] pngThenMore = Arrays.copyOf(PNG_HEADER, ContentTypes.FIRST_BYTES + 1_000);
        Tika tika = new Tika();

        for (byte[] file : List.of(random, longText, textThenBinary, pngThenMore, PDF, TEXT, BINARY)) {
            String whole = tika.detect(new BufferedInputStream(new ByteArrayInputStream(file)));
            byte[] first = Arrays.copyOf(file, Math.min(file.length, ContentTypes.FIRST_BYTES));
            assertThat(types.detect(first, "f")).isEqualTo(whole);
        }
    }
}
