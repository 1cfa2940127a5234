package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A refused handshake, byte for byte as a client reads it: the status, no upgrade headers, an empty body and
 * {@code Connection: close}, and no session opened. Tyrus would upgrade anyway on a 401 set through the API, and send
 * nothing on an exception; {@code container.HandshakeRefusal} is what makes this hold.
 *
 * <p>Not asserted, because it does not hold today: that the server closes the connection. Grizzly's codec still takes
 * the refused request for an upgrade in progress, so it keeps the connection open (until the keep-alive idle timeout)
 * and takes further bytes for that request's body; a client closes it as {@code Connection: close} tells it to.
 */
class HandshakeRefusedOnTheWireTest {

    private static final String UPGRADE = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

    @ParameterizedTest(name = "token {0}: {1}")
    @CsvSource({"wrong, 401", "fail-EXPIRED_TOKEN, 401", "explode, 500"})
    void aRefusedHandshakeIsAnHttpAnswerWithoutAnUpgrade(String token, int status) throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults());
             Socket socket = new Socket("127.0.0.1", server.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws/chat/room/?token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + UPGRADE + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();

            List<String> head = readHead(in);
            assertThat(head.get(0)).startsWith("HTTP/1.1 " + status + " ");
            List<String> headers = head.subList(1, head.size()).stream()
                    .map(line -> line.toLowerCase(Locale.ROOT)).toList();
            assertThat(headers).contains("content-length: 0", "connection: close")
                    .noneMatch(line -> line.startsWith("upgrade:"))
                    .noneMatch(line -> line.startsWith("sec-websocket-"));
            if (status == 401) {
                assertThat(headers).contains("www-authenticate: bearer");
            }
            assertThat(server.connections.count()).as("no session was opened").isZero();
        }
    }

    @Test
    void aValidTokenIsUpgradedOnTheSameWire() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults());
             Socket socket = new Socket("127.0.0.1", server.port)) {
            server.user("alice");
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /ws/chat/room/?token=token-alice HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + UPGRADE + "\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();

            List<String> head = readHead(socket.getInputStream());
            assertThat(head.get(0)).startsWith("HTTP/1.1 101");
            assertThat(head).anyMatch(line -> line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-accept:"));
        }
    }

    /** The status line and header lines, up to the empty line. */
    private static List<String> readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return Arrays.asList(head.toString(StandardCharsets.US_ASCII).strip().split("\r\n"));
    }
}
