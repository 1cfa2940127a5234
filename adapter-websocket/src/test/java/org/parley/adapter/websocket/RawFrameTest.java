package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
            try (Socket socket = upgradedAsAlice(server, 5_000)) {
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();

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

    /**
     * A client that, as the JDK's does, finishes sending the frame it began before it answers the server's close: it
     * can send all of it, then gets the 1009 intact, answers it, and the server then ends the TCP connection in order
     * (the end of the stream, not a reset). Closing while the client still sent made the kernel reset the connection,
     * and a client could lose the close frame to the reset (1006 instead of 1009).
     */
    @Test
    void aClientStillSendingTheRefusedFrameFinishesItGetsThe1009AndAnOrderlyEnd() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            server.user("alice");
            try (Socket socket = upgradedAsAlice(server, 10_000)) {
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();

                int payload = 4 * 1024 * 1024; // far more than the kernel buffers between the two hold
                ByteArrayOutputStream header = new ByteArrayOutputStream();
                header.write(0x81);
                header.write(0x80 | 127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    header.write((int) (((long) payload >>> shift) & 0xFF));
                }
                header.writeBytes(new byte[] {9, 8, 7, 6});
                CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                    try {
                        out.write(header.toByteArray());
                        byte[] chunk = new byte[64 * 1024];
                        for (int written = 0; written < payload; written += chunk.length) {
                            out.write(chunk);
                        }
                        out.flush();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });

                DataInputStream reply = new DataInputStream(in);
                assertThat(reply.readUnsignedByte()).as("FIN + close opcode").isEqualTo(0x88);
                int length = reply.readUnsignedByte();
                assertThat(reply.readUnsignedShort()).as("close code").isEqualTo(1009);
                reply.skipNBytes(length - 2);
                sent.get(20, TimeUnit.SECONDS); // the whole frame went out: the server read it, and dropped it

                out.write(new byte[] {(byte) 0x88, (byte) 0x82, 1, 2, 3, 4, 0x03 ^ 1, (byte) (0xE9 ^ 2)}); // 1001
                out.flush();
                assertThat(in.read()).as("the server ends the connection in order after the client's close")
                        .isEqualTo(-1);
            }
        }
    }

    /**
     * A one-byte fragment, then a continuation announcing 2^63 - 1 bytes: refused with 1009 from the continuation's
     * header. The message's size wrapped to a negative sum before, so Tyrus buffered the continuation up to 4 MiB,
     * copying it at every read, and closed with 1011 (a hostile review measured 1.3–2.0 GB of heap and a bystander's
     * ping at 104–225 ms with four such clients).
     */
    @Test
    void aContinuationWhoseLengthWouldOverflowTheMessagesSizeIsRefusedWith1009FromItsHeader() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            server.user("alice");
            try (Socket socket = upgradedAsAlice(server, 5_000)) {
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();

                out.write(new byte[] {0x01, (byte) 0x81, 1, 2, 3, 4, 'x'});
                out.write(new byte[] {(byte) 0x80, (byte) (0x80 | 127), 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                        (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3, 4});
                out.write(new byte[1024]);
                out.flush();

                DataInputStream reply = new DataInputStream(in);
                assertThat(reply.readUnsignedByte()).as("FIN + close opcode").isEqualTo(0x88);
                reply.readUnsignedByte();
                assertThat(reply.readUnsignedShort()).as("close code").isEqualTo(1009);
            }
        }
    }

    /** A socket of {@code server} upgraded to a websocket for alice, reads timing out after {@code timeoutMillis}. */
    private static Socket upgradedAsAlice(TestServer server, int timeoutMillis) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port);
        socket.setSoTimeout(timeoutMillis);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /ws/chat/room/?token=token-alice HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + server.port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 101");
        return socket;
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
