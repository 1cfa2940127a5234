package org.parley.bootstrap.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's finding 5 (slowloris): a connection that trickles its request head is closed once the header timeout
 * (1 s here) has passed, while requests whose head arrives in time are served, however the connection is used.
 */
class HeaderReadTimeoutTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** How long the closing may take on a busy machine: the timer runs every quarter of the timeout. */
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(6);

    private static final HttpHandler OK = new HttpHandler() {
        @Override
        public void service(Request request, Response response) throws Exception {
            response.setContentType("text/plain");
            response.setContentLength(2);
            response.getOutputStream().write("ok".getBytes(StandardCharsets.US_ASCII));
        }
    };

    @Test
    void aConnectionSendingOneHeaderByteEvery200MsIsClosedAfterTheTimeout() throws Exception {
        try (BareGrizzly grizzly = new BareGrizzly(OK, TIMEOUT); Socket socket = new Socket("127.0.0.1", grizzly.port)) {
            socket.setSoTimeout(200);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] head = ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "a".repeat(200) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            boolean closed = false;
            int sent = 0;
            while (!closed && sent < head.length) {
                try {
                    out.write(head[sent++]);
                    out.flush();
                    int read = in.read();
                    closed = read < 0;
                    assertThat(read).as("nothing is answered to a head that never completed").isLessThan(0);
                } catch (SocketTimeoutException stillOpen) {
                    // 200 ms passed: send the next byte.
                } catch (IOException reset) {
                    closed = true;
                }
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertThat(closed).as("closed before the head (%d bytes, %d s at this pace) was complete", head.length,
                    head.length / 5).isTrue();
            assertThat(elapsed).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(100)).isLessThan(CLOSED_WITHIN);
        }
    }

    @Test
    void aHeadThatArrivesInPiecesWithinTheTimeoutIsServed() throws Exception {
        try (BareGrizzly grizzly = new BareGrizzly(OK, TIMEOUT); Socket socket = new Socket("127.0.0.1", grizzly.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            for (String piece : new String[] {"GET / HT", "TP/1.1\r\nHost: 127.", "0.0.1\r\n\r\n"}) {
                out.write(piece.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(150);
            }
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200").endsWith("ok");
        }
    }

    /**
     * The clock runs while a head is being read, not while a kept-alive connection waits for its next request (that
     * is the keep-alive idle timeout's business), nor while a request's body arrives.
     */
    @Test
    void aKeptAliveConnectionIdleLongerThanTheTimeoutServesItsNextRequest() throws Exception {
        try (BareGrizzly grizzly = new BareGrizzly(OK, TIMEOUT); Socket socket = new Socket("127.0.0.1", grizzly.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write("GET /one HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200");

            Thread.sleep(TIMEOUT.multipliedBy(2).toMillis());

            out.write("GET /two HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("ok");
        }
    }

    @Test
    void withoutATimeoutNothingIsInstalled() throws Exception {
        try (BareGrizzly grizzly = new BareGrizzly(OK, Duration.ZERO)) {
            assertThat(grizzly.server.getListener("grizzly").getAddOns())
                    .noneMatch(addOn -> addOn instanceof HeaderReadTimeout);
        }
    }

    /** One response with a {@code Content-Length}: its head and body. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return text + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }
}
