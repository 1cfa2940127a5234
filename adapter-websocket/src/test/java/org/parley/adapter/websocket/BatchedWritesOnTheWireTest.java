package org.parley.adapter.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.parley.application.port.out.EventDelivery;
import org.parley.domain.user.User;

/**
 * Batches' frames joined into one write each ({@link EventDelivery#openBatch()}), over real Grizzly connections read by
 * clients with a small receive buffer that read slowly, so that writes are partial and queued and the arrays frames are
 * joined in are used again ({@code JoinedBuffers}) while others wait: every frame arrives whole, with its own text, in
 * the order delivered, and no connection is closed.
 */
class BatchedWritesOnTheWireTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCHES = 400;

    @Test
    void everyFrameOfEveryBatchArrivesWholeAndInOrderThroughSlowReaders() throws Exception {
        try (TestServer server = new TestServer(WebSocketSettings.defaults())) {
            User alice = server.user("alice");
            User bob = server.user("bob");
            User carol = server.user("carol");
            Reader bobs = new Reader(RawClient.handshake(server.port, "token-bob", Map.of(), 4096));
            Reader alices = new Reader(RawClient.handshake(server.port, "token-alice", Map.of(), 4096));
            Reader carols = new Reader(RawClient.handshake(server.port, "token-carol", Map.of(), 4096));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (server.connections.all().size() < 3) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(10);
            }
            Random random = new Random(16);
            List<String> toBob = new ArrayList<>();
            List<String> toCarol = new ArrayList<>();
            long id = 1;
            long mostPending = 0;
            for (int b = 0; b < BATCHES; b++) {
                EventDelivery.Batch batch = server.delivery.openBatch();
                int size = 1 + random.nextInt(32);
                for (int i = 0; i < size; i++) {
                    boolean forBob = random.nextInt(3) > 0;
                    String text = "m" + id + " " + "abcdefghijklmnopqrstuvwxyzé€".repeat(1 + random.nextInt(40));
                    (forBob ? toBob : toCarol).add(text);
                    batch.deliver(StoredTexts.stored(id++, alice.id(), (forBob ? bob : carol).id(), text));
                }
                batch.close();
                mostPending = Math.max(mostPending, server.connections.all().stream()
                        .mapToLong(LiveConnection::pendingBytes).max().orElse(0));
                while (server.connections.all().stream().anyMatch(c -> c.pendingBytes() > 256 * 1024)) {
                    Thread.sleep(1);
                }
            }
            bobs.awaitTexts(toBob.size());
            carols.awaitTexts(toCarol.size());
            alices.awaitTexts(toBob.size() + toCarol.size());

            assertThat(bobs.texts("re_message")).containsExactlyElementsOf(toBob);
            assertThat(carols.texts("re_message")).containsExactlyElementsOf(toCarol);
            List<String> confirmed = alices.texts("conf_message");
            assertThat(confirmed).hasSize(toBob.size() + toCarol.size());
            for (int i = 0; i < confirmed.size(); i++) {
                assertThat(confirmed.get(i)).startsWith("m" + (i + 1) + " ");
            }
            assertThat(confirmed).containsAll(toBob).containsAll(toCarol);
            assertThat(server.connections.all()).hasSize(3).noneMatch(LiveConnection::stoppedWriting);
            assertThat(mostPending).as("writes waited for the slow readers").isGreaterThan(64 * 1024);
            bobs.close();
            alices.close();
            carols.close();
        }
    }


    /** Reads a connection's frames on its own thread, slowly: a pause every 64 frames. */
    private static final class Reader implements AutoCloseable {

        private final RawClient client;
        private final List<RawClient.Frame> frames = new CopyOnWriteArrayList<>();
        private volatile Throwable failed;

        Reader(RawClient client) throws IOException {
            this.client = client;
            assertThat(client.status()).isEqualTo(101);
            client.socket.setSoTimeout(0);
            Thread thread = new Thread(() -> {
                try {
                    while (true) {
                        RawClient.Frame frame = client.read();
                        if (frame.opcode() == RawClient.TEXT) {
                            frames.add(frame);
                            if (frames.size() % 64 == 0) {
                                Thread.sleep(2);
                            }
                        } else if (frame.opcode() == RawClient.CLOSE) {
                            return;
                        }
                    }
                } catch (IOException | InterruptedException end) {
                    failed = end;
                }
            }, "slow reader");
            thread.setDaemon(true);
            thread.start();
        }

        void awaitTexts(int count) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (frames.size() < count) {
                assertThat(System.nanoTime()).as("%d of %d frames read", frames.size(), count).isLessThan(deadline);
                Thread.sleep(5);
            }
        }

        /** The texts of the frames read, each checked to be a frame of {@code action}. */
        List<String> texts(String action) throws IOException {
            List<String> texts = new ArrayList<>();
            for (RawClient.Frame frame : frames) {
                JsonNode json = JSON.readTree(frame.payload());
                assertThat(json.get("action").asText()).isEqualTo(action);
                texts.add(json.get("message").asText());
            }
            return texts;
        }

        @Override
        public void close() throws IOException {
            client.close();
        }
    }
}
