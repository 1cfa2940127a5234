package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.parley.application.port.out.EventDelivery;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * A hostile mix of readers while batches' frames go out joined in arrays that are used again ({@code JoinedBuffers}):
 * readers that keep up, slow readers with a 4 KiB receive buffer that pause, readers that never read until the end (so
 * their joined writes stay queued in Grizzly while the arrays of every other write are taken and given back, until they
 * are closed with 4008 with frames still queued), and readers that read a while then close their socket or reset it
 * (SO_LINGER 0) mid-batch and connect again. Every text is a function of its message id and names its receiver, so
 * every frame any client reads is checked byte for byte: an array given back before Grizzly was done with it (or twice,
 * so two writes share it) shows up as a frame with another message's bytes, a broken frame, or an id out of order.
 */
class BatchedWritesUnderChurnTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCHES = 300;
    private static final int KEEPING_UP = 3;
    private static final int SLOW = 3;
    private static final int STALLED = 2;
    private static final int CHURNING = 4;

    @Test
    void everyFrameAnyReaderGetsIsWholeItsOwnAndInOrderWhileOthersStallCloseAndReset() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults().withMaxPendingBytes(512 * 1024))) {
            User alice = server.user("alice");
            List<User> receivers = new ArrayList<>();
            List<Kind> kinds = new ArrayList<>();
            for (Kind kind : Kind.values()) {
                int count = switch (kind) {
                    case KEEPING_UP -> KEEPING_UP;
                    case SLOW -> SLOW;
                    case STALLED -> STALLED;
                    case CHURNING -> CHURNING;
                };
                for (int i = 0; i < count; i++) {
                    receivers.add(server.user("r" + receivers.size()));
                    kinds.add(kind);
                }
            }
            Queue<String> problems = new ConcurrentLinkedQueue<>();
            AtomicBoolean sending = new AtomicBoolean(true);
            Reader alices = new Reader(server.port, "alice", -1, Kind.KEEPING_UP, problems, sending);
            List<Reader> readers = new ArrayList<>();
            for (int r = 0; r < receivers.size(); r++) {
                readers.add(new Reader(server.port, "r" + r, r, kinds.get(r), problems, sending));
            }
            awaitConnections(server, receivers.size() + 1);
            Set<UserId> stalled = ConcurrentHashMap.newKeySet();
            for (int r = 0; r < receivers.size(); r++) {
                if (kinds.get(r) == Kind.STALLED) {
                    stalled.add(receivers.get(r).id());
                }
            }

            Random random = new Random(2026);
            List<List<Long>> sentTo = new ArrayList<>();
            receivers.forEach(receiver -> sentTo.add(new ArrayList<>()));
            List<Long> sentAll = new ArrayList<>();
            long id = 1;
            for (int b = 0; b < BATCHES; b++) {
                int size = 1 + random.nextInt(40);
                EventDelivery.Batch batch = server.delivery.openBatch();
                for (int i = 0; i < size; i++) {
                    int r = random.nextInt(receivers.size());
                    sentTo.get(r).add(id);
                    sentAll.add(id);
                    batch.deliver(StoredTexts.stored(id, alice.id(), receivers.get(r).id(), text(id, r)));
                    id++;
                }
                batch.close();
                if (random.nextInt(8) == 0) {
                    // One event alone between batches: written at once, after the batch before it.
                    int r = random.nextInt(receivers.size());
                    sentTo.get(r).add(id);
                    sentAll.add(id);
                    server.delivery.deliver(StoredTexts.stored(id, alice.id(), receivers.get(r).id(), text(id, r)));
                    id++;
                }
                // Pace on the readers that read, never on the stalled ones (they are meant to reach the bound).
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (problems.isEmpty() && server.connections.all().stream().anyMatch(c ->
                        !stalled.contains(c.user()) && !c.stoppedWriting() && c.pendingBytes() > 128 * 1024)) {
                    assertThat(System.nanoTime()).as("readers keep up").isLessThan(deadline);
                    Thread.sleep(1);
                }
                if (!problems.isEmpty()) {
                    break;
                }
            }
            sending.set(false);
            assertThat(problems).as("frames read that are not whole, not their own, or out of order").isEmpty();

            alices.awaitIds(sentAll.size());
            for (int r = 0; r < receivers.size(); r++) {
                if (kinds.get(r) == Kind.KEEPING_UP || kinds.get(r) == Kind.SLOW) {
                    readers.get(r).awaitIds(sentTo.get(r).size());
                }
            }
            for (int r = 0; r < receivers.size(); r++) {
                if (kinds.get(r) == Kind.STALLED) {
                    readers.get(r).drain();
                }
            }
            readers.forEach(Reader::stop);
            alices.stop();

            assertThat(problems).as("frames read that are not whole, not their own, or out of order").isEmpty();
            assertThat(alices.ids).as("alice's conf_message frames").containsExactlyElementsOf(sentAll);
            assertThat(alices.closeCode.get()).isZero();
            for (int r = 0; r < receivers.size(); r++) {
                Reader reader = readers.get(r);
                switch (kinds.get(r)) {
                    case KEEPING_UP, SLOW -> {
                        assertThat(reader.ids).as("r%d (%s)", r, kinds.get(r)).containsExactlyElementsOf(sentTo.get(r));
                        assertThat(reader.closeCode.get()).as("r%d not closed", r).isZero();
                    }
                    case STALLED -> {
                        System.out.printf("stalled r%d read %d of %d frames, then %s%n", r, reader.ids.size(),
                                sentTo.get(r).size(), reader.ended);
                        assertThat(reader.ended).as("r%d closed as a slow consumer", r)
                                .isIn("close 4008", "released after its close");
                        assertThat(reader.ids).as("r%d read an unbroken prefix", r)
                                .isEqualTo(sentTo.get(r).subList(0, Math.min(reader.ids.size(), sentTo.get(r).size())));
                        if (reader.ended.equals("close 4008")) {
                            // A socket the server reset 2 s after its close (released) loses what the kernel held for
                            // it unread (TCP drops a receive buffer on a reset): on a loaded machine the drain may
                            // start after that, and read nothing.
                            assertThat(reader.ids).as("r%d read what was queued before the close", r).isNotEmpty();
                        }
                    }
                    case CHURNING -> {
                        assertThat(reader.connections.get()).as("r%d connected again", r).isGreaterThan(2);
                        assertThat(sentTo.get(r)).as("r%d read a subsequence", r).containsAll(reader.ids);
                    }
                }
            }
            JoinedBuffers arrays = server.delivery.joinedArrays();
            assertThat(arrays.kept()).as("arrays kept").isPositive()
                    .isLessThanOrEqualTo(JoinedBuffers.KEPT_PER_SIZE * 7);
        }
    }

    /** How a reader reads. */
    private enum Kind { KEEPING_UP, SLOW, STALLED, CHURNING }

    private static void awaitConnections(TestServer server, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (server.connections.all().size() < count) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /**
     * The text of message {@code id} to receiver {@code r}: its id and receiver, then characters (some of them two and
     * three UTF-8 bytes) drawn from the id, of a length drawn from it: mostly short, some of several KiB, a few longer
     * than a joined write.
     */
    static String text(long id, int r) {
        Random random = new Random(id * 7919);
        int kind = random.nextInt(100);
        int length = kind < 60 ? 10 + random.nextInt(200) : kind < 90 ? 500 + random.nextInt(3_000)
                : kind < 98 ? 5_000 + random.nextInt(15_000) : 40_000 + random.nextInt(40_000);
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789é€ж";
        StringBuilder text = new StringBuilder(length + 24).append('m').append(id).append('r').append(r).append(':');
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }


    /** One user's connections, read on a thread of its own, every text frame checked. */
    private static final class Reader {

        private final int port;
        private final String name;
        /** The receiver index its texts must name; -1 for the sender (conf_message of every receiver). */
        private final int receiver;
        private final Kind kind;
        private final Queue<String> problems;
        private final AtomicBoolean sending;
        private final Random random;
        final List<Long> ids = new CopyOnWriteArrayList<>();
        final AtomicInteger closeCode = new AtomicInteger();
        /** How a stalled reader's connection ended. */
        volatile String ended = "not ended";
        final AtomicInteger connections = new AtomicInteger();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicBoolean drain = new AtomicBoolean();
        private volatile RawClient client;
        private final Thread thread;
        private long last;

        Reader(int port, String name, int receiver, Kind kind, Queue<String> problems, AtomicBoolean sending)
                throws IOException {
            this.port = port;
            this.name = name;
            this.receiver = receiver;
            this.kind = kind;
            this.problems = problems;
            this.sending = sending;
            this.random = new Random(name.hashCode());
            this.client = connect();
            this.thread = new Thread(this::run, "reader " + name);
            thread.setDaemon(true);
            thread.start();
        }

        private RawClient connect() throws IOException {
            RawClient connected = RawClient.handshake(port, "token-" + name, Map.of(),
                    kind == Kind.KEEPING_UP ? 0 : 4096);
            assertThat(connected.status()).isEqualTo(101);
            connected.socket.setSoTimeout(200);
            connections.incrementAndGet();
            return connected;
        }

        private void run() {
            try {
                if (kind == Kind.STALLED) {
                    while (!drain.get() && !stop.get()) {
                        Thread.sleep(5);
                    }
                }
                int untilChurn = 20 + random.nextInt(200);
                int read = 0;
                while (!stop.get()) {
                    RawClient.Frame frame;
                    try {
                        frame = client.read();
                    } catch (SocketTimeoutException idle) {
                        if (drain.get() && kind == Kind.STALLED) {
                            ended = "open after everything queued was read";
                            return;
                        }
                        continue;
                    } catch (IOException gone) {
                        if (kind == Kind.STALLED && drain.get()) {
                            ended = "released after its close"; // the server reset the socket after its 4008 close
                            return;
                        }
                        problems.add(name + ": connection ended without a close frame: " + gone);
                        return;
                    }
                    if (frame.opcode() == RawClient.TEXT) {
                        check(frame);
                        read++;
                    } else if (frame.opcode() == RawClient.CLOSE) {
                        closeCode.set(frame.closeCode());
                        ended = "close " + frame.closeCode();
                        if (kind != Kind.STALLED) {
                            problems.add(name + ": closed with " + frame.closeCode());
                        }
                        return;
                    } else if (frame.opcode() != RawClient.PING) {
                        problems.add(name + ": opcode " + frame.opcode());
                        return;
                    }
                    if (kind == Kind.SLOW && read % 16 == 0) {
                        Thread.sleep(random.nextInt(10) == 0 ? 50 : 2);
                    }
                    if (kind == Kind.CHURNING && read >= untilChurn && sending.get()) {
                        if (random.nextBoolean()) {
                            client.socket.setSoLinger(true, 0); // a reset, not a close
                        }
                        client.close();
                        client = connect();
                        read = 0;
                        untilChurn = 20 + random.nextInt(200);
                    }
                }
            } catch (Throwable failed) {
                problems.add(name + ": " + failed);
            }
        }

        /** The frame is a whole seed frame of its own receiver, with the exact text of its id, after the last one. */
        private void check(RawClient.Frame frame) {
            JsonNode json;
            try {
                json = JSON.readTree(frame.payload());
            } catch (IOException notJson) {
                problems.add(name + ": not JSON after id " + last + ": " + abbreviated(frame.text()));
                return;
            }
            String action = json.path("action").asText();
            String expectedAction = receiver < 0 ? "conf_message" : "re_message";
            String text = json.path("message").asText();
            int r = text.indexOf('r');
            int colon = text.indexOf(':');
            if (!action.equals(expectedAction) || !text.startsWith("m") || r < 0 || colon < r) {
                problems.add(name + ": unexpected frame after id " + last + ": " + abbreviated(frame.text()));
                return;
            }
            long id = Long.parseLong(text.substring(1, r));
            int to = Integer.parseInt(text.substring(r + 1, colon));
            if (receiver >= 0 && to != receiver) {
                problems.add(name + ": frame of receiver " + to + " (id " + id + ")");
            }
            if (!text.equals(text(id, to))) {
                problems.add(name + ": the text of id " + id + " differs from what was sent");
            }
            if (id <= last) {
                problems.add(name + ": id " + id + " after " + last);
            }
            last = id;
            ids.add(id);
        }

        private static String abbreviated(String text) {
            return text.length() <= 120 ? text : text.substring(0, 120) + "…";
        }

        void awaitIds(int count) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (ids.size() < count && thread.isAlive() && problems.isEmpty()) {
                assertThat(System.nanoTime()).as("%s: %d of %d frames read", name, ids.size(), count)
                        .isLessThan(deadline);
                Thread.sleep(5);
            }
        }

        /** Reads what the server queued for it, to its close frame (a stalled reader). */
        void drain() throws InterruptedException {
            drain.set(true);
            thread.join(60_000);
        }

        void stop() {
            stop.set(true);
            try {
                thread.join(5_000);
                client.close();
            } catch (InterruptedException | IOException ignored) {
                // The test is over.
            }
        }
    }
}
