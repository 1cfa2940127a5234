package org.parley.bootstrap.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * The commands a Redis receives from its clients while this is open ({@code MONITOR} on a plain socket, RESP2), for
 * tests that count what a node asks Redis. Commands run by scripts ({@code [0 lua]}) are left out: a script counts once,
 * as its {@code EVAL}. Lines are kept whole (timestamp, client, command and arguments quoted).
 */
final class RedisMonitor implements AutoCloseable {

    private final Socket socket;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private RedisMonitor(Socket socket) {
        this.socket = socket;
        this.reader = new Thread(this::read, "redis-monitor");
        this.reader.setDaemon(true);
    }

    /** Monitors the Redis of {@code url} ({@code redis://[user:password@]host[:port][/db]}, no TLS) from now on. */
    static RedisMonitor start(String url) throws IOException {
        URI uri = URI.create(url);
        Socket socket = new Socket(uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort());
        socket.setSoTimeout(0);
        RedisMonitor monitor = new RedisMonitor(socket);
        OutputStream out = socket.getOutputStream();
        if (uri.getUserInfo() != null) {
            String[] parts = uri.getUserInfo().split(":", 2);
            String auth = parts.length == 2 && !parts[0].isEmpty() ? "AUTH " + parts[0] + " " + parts[1]
                    : "AUTH " + parts[parts.length - 1];
            out.write((auth + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        out.write("MONITOR\r\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        monitor.reader.start();
        long answers = uri.getUserInfo() == null ? 1 : 2; // AUTH's +OK first, then MONITOR's
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (monitor.oks() < answers && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
        if (monitor.oks() < answers) {
            monitor.close();
            throw new IOException("Redis at " + uri.getHost() + " did not start MONITOR: " + monitor.lines);
        }
        return monitor;
    }

    private long oks() {
        return lines.stream().filter(line -> line.equals("+OK")).count();
    }

    /** How many commands from clients so far name {@code text} (a key, say). */
    long commandsNaming(String text) {
        return lines.stream().filter(line -> line.contains(text) && !line.contains(" lua]")).count();
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
        } catch (IOException closed) {
            // closed by close()
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
