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
import java.util.concurrent.atomic.AtomicLong;

import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's finding 5 (slowloris): a connection that trickles its request head is closed once the header timeout has
 * passed, while requests whose head arrives in time are served, however the connection is used.
 *
 * <p>Real sockets against a real Grizzly, but the timeout's clock is the test's ({@link #clock}): the test moves it
 * and runs the closing round itself ({@link HeaderReadTimeout#closeOverdue()}), so what is judged never depends on how
 * fast a busy machine runs threads. The only waits are polls with generous bounds, for the server to have seen a
 * connection or a byte, and socket reads. The real timer and clock are proved end to end by
 * {@code EdgeLimitsEndToEndTest.aSlowlorisConnectionIsClosedAfterTheHeaderTimeout}.
 */
class HeaderReadTimeoutTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long a poll or a read waits at most for what a busy machine may do late: never reached when all is well. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private static final HttpHandler OK = new HttpHandler() {
        @Override
        public void service(Request request, Response response) throws Exception {
            response.setContentType("text/plain");
            response.setContentLength(2);
            response.getOutputStream().write("ok".getBytes(StandardCharsets.US_ASCII));
        }
    };

    /** The header timeout's clock, in nanoseconds; it moves only when a test moves it. */
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @Test
    void aConnectionSendingOneHeaderByteEvery200MsIsClosedJustAfterTheTimeout() throws Exception {
        try (BareGrizzly grizzly = new BareGrizzly(OK, TIMEOUT, clock::get);
             Socket socket = new Socket("127.0.0.1", grizzly.port)) {
            HeaderReadTimeout timeout = grizzly.headerTimeout();
            awaitReadingAHead(timeout, 1, "the server times the connection from its accept");
            OutputStream out = socket.getOutputStream();
            byte[] head = ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "a".repeat(200) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            long steps = TIMEOUT.dividedBy(Duration.ofMillis(200));

            for (int sent = 0; sent < steps; sent++) {
                out.write(head[sent]);
                out.flush();
                clock.addAndGet(Duration.ofMillis(200).toNanos());
                timeout.closeOverdue();
                assertThat(timeout.connectionsReadingAHead()).as("open after %d ms", (sent + 1) * 200).isEqualTo(1);
            }
            clock.addAndGet(1);
            timeout.closeOverdue();

            assertThat(timeout.connectionsReadingAHead()).isZero();
            assertThat(readUntilClosed(socket)).as("nothing is answered to a head that never completed").isEmpty();
        }
    }

    @Test
    void aHeadThatArrivesInPiecesWithinTheTimeoutIsServed() throws Exception {
        try (BareGrizzly grizzly = new BareGrizzly(OK, TIMEOUT, clock::get);
             Socket socket = new Socket("127.0.0.1", grizzly.port)) {
            HeaderReadTimeout timeout = grizzly.headerTimeout();
            awaitReadingAHead(timeout, 1, "the server times the connection from its accept");
            socket.setSoTimeout((int) PATIENCE.toMillis());
            OutputStream out = socket.getOutputStream();
            for (String piece : new String[] {"GET / HT", "TP/1.1\r\nHost: 127.", "0.0.1\r\n\r\n"}) {
                out.write(piece.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                clock.addAndGet(TIMEOUT.dividedBy(3).toNanos());
                timeout.closeOverdue();
            }

            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200").endsWith("ok");
            assertThat(timeout.connectionsReadingAHead()).as("the request is complete: no clock runs").isZero();
        }
    }

    /**
     * The clock runs while a head is being read, not while a kept-alive connection waits for its next request (that
     * is the keep-alive idle timeout's business), nor while a request's body arrives.
     */
    @Test
    void aKeptAliveConnectionIdleLongerThanTheTimeoutServesItsNextRequest() throws Exception {
        try (BareGrizzly grizzly = new BareGrizzly(OK, TIMEOUT, clock::get);
             Socket socket = new Socket("127.0.0.1", grizzly.port)) {
            HeaderReadTimeout timeout = grizzly.headerTimeout();
            socket.setSoTimeout((int) PATIENCE.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write("GET /one HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200");

            clock.addAndGet(TIMEOUT.multipliedBy(2).toNanos());
            timeout.closeOverdue();
            assertThat(timeout.connectionsReadingAHead()).as("idle between requests: not timed").isZero();

            out.write("GET /two HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200").endsWith("ok");
        }
    }

    /** On a kept-alive connection the next request's first byte starts the clock again. */
    @Test
    void aKeptAliveConnectionTricklingItsNextHeadIsClosedAfterTheTimeout() throws Exception {
        try (BareGrizzly grizzly = new BareGrizzly(OK, TIMEOUT, clock::get);
             Socket socket = new Socket("127.0.0.1", grizzly.port)) {
            HeaderReadTimeout timeout = grizzly.headerTimeout();
            socket.setSoTimeout((int) PATIENCE.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write("GET /one HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200");
            clock.addAndGet(TIMEOUT.multipliedBy(5).toNanos());

            out.write("GET /two HT".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitReadingAHead(timeout, 1, "the server times the next request from its first byte");
            clock.addAndGet(TIMEOUT.toNanos());
            timeout.closeOverdue();
            assertThat(timeout.connectionsReadingAHead()).as("exactly the timeout: not yet").isEqualTo(1);
            clock.addAndGet(1);
            timeout.closeOverdue();

            assertThat(timeout.connectionsReadingAHead()).isZero();
            assertThat(readUntilClosed(socket)).isEmpty();
        }
    }

    @Test
    void withoutATimeoutNothingIsInstalled() throws Exception {
        try (BareGrizzly grizzly = new BareGrizzly(OK, Duration.ZERO)) {
            assertThat(grizzly.server.getListener("grizzly").getAddOns())
                    .noneMatch(addOn -> addOn instanceof HeaderReadTimeout);
        }
    }

    /** Polls (with {@link #PATIENCE} at most) until {@code count} connections are reading a head. */
    private static void awaitReadingAHead(HeaderReadTimeout timeout, int count, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (timeout.connectionsReadingAHead() != count) {
            assertThat(System.nanoTime()).as("waiting until " + what).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** What the server sends until it closes the connection (a reset counts as closed); fails after {@link #PATIENCE}. */
    private static String readUntilClosed(Socket socket) throws IOException {
        socket.setSoTimeout((int) PATIENCE.toMillis());
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try {
            for (int b = socket.getInputStream().read(); b >= 0; b = socket.getInputStream().read()) {
                received.write(b);
            }
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("The server did not close the connection", stillOpen);
        } catch (IOException reset) {
            // Closed by a reset.
        }
        return received.toString(StandardCharsets.US_ASCII);
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
