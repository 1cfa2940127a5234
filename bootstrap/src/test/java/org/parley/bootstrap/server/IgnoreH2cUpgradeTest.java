package org.parley.bootstrap.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.junit.jupiter.api.Test;

/**
 * An offer to upgrade to cleartext HTTP/2, exactly as the JDK's HttpClient sends it with a body, is answered as the
 * HTTP/1.1 request it also is: the body arrives (Grizzly would otherwise hand it on as an upgraded byte stream that
 * never ends), and the connection serves the next request. The socket's read timeout (10 s) is far below the 30 s
 * stall the workaround removes.
 */
class IgnoreH2cUpgradeTest {

    /** Answers every request with its method and body. */
    private static final HttpHandler ECHO = new HttpHandler() {
        @Override
        public void service(Request request, Response response) throws Exception {
            byte[] body = request.getInputStream().readAllBytes();
            response.setContentType("text/plain");
            response.setContentLength(request.getMethod().getMethodString().length() + 1 + body.length);
            response.getOutputStream().write((request.getMethod().getMethodString() + " ")
                    .getBytes(StandardCharsets.US_ASCII));
            response.getOutputStream().write(body);
        }
    };

    @Test
    void anH2cOfferWithABodyIsServedAsHttp11AndTheConnectionStaysUsable() throws Exception {
        try (BareGrizzly grizzly = new BareGrizzly(ECHO); Socket socket = new Socket("127.0.0.1", grizzly.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String body = "{\"email\":\"nobody@example.com\"}";
            out.write(("POST /auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();

            String first = readResponse(in);
            assertThat(first).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("upgrade:")
                    .endsWith("POST " + body);

            out.write("GET /again HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("GET ");
        }
    }

    @Test
    void aWebsocketUpgradeNobodyTakesIsStillAnUpgradeAndRefused() throws Exception {
        // Only h2c is turned back into plain HTTP: another upgrade still reaches RefuseMalformedRequests as one.
        try (BareGrizzly grizzly = new BareGrizzly(ECHO); Socket socket = new Socket("127.0.0.1", grizzly.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 400").contains("bad_request");
        }
    }

    /** One response with a {@code Content-Length}: its head and body, as text. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try {
            while (!received.toString(StandardCharsets.US_ASCII).contains("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                received.write(b);
            }
            String head = received.toString(StandardCharsets.US_ASCII);
            int length = head.lines().filter(line -> line.toLowerCase().startsWith("content-length:"))
                    .map(line -> Integer.parseInt(line.substring(line.indexOf(':') + 1).strip()))
                    .findFirst().orElse(0);
            received.write(in.readNBytes(length));
        } catch (SocketTimeoutException e) {
            throw new AssertionError("No complete answer within 10 s; received: "
                    + received.toString(StandardCharsets.US_ASCII), e);
        }
        return received.toString(StandardCharsets.US_ASCII);
    }
}
