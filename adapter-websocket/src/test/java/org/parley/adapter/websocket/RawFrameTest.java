package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * One single oversized frame, as a hand-written client would send it (the JDK client splits long messages into
 * fragments, which Tyrus limits by itself): the server answers 1009 from the frame header, before the payload.
 */
class RawFrameTest {

    @Test
    void aSingleHugeFrameIsRefusedWith1009FromItsHeader() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            server.user("alice");
            try (Socket socket = new Socket("127.0.0.1", server.port)) {
                socket.setSoTimeout(5_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write(("GET /ws/chat/room/?token=token-alice HTTP/1.1\r\n"
                        + "Host: 127.0.0.1:" + server.port + "\r\n"
                        + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(readHead(in)).startsWith("HTTP/1.1 101");

                long announced = 50L * 1024 * 1024;
                ByteArrayOutputStream frame = new ByteArrayOutputStream();
                frame.write(0x81);
                frame.write(0x80 | 127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    frame.write((int) ((announced >>> shift) & 0xFF));
                }
                frame.writeBytes(new byte[] {9, 8, 7, 6});
                frame.writeBytes(new byte[1024]);
                out.write(frame.toByteArray());
                out.flush();

                DataInputStream reply = new DataInputStream(in);
                assertThat(reply.readUnsignedByte()).as("FIN + close opcode").isEqualTo(0x88);
                int length = reply.readUnsignedByte();
                assertThat(length).isBetween(2, 125);
                assertThat(reply.readUnsignedShort()).as("close code").isEqualTo(1009);
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}
