package org.parley.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Raw TCP connections that the abuse mode holds open and never reads from (plain blocking {@link Socket}s, so nothing
 * reads behind the tool's back): websockets that complete the handshake and then stop reading (slow consumers), or
 * requests that send their head and then trickle their body (slow bodies), or that trickle their head (slow
 * headers). Once a second {@link #tick} writes a few
 * bytes to each (a ping frame, or one body byte); a write that fails means the server has dropped the connection,
 * which is counted and, while the abuse lasts, replaced. Not thread-safe on its own: its methods are synchronized.
 */
final class SlowSockets implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_RESPONSE_HEAD_BYTES = 16 * 1024;
    /** The smallest receive buffer Linux grants: the server's frames pile up on its side, not in this socket. */
    private static final int RECEIVE_BUFFER_BYTES = 4 * 1024;

    /** Opens one connection from {@code source} and sends what it sends first; throws {@link Refused} on a refusal. */
    interface Opener {
        Socket open(InetSocketAddress source) throws IOException;
    }

    /** The server answered the opening request with {@code status} instead of accepting it. */
    static final class Refused extends IOException {
        private final int status;

        Refused(int status) {
            super("refused with HTTP " + status);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private final List<InetSocketAddress> sources = new ArrayList<>();
    private final Opener opener;
    private final byte[] probe;
    private final List<Socket> sockets = new ArrayList<>();
    private int nextSource;
    private long opened;
    private long refused429;
    private long refusedOther;
    private long failed;
    private long droppedByServer;

    /**
     * @param firstAddress the first source address, 127.0.0.{@code firstAddress}; {@code addresses} are used in turn
     * @param probe        the bytes {@link #tick} writes to every connection
     */
    SlowSockets(int firstAddress, int addresses, Opener opener, byte[] probe) {
        for (int i = firstAddress; i < firstAddress + addresses; i++) {
            sources.add(new InetSocketAddress("127.0.0." + i, 0));
        }
        this.opener = opener;
        this.probe = probe.clone();
    }

    /** Opens connections until {@code count} are held or {@code deadlineNanos} ({@link System#nanoTime}) passes. */
    synchronized void openUpTo(int count, long deadlineNanos) {
        int attempts = 0;
        while (sockets.size() < count && System.nanoTime() < deadlineNanos && attempts < 2 * count + 10) {
            attempts++;
            InetSocketAddress source = sources.get(Math.floorMod(nextSource++, sources.size()));
            try {
                sockets.add(opener.open(source));
                opened++;
            } catch (Refused e) {
                if (e.status() == 429) {
                    refused429++;
                } else {
                    refusedOther++;
                }
            } catch (IOException | RuntimeException e) {
                failed++;
            }
        }
    }

    /** Writes the probe to every connection; drops (and counts) those the server has closed; reopens up to {@code count}. */
    synchronized void tick(int count, long deadlineNanos) {
        for (Iterator<Socket> it = sockets.iterator(); it.hasNext(); ) {
            Socket socket = it.next();
            try {
                OutputStream out = socket.getOutputStream();
                out.write(probe);
                out.flush();
            } catch (IOException e) {
                droppedByServer++;
                closeQuietly(socket);
                it.remove();
            }
        }
        openUpTo(count, deadlineNanos);
    }

    synchronized long opened() {
        return opened;
    }

    synchronized long refused429() {
        return refused429;
    }

    synchronized long refusedOther() {
        return refusedOther;
    }

    synchronized long failed() {
        return failed;
    }

    /** Connections the server closed (a write to them failed): what it released of what the abuser held. */
    synchronized long droppedByServer() {
        return droppedByServer;
    }

    synchronized int held() {
        return sockets.size();
    }

    @Override
    public synchronized void close() {
        sockets.forEach(SlowSockets::closeQuietly);
        sockets.clear();
    }

    /**
     * Websockets for the holder of {@code token} on {@code wsBase} that complete the handshake (101) and then are never
     * read again; a handshake answered otherwise is a {@link Refused}.
     */
    static Opener neverReadingWebSocket(URI wsBase, String token) {
        InetSocketAddress server = new InetSocketAddress(wsBase.getHost(), wsBase.getPort());
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET /ws/chat/room/?token=" + URLEncoder.encode(token, StandardCharsets.US_ASCII)
                + " HTTP/1.1\r\nHost: " + wsBase.getHost() + ":" + wsBase.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(nonce) + "\r\n\r\n";
        byte[] head = request.getBytes(StandardCharsets.US_ASCII);
        return source -> {
            Socket socket = connect(server, source);
            try {
                socket.getOutputStream().write(head);
                socket.getOutputStream().flush();
                socket.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
                int status = readStatus(socket.getInputStream());
                if (status != 101) {
                    throw new Refused(status);
                }
                return socket;
            } catch (IOException | RuntimeException e) {
                closeQuietly(socket);
                throw e;
            }
        };
    }

    /**
     * Requests {@code POST path} whose head announces a body of {@code contentLength} bytes and is sent whole; the
     * body then comes one {@link #tick} at a time.
     */
    static Opener slowBody(URI httpBase, String path, int contentLength) {
        InetSocketAddress server = new InetSocketAddress(httpBase.getHost(), httpBase.getPort());
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + httpBase.getHost() + ":" + httpBase.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + contentLength + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        return source -> {
            Socket socket = connect(server, source);
            try {
                socket.getOutputStream().write(head);
                socket.getOutputStream().flush();
                return socket;
            } catch (IOException | RuntimeException e) {
                closeQuietly(socket);
                throw e;
            }
        };
    }

    /**
     * Requests {@code GET path} that send their request line and the start of a header, which then grows one
     * {@link #tick} at a time and never ends (slowloris): the head is never complete.
     */
    static Opener slowHead(URI httpBase, String path) {
        InetSocketAddress server = new InetSocketAddress(httpBase.getHost(), httpBase.getPort());
        byte[] start = ("GET " + path + " HTTP/1.1\r\nHost: " + httpBase.getHost() + ":" + httpBase.getPort()
                + "\r\nX-Slow: ").getBytes(StandardCharsets.US_ASCII);
        return source -> {
            Socket socket = connect(server, source);
            try {
                socket.getOutputStream().write(start);
                socket.getOutputStream().flush();
                return socket;
            } catch (IOException | RuntimeException e) {
                closeQuietly(socket);
                throw e;
            }
        };
    }

    /** A masked websocket ping with no payload (RFC 6455 §5.5.2): what a never-reading client still writes. */
    static byte[] maskedPing() {
        byte[] frame = new byte[6];
        frame[0] = (byte) 0x89;
        frame[1] = (byte) 0x80;
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        System.arraycopy(mask, 0, frame, 2, 4);
        return frame;
    }

    /** The status code of an HTTP response head read from {@code in} (up to its blank line); -1 if unreadable. */
    static int readStatus(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed the connection during the handshake");
            }
            if (head.length() >= MAX_RESPONSE_HEAD_BYTES) {
                throw new IOException("the response head is larger than " + MAX_RESPONSE_HEAD_BYTES + " bytes");
            }
            head.append((char) b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] statusLine = head.toString().split("\r\n", 2)[0].split(" ");
        try {
            return statusLine.length >= 2 ? Integer.parseInt(statusLine[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Socket connect(InetSocketAddress server, InetSocketAddress source) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
            socket.setTcpNoDelay(true);
            socket.bind(source);
            socket.connect(server, CONNECT_TIMEOUT_MILLIS);
            return socket;
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone: nothing to release
        }
    }
}
