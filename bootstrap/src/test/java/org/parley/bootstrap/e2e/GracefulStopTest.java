package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.bootstrap.Parley;
import org.parley.bootstrap.ParleyConfig;
import org.parley.bootstrap.e2e.People.Person;

/**
 * A graceful stop under load (issue 13, item 8): Parley is stopped (as SIGTERM's shutdown hook does, with
 * {@link Parley#close()}) while clients send as fast as their window allows. Each sender stops sending when it is
 * told the server is stopping (its first {@code unavailable} frame), as a well-behaved client does. Then:
 * <ul>
 *   <li>every frame a client sent got its answer, a {@code conf_message} or an {@code unavailable} error frame, before
 *       its connection was closed with 1001;</li>
 *   <li>after a restart on the same data, the messages stored are exactly the confirmed ones: none confirmed is lost,
 *       none stored without its confirmation having left.</li>
 * </ul>
 * Embedded H2 (in a temporary directory), with the default drain time.
 */
class GracefulStopTest {

    private static final int PAIRS = 4;
    private static final int WINDOW = 16;
    private static final int MOST_FRAMES_PER_SENDER = 3_000;

    @Test
    void everyFrameIsAnsweredBeforeThe1001AndEveryStoredMessageWasConfirmed(@TempDir Path dataDir) throws Exception {
        Map<String, String> environment = new HashMap<>();
        environment.put("PARLEY_HOST", "127.0.0.1");
        environment.put("PARLEY_PORT", "0");
        environment.put("PARLEY_DATA_DIR", dataDir.toString());
        environment.put("PARLEY_JWT_SECRET", RunningParley.JWT_SECRET);
        environment.put("PARLEY_SEND_RATE_PER_SECOND", "0");
        environment.put("PARLEY_PASSWORD_ITERATIONS", "1000");
        ParleyConfig config = ParleyConfig.fromEnvironment(environment);

        Parley parley = Parley.start(config);
        String wsBase = "ws://127.0.0.1:" + parley.port();
        People people = new People(new HttpApi("http://127.0.0.1:" + parley.port()));
        List<Person> senders = new ArrayList<>();
        List<Person> receivers = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            senders.add(people.register("Sender " + i));
            receivers.add(people.register("Receiver " + i));
        }

        List<ChatSocket> receiverSockets = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(PAIRS);
        CountDownLatch sending = new CountDownLatch(PAIRS);
        List<Future<Outcome>> outcomes = new ArrayList<>();
        try {
            for (Person receiver : receivers) {
                receiverSockets.add(ChatSocket.connect(wsBase, receiver.access()));
            }
            for (int i = 0; i < PAIRS; i++) {
                ChatSocket socket = ChatSocket.connect(wsBase, senders.get(i).access());
                String receiverId = receivers.get(i).id();
                String prefix = "p" + i + "-";
                outcomes.add(threads.submit(() -> sendUntilStopped(socket, receiverId, prefix, sending)));
            }
            assertThat(sending.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(800);
        } finally {
            parley.close();
        }

        Map<Integer, Set<Long>> confirmedByPair = new HashMap<>();
        for (int i = 0; i < PAIRS; i++) {
            Outcome outcome = outcomes.get(i).get(30, TimeUnit.SECONDS);
            assertThat(outcome.closeCode()).as("pair %d closed with", i).isEqualTo(1001);
            assertThat(outcome.unanswered()).as("pair %d: frames sent and never answered before the 1001", i).isEmpty();
            assertThat(outcome.otherErrors()).as("pair %d: errors other than unavailable", i).isEmpty();
            assertThat(outcome.confirmed()).as("pair %d sent under load", i).isNotEmpty();
            confirmedByPair.put(i, outcome.confirmed());
        }
        threads.shutdownNow();
        for (ChatSocket receiver : receiverSockets) {
            assertThat(receiver.awaitClose().code()).isEqualTo(1001);
            receiver.close();
        }

        Parley again = Parley.start(config);
        try {
            HttpApi api = new HttpApi("http://127.0.0.1:" + again.port());
            for (int i = 0; i < PAIRS; i++) {
                Set<Long> stored = storedIds(api, senders.get(i), receivers.get(i));
                assertThat(stored).as("pair %d: stored messages are exactly the confirmed ones", i)
                        .isEqualTo(confirmedByPair.get(i));
            }
        } finally {
            again.close();
        }
    }

    /** What one sender saw: the close code, the confirmed message ids, frames never answered, unexpected errors. */
    private record Outcome(int closeCode, Set<Long> confirmed, Set<String> unanswered, List<String> otherErrors) {
    }

    private static Outcome sendUntilStopped(ChatSocket socket, String receiverId, String prefix,
                                            CountDownLatch sending) {
        Set<String> waiting = ConcurrentHashMap.newKeySet();
        Set<Long> confirmed = new HashSet<>();
        List<String> otherErrors = new ArrayList<>();
        boolean stopping = false;
        int sent = 0;
        sending.countDown();
        while (!stopping && !socket.isClosed() && sent < MOST_FRAMES_PER_SENDER) {
            if (waiting.size() < WINDOW) {
                String id = prefix + sent++;
                waiting.add(id);
                try {
                    socket.send(Frames.text(receiverId, "message " + id, id));
                } catch (RuntimeException closedMeanwhile) {
                    // Sent into a connection the server had closed: not counted as sent.
                    waiting.remove(id);
                    break;
                }
            }
            JsonNode frame = socket.poll(waiting.size() < WINDOW ? Duration.ZERO : Duration.ofMillis(5));
            while (frame != null) {
                stopping |= record(frame, waiting, confirmed, otherErrors);
                frame = socket.poll(Duration.ZERO);
            }
        }
        int code = socket.awaitClose().code();
        for (JsonNode frame = socket.poll(Duration.ZERO); frame != null; frame = socket.poll(Duration.ZERO)) {
            record(frame, waiting, confirmed, otherErrors);
        }
        socket.close();
        return new Outcome(code, confirmed, Set.copyOf(waiting), otherErrors);
    }

    /** Records one frame's answer; true when it says the server is stopping. */
    private static boolean record(JsonNode frame, Set<String> waiting, Set<Long> confirmed, List<String> otherErrors) {
        String action = frame.path("action").asText();
        String id = frame.path("client_msg_id").asText(null);
        if ("conf_message".equals(action)) {
            waiting.remove(id);
            confirmed.add(frame.get("created_msg_id").asLong());
            return false;
        }
        if ("error".equals(action)) {
            waiting.remove(id);
            if (!"unavailable".equals(frame.path("code").asText())) {
                otherErrors.add(frame.toString());
                return false;
            }
            return true;
        }
        otherErrors.add("unexpected frame " + frame);
        return false;
    }

    /** Every message of the pair's conversation sent by {@code sender}, paging back through the history. */
    private static Set<Long> storedIds(HttpApi api, Person sender, Person receiver) {
        Set<Long> ids = new HashSet<>();
        String page = "/chat/messages/" + receiver.id() + "/?limit=200";
        while (true) {
            HttpApi.Reply reply = api.get(page, sender.access());
            assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
            for (JsonNode message : reply.data().get("messages")) {
                ids.add(message.get("id").asLong());
            }
            if (!reply.data().get("has_more").asBoolean()) {
                return ids;
            }
            page = "/chat/messages/" + receiver.id() + "/?limit=200&before=" + reply.data().get("next_before").asLong();
        }
    }
}
