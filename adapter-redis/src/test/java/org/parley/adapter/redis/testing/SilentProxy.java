package org.parley.adapter.redis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of a Redis of a test's own, on a free port of 127.0.0.1, that can make the connections it
 * carries die silently ({@link #silenceEstablished}): from then on it throws away whatever either side sends on them,
 * and closes nothing. Neither side learns of it (their TCP acknowledges as before), as with a connection whose other
 * end went away without a word: a NAT or firewall that forgot it, a failover to another address, a host that lost
 * power. Connections made afterwards are carried as before, unless {@link #silenceAll} silenced them too. It can also
 * hold what is sent on them until it is released ({@link #holdEstablished}, {@link #holdNew}, {@link #release}), as a
 * slow network would: nothing is lost; or cut them ({@link #cutEstablished}), as a crash of Redis would.
 */
public final class SilentProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int target;
    private final List<Carried> carried = new CopyOnWriteArrayList<>();
    private final Thread accepting;
    private volatile boolean silenceNew;
    private volatile boolean holdNew;

    private SilentProxy(int target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.accepting = new Thread(this::acceptLoop, "silent-proxy-accept");
        accepting.setDaemon(true);
        accepting.start();
    }

    /** A proxy to 127.0.0.1:{@code target}. */
    public static SilentProxy to(int target) {
        try {
            return new SilentProxy(target);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot open the proxy's port", e);
        }
    }

    /** {@code redis://127.0.0.1:port} of this proxy. */
    public String url() {
        return "redis://127.0.0.1:" + server.getLocalPort();
    }

    /** Every connection carried now stops carrying anything, both ways, and stays open. */
    public void silenceEstablished() {
        carried.forEach(connection -> connection.silent = true);
    }

    /** As {@link #silenceEstablished}, and every connection made from now on carries nothing either. */
    public void silenceAll() {
        silenceNew = true;
        silenceEstablished();
    }

    /**
     * Ends {@link #silenceAll}: every connection carried now is cut ({@link #cutEstablished}: a silenced one has lost
     * what it was sent), and connections made from now on carry as before.
     */
    public void speakAgain() {
        silenceNew = false;
        cutEstablished();
    }

    /** Every connection carried now holds what either side sends on it until {@link #release} is called for it. */
    public void holdEstablished() {
        carried.forEach(connection -> connection.held = true);
    }

    /** Every connection made from now on holds what either side sends on it until {@link #release} is called for it. */
    public void holdNew() {
        holdNew = true;
    }

    /** Connection number {@code index} (from 0, in the order they were made) carries what it held, and goes on. */
    public void release(int index) {
        Carried connection = carried.get(index);
        synchronized (connection) {
            connection.held = false;
            connection.notifyAll();
        }
    }

    /**
     * Every connection carried now is closed, both its sockets, and what it held is thrown away: to the client, as
     * when Redis dies or a network cuts the connection. Connections made afterwards are carried as before.
     */
    public void cutEstablished() {
        carried.forEach(Carried::close);
    }

    /** Whether connection number {@code index} (from 0, in the order they were made) is still open. */
    public boolean isOpen(int index) {
        return !carried.get(index).closed;
    }

    /** How many bytes the client of connection number {@code index} has sent on it, carried or not. */
    public long bytesFromClient(int index) {
        return carried.get(index).fromClient.get();
    }

    /** How many connections it has carried. */
    public int connectionsMade() {
        return carried.size();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        carried.forEach(Carried::close);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket redis = new Socket();
                redis.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 2_000);
                Carried connection = new Carried(client, redis);
                carried.add(connection); // before the flag is read: silenceAll sets it, then silences those listed
                connection.silent = silenceNew;
                connection.held = holdNew;
                connection.start();
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    /** One connection through the proxy: a client's socket and the proxy's to Redis, copied both ways. */
    private static final class Carried {
        private final Socket client;
        private final Socket redis;
        private volatile boolean silent;
        private volatile boolean held;
        private volatile boolean closed;
        private final AtomicLong fromClient = new AtomicLong();

        Carried(Socket client, Socket redis) {
            this.client = client;
            this.redis = redis;
        }

        void start() throws IOException {
            copy(client.getInputStream(), redis.getOutputStream(), "silent-proxy-up", fromClient);
            copy(redis.getInputStream(), client.getOutputStream(), "silent-proxy-down", new AtomicLong());
        }

        private void copy(InputStream from, OutputStream to, String name, AtomicLong count) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[16 * 1024];
                try {
                    int read;
                    while ((read = from.read(buffer)) >= 0) {
                        count.addAndGet(read);
                        awaitRelease();
                        if (!silent && !closed) {
                            to.write(buffer, 0, read);
                            to.flush();
                        }
                    }
                } catch (IOException ended) {
                    // one side closed
                }
                if (!silent) {
                    close();
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        private synchronized void awaitRelease() throws IOException {
            while (held && !closed) {
                try {
                    wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while held", e);
                }
            }
        }

        void close() {
            synchronized (this) {
                closed = true;
                notifyAll();
            }
            for (Socket socket : List.of(client, redis)) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }
}
