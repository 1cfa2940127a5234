package org.parley.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class SlowSocketsTest {

    @Test
    void theStatusIsReadFromTheResponseHeadAndNothingAfterIt() throws IOException {
        InputStream in = stream("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0002hi");

        assertThat(SlowSockets.readStatus(in)).isEqualTo(101);
        assertThat(in.available()).as("the frame after the head is left unread").isEqualTo(4);
        assertThat(SlowSockets.readStatus(stream("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\n\r\n")))
                .isEqualTo(429);
        assertThat(SlowSockets.readStatus(stream("garbage\r\n\r\n"))).isEqualTo(-1);
    }

    @Test
    void aHeadCutShortIsAnError() {
        assertThatThrownBy(() -> SlowSockets.readStatus(stream("HTTP/1.1 101 Switching Protocols\r\n")))
                .isInstanceOf(IOException.class).hasMessageContaining("closed the connection");
    }

    @Test
    void thePingIsAMaskedControlFrameWithNoPayload() {
        byte[] ping = SlowSockets.maskedPing();

        assertThat(ping).hasSize(6);
        assertThat(ping[0]).isEqualTo((byte) 0x89);
        assertThat(ping[1]).isEqualTo((byte) 0x80);
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
