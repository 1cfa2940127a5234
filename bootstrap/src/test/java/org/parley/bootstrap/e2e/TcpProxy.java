package org.parley.bootstrap.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy for tests, between Parley and a shared service (the machine's PostgreSQL), that a test can cut and
 * restore: the service becomes unreachable for Parley alone, and nothing else on the machine notices.
 * <ul>
 *   <li>{@link #cut()} closes every connection through the proxy (as a crashed or restarted server would) and from then
 *       on closes each new connection as soon as it is accepted;</li>
 *   <li>{@link #restore()} lets new connections through again;</li>
 *   <li>{@link #freeze()} keeps every connection open but forwards nothing more, either way, until {@link #thaw()}
 *       (a network partition that drops packets: the other side is not told, it just hears nothing);</li>
 *   <li>{@link #silenceAfterNextCommit()} lets the next commit of a transaction that inserted messages reach
 *       PostgreSQL, then drops every answer of every connection, so the commit happens but Parley never hears of it
 *       (a commit in doubt), until {@link #cut()}.</li>
 * </ul>
 * Listens on 127.0.0.1, on a free port ({@link #port()}).
 */
final class TcpProxy implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket listening;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean cut;
    private volatile boolean frozen;
    private volatile boolean armed;
    private volatile boolean silenced;

    TcpProxy(String targetHost, int targetPort) throws IOException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listening.getLocalPort();
    }

    /** Closes every connection through the proxy; new ones are closed at once until {@link #restore()}. */
    void cut() {
        cut = true;
        armed = false;
        silenced = false;
        for (Socket socket : open) {
            closeQuietly(socket);
        }
        open.clear();
    }

    /** Lets new connections through again. */
    void restore() {
        cut = false;
    }

    /** Forwards nothing more, on any connection, old or new, until {@link #thaw()}; closes none. */
    void freeze() {
        frozen = true;
    }

    /**
     * The next commit sent on a connection that sent an {@code insert into messages} is forwarded; from then on
     * no answer reaches Parley on any connection, until {@link #cut()} (the dropped answers leave those connections
     * useless: they must be closed, not thawed).
     */
    void silenceAfterNextCommit() {
        armed = true;
    }

    /** Whether the commit armed by {@link #silenceAfterNextCommit()} has gone through to PostgreSQL. */
    boolean silenced() {
        return silenced;
    }

    /** Forwards again. */
    void thaw() {
        frozen = false;
    }

    @Override
    public void close() {
        cut();
        closeQuietly(listening);
    }

    private void acceptLoop() {
        while (!listening.isClosed()) {
            Socket client;
            try {
                client = listening.accept();
            } catch (IOException e) {
                return;
            }
            if (cut) {
                closeQuietly(client);
                continue;
            }
            Socket server = new Socket();
            try {
                server.connect(target, 2_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(server);
                continue;
            }
            open.add(client);
            open.add(server);
            pump(client, server, true);
            pump(server, client, false);
        }
    }

    private void pump(Socket from, Socket to, boolean towardsTheServer) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            boolean insertedMessages = false;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    while (frozen && !from.isClosed()) {
                        Thread.sleep(5);
                    }
                    if (towardsTheServer && armed) {
                        // A group commit transaction sends its inserts in one write, then its commit (pgjdbc soon
                        // sends COMMIT as a prepared statement, so the word itself may not be there): the first write
                        // after the inserts is the commit.
                        boolean inserts = new String(buffer, 0, read, StandardCharsets.ISO_8859_1)
                                .contains("insert into messages");
                        if (insertedMessages && !inserts) {
                            armed = false;
                            silenced = true;
                        }
                        insertedMessages |= inserts;
                    }
                    if (!towardsTheServer && silenced) {
                        continue;
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                // The other side or cut() closed it.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Already closed.
        }
    }
}
