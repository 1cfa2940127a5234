package org.parley.bootstrap.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
 *       (a network partition that drops packets: the other side is not told, it just hears nothing).</li>
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
            pump(client, server);
            pump(server, client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    while (frozen && !from.isClosed()) {
                        Thread.sleep(5);
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
