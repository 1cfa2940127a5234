package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.e2e.People.Person;

/** "One thread per pair" holds when both people write their first messages at the same moment. */
class ConcurrentFirstMessagesTest {

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley();

    @Test
    void fiftyConcurrentFirstMessagesBetweenOnePairMakeOneThread() throws Exception {
        HttpApi api = new HttpApi(SERVER.httpBase());
        People people = new People(api);
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");

        List<ChatSocket> sockets = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            for (int i = 0; i < 50; i++) {
                sockets.add(ChatSocket.connect(SERVER.wsBase(), i % 2 == 0 ? alice.access() : bob.access()));
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ChatSocket socket = sockets.get(i);
                String receiver = i % 2 == 0 ? bob.id() : alice.id();
                String body = "first #" + i;
                sends.add(pool.submit(() -> {
                    start.await();
                    socket.send(Frames.text(receiver, body, "c" + body.hashCode()));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> send : sends) {
                send.get(20, TimeUnit.SECONDS);
            }

            // Every connection of a user gets every frame of that user: 25 conf_message for its user's own messages
            // and 25 re_message for the other user's, each message exactly once, and nothing else (no error frame).
            Set<Long> allIds = new HashSet<>();
            for (ChatSocket socket : sockets) {
                Set<Long> seen = new HashSet<>();
                for (int frame = 0; frame < 50; frame++) {
                    JsonNode received = socket.next();
                    assertThat(received.get("action").asText()).as(received.toString()).isIn("conf_message", "re_message");
                    assertThat(seen.add(received.get("created_msg_id").asLong())).as("delivered once").isTrue();
                }
                allIds.addAll(seen);
            }
            assertThat(allIds).hasSize(50);
            assertThat(sockets.get(0).poll(java.time.Duration.ofMillis(300))).as("no extra frame").isNull();
        } finally {
            sockets.forEach(ChatSocket::close);
            pool.shutdownNow();
        }

        JsonNode aliceThreads = api.get("/chat/user/threads/", alice.access()).data();
        JsonNode bobThreads = api.get("/chat/user/threads/", bob.access()).data();
        assertThat(aliceThreads).hasSize(1);
        assertThat(bobThreads).hasSize(1);
        assertThat(aliceThreads.get(0).get("id")).isEqualTo(bobThreads.get(0).get("id"));

        JsonNode history = api.get("/chat/messages/" + bob.id() + "/?limit=200", alice.access()).data().get("messages");
        assertThat(history).hasSize(50);
        Set<Long> threadIds = new HashSet<>();
        history.forEach(message -> threadIds.add(message.get("thread").asLong()));
        assertThat(threadIds).containsExactly(aliceThreads.get(0).get("id").asLong());
    }
}
