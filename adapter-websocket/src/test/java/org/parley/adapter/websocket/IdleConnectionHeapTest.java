package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.parley.domain.user.User;

/**
 * What an idle websocket keeps on the heap, counted (not timed): a real server in this JVM, {@value #CONNECTIONS}
 * authenticated connections that send nothing, and the live heap's class histogram ({@code GC.class_histogram}, which
 * collects first) before and after them; per class, the difference over the connections. The clients are plain
 * blocking sockets ({@link RawClient}), so no class of Parley, Tyrus or Grizzly is theirs.
 *
 * <p>Pins the bytes per connection of the websocket adapter's own classes (docs/PERFORMANCE.md, "Idle connections,
 * sixth step"): a field or object added to every connection fails it. Prints the largest classes per connection
 * (JDK classes mix the server's objects with the clients').
 */
class IdleConnectionHeapTest {

    private static final int CONNECTIONS = 400;
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");

    /** Instances and bytes of one class in a histogram. */
    record Row(long instances, long bytes) {
    }

    @Test
    void anIdleConnectionKeepsFewBytesOfTheAdaptersOwn() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            List<User> users = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS + 20; i++) {
                users.add(server.user("idle" + i));
            }
            // Warm-up: what the first connections make once (pools, buffers, tables) is not a connection's.
            List<RawClient> warm = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                warm.add(RawClient.handshake(server.port, "token-idle" + (CONNECTIONS + i), Map.of(), 0));
            }
            HandshakeLimitsTest.awaitTrue(() -> server.connections.count() == 20, "warm-up connections");
            for (RawClient client : warm) {
                client.close();
            }
            HandshakeLimitsTest.awaitTrue(() -> server.connections.count() == 0, "warm-up connections closed");

            // The warm-up connections' objects are gone (Tyrus and Grizzly let go of a closed one a little later).
            Map<String, Row> before = histogram();
            for (int i = 0; i < 100 && before.containsKey(LiveConnection.class.getName()); i++) {
                Thread.sleep(100);
                before = histogram();
            }
            assertThat(before).as("the warm-up connections are gone").doesNotContainKey(LiveConnection.class.getName());
            List<RawClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    RawClient client = RawClient.handshake(server.port, "token-idle" + i, Map.of(), 0);
                    assertThat(client.head).startsWith("HTTP/1.1 101");
                    clients.add(client);
                }
                HandshakeLimitsTest.awaitTrue(() -> server.connections.count() == CONNECTIONS, "all registered");
                Map<String, Row> after = histogram();
                Map<String, Row> perConnection = difference(before, after);
                print(perConnection);

                long adapters = bytesOf(perConnection, "org.parley.adapter.websocket.");
                long parley = bytesOf(perConnection, "org.parley.");
                System.out.printf("per connection: adapter-websocket %d B, Parley %d B, Tyrus %d B, Grizzly %d B,"
                                + " all %d B%n", adapters, parley, bytesOf(perConnection, "org.glassfish.tyrus."),
                        bytesOf(perConnection, "org.glassfish.grizzly."), bytesOf(perConnection, ""));
                // LiveConnection 80, GuardedConnection 72, FrameLane 48, Handlers 32, FrameWriter 24: 256 B. Nothing
                // else of the adapter's stays with an idle connection (no user, no lease object of its own).
                assertThat(adapters).as("bytes per idle connection of the adapter's own classes").isLessThanOrEqualTo(256);
                // Tyrus's session shares its request URI and its two emptied parameter maps (GuardedEngine): none of
                // these per connection (hundredths of an instance; the clients make neither).
                assertThat(hundredthsOf(perConnection, "java.net.URI")).as("request URIs per connection").isLessThan(10);
                assertThat(hundredthsOf(perConnection, "java.util.Collections$UnmodifiableMap"))
                        .as("read-only parameter maps per connection").isLessThan(10);
            } finally {
                for (RawClient client : clients) {
                    client.close();
                }
            }
        }
    }

    /** Instances per connection of {@code className}, in hundredths. */
    private static long hundredthsOf(Map<String, Row> perConnection, String className) {
        return perConnection.getOrDefault(className, new Row(0, 0)).instances();
    }

    /** Bytes per connection of the classes named {@code prefix…}, the tests' own classes (this one's rows) left out. */
    private static long bytesOf(Map<String, Row> perConnection, String prefix) {
        return perConnection.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .filter(e -> !ofTheTests(e.getKey()))
                .mapToLong(e -> e.getValue().bytes()).sum();
    }

    /** Whether {@code className} was loaded from the test classes (this module's {@code target/test-classes}). */
    private static boolean ofTheTests(String className) {
        if (!className.startsWith("org.parley.")) {
            return false;
        }
        try {
            Class<?> type = Class.forName(className, false, IdleConnectionHeapTest.class.getClassLoader());
            return type.getProtectionDomain().getCodeSource().getLocation().getPath().contains("test-classes");
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Per class, (after − before) / {@value #CONNECTIONS}, rounded to the nearest whole. */
    private static Map<String, Row> difference(Map<String, Row> before, Map<String, Row> after) {
        Map<String, Row> perConnection = new HashMap<>();
        after.forEach((name, row) -> {
            Row was = before.getOrDefault(name, new Row(0, 0));
            long bytes = Math.round((row.bytes() - was.bytes()) / (double) CONNECTIONS);
            long instances = Math.round((row.instances() - was.instances()) * 100 / (double) CONNECTIONS);
            if (bytes != 0) {
                perConnection.put(name, new Row(instances, bytes));
            }
        });
        return perConnection;
    }

    private static void print(Map<String, Row> perConnection) {
        perConnection.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, Row> e) -> -e.getValue().bytes()))
                .limit(60)
                .forEach(e -> System.out.printf("%6d B %7.2f  %s%n", e.getValue().bytes(),
                        e.getValue().instances() / 100.0, e.getKey()));
    }

    /** This JVM's live heap by class: {@code GC.class_histogram} (a full collection first). */
    static Map<String, Row> histogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, Row> rows = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                rows.merge(row.group(3), new Row(Long.parseLong(row.group(1)), Long.parseLong(row.group(2))),
                        (a, b) -> new Row(a.instances() + b.instances(), a.bytes() + b.bytes()));
            }
        }
        return rows;
    }
}
