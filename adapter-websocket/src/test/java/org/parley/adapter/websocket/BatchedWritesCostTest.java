package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.parley.adapter.websocket.container.RecordingSocket;
import org.parley.application.port.out.ChatMetrics;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageStored;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * Counts (does not time) what delivering a committed batch at once saves the delivering thread: socket writes per
 * message (counted at the writer Grizzly gives Tyrus, {@link RecordingSocket}) and bytes allocated per message
 * ({@code ThreadMXBean.getCurrentThreadAllocatedBytes}, over real Grizzly connections of a {@link TestServer}, each
 * read by a client that discards what it reads), delivering each event alone (as before issue 16) and each batch
 * through {@link EventDelivery#openBatch()}. 100 pairs, one connection each, a 100-character text; batches of 8, 16
 * and 32 messages, their senders drawn at random (most connections get one frame of a batch) or in runs of 8
 * messages of one sender (a client's window of 8 answered at once, then refilled at once).
 */
class BatchedWritesCostTest {

    private static final int PAIRS = 100;
    private static final int WARM_UP_BATCHES = 1_500;
    private static final int MEASURED_BATCHES = 1_500;
    private static final String TEXT = "x".repeat(100);

    private final UserId[] senders = new UserId[PAIRS];
    private final UserId[] receivers = new UserId[PAIRS];
    private long nextId = 1;

    @Test
    void aBatchsFramesToOneConnectionCostOneWriteAndLessAllocation() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            List<Drain> drains = new ArrayList<>();
            for (int i = 0; i < PAIRS; i++) {
                User sender = server.user("s" + i);
                User receiver = server.user("r" + i);
                senders[i] = sender.id();
                receivers[i] = receiver.id();
                drains.add(new Drain(server, sender));
                drains.add(new Drain(server, receiver));
            }
            awaitConnected(server);
            for (int size : new int[] {8, 16, 32}) {
                for (int run : new int[] {1, 8}) {
                    Counted alone = measure(server, size, run, false);
                    Counted batched = measure(server, size, run, true);
                    System.out.printf("batch %2d, runs of %d: socket writes per message %.2f alone, %.2f batched;"
                            + " bytes allocated per message %,d alone, %,d batched%n", size, run, alone.writes,
                            batched.writes, alone.bytes, batched.bytes);
                    assertThat(alone.writes).isEqualTo(2.0);
                    assertThat(batched.writes).isLessThanOrEqualTo(2.0);
                    if (run == 8) {
                        assertThat(batched.writes).isLessThanOrEqualTo(2.0 / 8 * 1.01);
                        assertThat(batched.bytes).isLessThan(alone.bytes);
                    }
                }
            }
            for (Drain drain : drains) {
                drain.close();
            }
        }
    }

    private record Counted(double writes, long bytes) {
    }

    private Counted measure(TestServer server, int size, int run, boolean batched) throws InterruptedException {
        Random random = new Random(size * 31L + run);
        double writes = writesPerMessage(batches(random, size, run, 200), batched);
        deliver(server, batches(random, size, run, WARM_UP_BATCHES), batched);
        List<List<MessageStored>> measured = batches(random, size, run, MEASURED_BATCHES);
        long bytes = deliver(server, measured, batched);
        return new Counted(writes, bytes / ((long) size * MEASURED_BATCHES));
    }

    /** Socket writes per message over one recording connection per user. */
    private double writesPerMessage(List<List<MessageStored>> batches, boolean batched) {
        ConnectionRegistry registry = new ConnectionRegistry();
        List<RecordingSocket> sockets = new ArrayList<>();
        for (UserId user : concat(senders, receivers)) {
            RecordingSocket socket = new RecordingSocket();
            sockets.add(socket);
            registry.add(new LiveConnection(user, new FakeSession().session, 0, 1 << 30, () -> { },
                    ChatMetrics.none(), socket.frames()));
        }
        WebSocketDelivery delivery = new WebSocketDelivery(registry, TestServer.SEED_FRAMES);
        int messages = 0;
        for (List<MessageStored> batch : batches) {
            deliverOne(delivery, batch, batched);
            messages += batch.size();
        }
        long writes = sockets.stream().mapToLong(socket -> socket.writes().size()).sum();
        return writes / (double) messages;
    }

    /** Bytes this thread allocated delivering {@code batches}, pausing (not counted) while clients catch up. */
    private long deliver(TestServer server, List<List<MessageStored>> batches, boolean batched)
            throws InterruptedException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated = 0;
        int since = 0;
        for (List<MessageStored> batch : batches) {
            long before = threads.getCurrentThreadAllocatedBytes();
            deliverOne(server.delivery, batch, batched);
            allocated += threads.getCurrentThreadAllocatedBytes() - before;
            if (++since == 20) {
                since = 0;
                awaitWritten(server);
            }
        }
        awaitWritten(server);
        return allocated;
    }

    private static void deliverOne(WebSocketDelivery delivery, List<MessageStored> batch, boolean batched) {
        if (batched) {
            EventDelivery.Batch open = delivery.openBatch();
            for (MessageStored event : batch) {
                open.deliver(event);
            }
            open.close();
        } else {
            for (MessageStored event : batch) {
                delivery.deliver(event);
            }
        }
    }

    private List<List<MessageStored>> batches(Random random, int size, int run, int count) {
        List<List<MessageStored>> batches = new ArrayList<>(count);
        for (int b = 0; b < count; b++) {
            List<MessageStored> batch = new ArrayList<>(size);
            while (batch.size() < size) {
                int pair = random.nextInt(PAIRS);
                for (int i = 0; i < run && batch.size() < size; i++) {
                    batch.add(stored(pair));
                }
            }
            batches.add(batch);
        }
        return batches;
    }

    private MessageStored stored(int pair) {
        Instant at = Instant.parse("2025-03-14T10:36:22.680911Z");
        Message message = new Message(new MessageId(nextId++), new ThreadId(pair + 1), senders[pair], receivers[pair],
                new MessageContent.Text(TEXT), at, at);
        return new MessageStored(message, DeliveryPolicy.forStoredMessage(message), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    private static UserId[] concat(UserId[] a, UserId[] b) {
        UserId[] all = new UserId[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void awaitConnected(TestServer server) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (server.connections.all().size() < 2 * PAIRS) {
            assertThat(System.nanoTime()).as("all connected").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static void awaitWritten(TestServer server) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (server.connections.all().stream().anyMatch(connection -> connection.pendingBytes() > 0)) {
            assertThat(System.nanoTime()).as("clients caught up").isLessThan(deadline);
            Thread.sleep(1);
        }
        assertThat(server.connections.all()).noneMatch(LiveConnection::stoppedWriting);
    }

    /** A client that reads and discards everything, on its own thread. */
    private static final class Drain implements AutoCloseable {

        private final RawClient client;
        private final Thread reader;

        Drain(TestServer server, User user) throws IOException {
            client = RawClient.handshake(server.port, "token-" + user.profile().fullname(), Map.of());
            assertThat(client.status()).isEqualTo(101);
            client.socket.setSoTimeout(0);
            InputStream in = client.in;
            reader = new Thread(() -> {
                byte[] buffer = new byte[64 * 1024];
                try {
                    while (in.read(buffer) >= 0) {
                        // discarded
                    }
                } catch (IOException closed) {
                    // the end
                }
            }, "drain");
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        public void close() throws IOException {
            client.close();
        }
    }
}
