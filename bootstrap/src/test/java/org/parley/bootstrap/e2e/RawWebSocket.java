package org.parley.bootstrap.e2e;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A websocket client written on a plain socket (RFC 6455), for what the JDK's client refuses to send: text frames
 * whose payload is not UTF-8 (an encoded surrogate, a stray byte), which only a raw client can put on the wire.
 * Synchronous and minimal: one frame at a time, pings answered while reading. Every text frame received must be
 * one asyncapi.json describes ({@link ApiDescriptions}); what this client sends is garbage on purpose, so unchecked.
 */
final class RawWebSocket implements AutoCloseable {

    static final int TEXT = 0x1;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** A frame the server sent: a text message, or its close (code, or 1005 without one; 1006 for a dropped link). */
    sealed interface Received {
    }

    record Text(String text) implements Received {
    }

    record Close(int code) implements Received {
    }

    /** The answer to a ping of this client. */
    record Pong() implements Received {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects with the access token in the query, and returns once the server has answered a ping. */
    static RawWebSocket connect(int port, String token) {
        try {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            RawWebSocket client = new RawWebSocket(socket);
            byte[] nonce = new byte[16];
            RANDOM.nextBytes(nonce);
            client.out.write(("GET /ws/chat/room/?token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            client.out.flush();
            String head = client.readHead();
            if (!head.startsWith("HTTP/1.1 101")) {
                socket.close();
                throw new IllegalStateException("handshake refused: " + head.lines().findFirst().orElse(""));
            }
            client.send(PING, new byte[] {1});
            Received answer = client.read(true);
            while (answer instanceof Text text && text.text().contains("\"action\":\"presence\"")) {
                // A partner's presence (contract §13) may come at any time, before the pong too.
                answer = client.read(true);
            }
            if (!(answer instanceof Pong)) {
                throw new IllegalStateException(answer + " before the ping was answered");
            }
            return client;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one final frame of {@code opcode} with exactly these payload bytes (masked, as a client must). */
    void send(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65_536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xFF);
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /**
     * The next text or close frame from the server (pongs skipped, pings answered); a close when the connection
     * drops (1006) or nothing arrives within 10 s (then the test fails on the code it did not expect).
     */
    Received next() throws IOException {
        return read(false);
    }

    private Received read(boolean pongs) throws IOException {
        while (true) {
            int first;
            try {
                first = in.read();
            } catch (SocketTimeoutException silent) {
                throw new AssertionError("no frame arrived within 10 s");
            } catch (IOException reset) {
                return new Close(1006);
            }
            if (first < 0) {
                return new Close(1006);
            }
            int opcode = first & 0x0F;
            int second = in.readUnsignedByte();
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            switch (opcode) {
                case TEXT:
                    String text = new String(payload, StandardCharsets.UTF_8);
                    ApiDescriptions.checkReceivedFrame(text);
                    return new Text(text);
                case CLOSE:
                    return new Close(payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : 1005);
                case PING:
                    send(PONG, payload);
                    break;
                case PONG:
                    if (pongs) {
                        return new Pong();
                    }
                    break;
                default:
                    break; // binary
            }
        }
    }

    /** Drops the connection as a killed client's kernel does: a reset (RST), no close frame, no FIN. */
    void reset() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing anyway
        }
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        InputStream raw = in;
        int matched = 0;
        while (matched < 4) {
            int b = raw.read();
            if (b < 0) {
                throw new EOFException("connection closed during the handshake");
            }
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
