package org.parley.adapter.websocket;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A websocket client on a plain socket, for what a well-behaved client never does: send a chosen {@code Origin}, never
 * read, never answer a ping. Frames it sends are masked as RFC 6455 requires; it answers nothing by itself.
 */
final class RawClient implements AutoCloseable {

    static final int TEXT = 0x1;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** A frame from the server. */
    record Frame(int opcode, byte[] payload) {
        /** The close code of a close frame (1005 without one). */
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    final Socket socket;
    final DataInputStream in;
    final OutputStream out;
    /** The status line and headers of the server's answer to the handshake. */
    final String head;

    private RawClient(Socket socket, String head) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.head = head;
    }

    /**
     * Sends a handshake for {@code /ws/chat/room/?token=<token>} with {@code headers} added, and reads the answer's
     * head (whatever its status).
     *
     * @param receiveBufferBytes the socket's receive buffer (small: the server's frames back up sooner), or 0 for the
     *                           system's default
     */
    static RawClient handshake(int port, String token, Map<String, String> headers, int receiveBufferBytes)
            throws IOException {
        Socket socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        StringBuilder request = new StringBuilder("GET /ws/chat/room/?token=" + token + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("\r\n");
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return new RawClient(socket, readHead(socket.getInputStream()));
    }

    /**
     * Sends a handshake for {@code /ws/chat/room/?token=<token>} and {@code pipelined} (frames, already masked) in one
     * write, as a client that does not wait for the {@code 101} would; reads the answer's head.
     */
    static RawClient handshakeWith(int port, String token, byte[] pipelined) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("GET /ws/chat/room/?token=" + token + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(pipelined);
        socket.getOutputStream().write(request.toByteArray());
        socket.getOutputStream().flush();
        return new RawClient(socket, readHead(socket.getInputStream()));
    }

    static RawClient handshake(int port, String token, Map<String, String> headers) throws IOException {
        return handshake(port, token, headers, 0);
    }

    /** The status code of the handshake's answer. */
    int status() {
        String[] statusLine = head.split("\r\n", 2)[0].split(" ");
        return Integer.parseInt(statusLine[1]);
    }

    /** Sends one masked frame. */
    void send(int opcode, byte[] payload) throws IOException {
        out.write(frame(opcode, true, payload));
        out.flush();
    }

    /** A masked client frame (RFC 6455 §5.2): opcode, FIN flag and payload, in the shortest length form. */
    static byte[] frame(int opcode, boolean fin, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xFF);
            }
        }
        byte[] mask = {11, 22, 33, 44};
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    /** Reads the next frame (any opcode), waiting up to the socket's timeout. */
    /** The text frames up to the server's close frame, and that close frame's code. */
    record UntilClose(List<String> texts, int closeCode) {
    }

    /** Reads frames up to and with the server's close frame, keeping the texts (pings and pongs are skipped). */
    UntilClose readTextsUntilClose() throws IOException {
        List<String> texts = new ArrayList<>();
        Frame frame = read();
        for (; frame.opcode() != CLOSE; frame = read()) {
            if (frame.opcode() == TEXT) {
                texts.add(frame.text());
            }
        }
        return new UntilClose(texts, frame.closeCode());
    }

    Frame read() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(first & 0x0F, payload);
    }

    /** Reads frames until a close frame, skipping pings and text; returns it. */
    Frame readUntilClose() throws IOException {
        while (true) {
            Frame frame = read();
            if (frame.opcode() == CLOSE) {
                return frame;
            }
        }
    }

    static String readHead(InputStream in) throws IOException {
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

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
