package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.e2e.People.Person;
import org.parley.bootstrap.ParleyConfig;

/**
 * Two Parley instances on one database, as two server processes of a deployment: "one thread per pair" and "ids grow
 * with time" hold across them. Runs on H2 (two instances in one JVM share the embedded database), on PostgreSQL, and
 * in cluster mode, where the instances share a bus too.
 */
class TwoInstancesTest {

    /** The race opens more websockets per user than contract §16 allows by default: no limit here. */
    @RegisterExtension
    static final TwoNodes INSTANCES = new TwoNodes(new RunningParley(config -> config.withEdge(
            ParleyConfig.Edge.defaults().withMaxConnectionsPerUser(0))));
    private final String[] wsBases = {INSTANCES.wsBase(0), INSTANCES.wsBase(1)};

    @Test
    void fiftyConcurrentFirstMessagesThroughTwoInstancesMakeOneThreadAndAreAllStored() throws Exception {
        HttpApi first = INSTANCES.api(0);
        HttpApi other = INSTANCES.api(1);
        People people = new People(first);
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");

        // Seat i is on instance i % 2 and belongs to Alice or Bob by (i / 2) % 2, so each instance has both people's
        // connections and stores 25 of the 50 first messages.
        List<FirstMessageRace.Seat> seats = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            seats.add((i / 2) % 2 == 0
                    ? new FirstMessageRace.Seat(wsBases[i % 2], alice, bob)
                    : new FirstMessageRace.Seat(wsBases[i % 2], bob, alice));
        }
        // Without a bus an instance delivers to its own connections: each connection gets one frame (conf_message or
        // re_message) for each of the 25 messages stored through its instance, and no error frame. On a bus (cluster
        // mode) every connection gets a frame for each of the 50 messages, whichever instance stored it.
        FirstMessageRace.run(seats, RunningParley.clustered() ? 50 : 25, 2);

        JsonNode aliceThreads = first.get("/chat/user/threads/", alice.access()).data();
        JsonNode bobThreads = other.get("/chat/user/threads/", bob.access()).data();
        assertThat(aliceThreads).hasSize(1);
        assertThat(bobThreads).hasSize(1);
        assertThat(aliceThreads.get(0).get("id")).isEqualTo(bobThreads.get(0).get("id"));
        for (HttpApi api : List.of(first, other)) {
            JsonNode history = api.get("/chat/messages/" + bob.id() + "/?limit=200", alice.access()).data().get("messages");
            assertThat(history).hasSize(50);
            history.forEach(message ->
                    assertThat(message.get("thread").asLong()).isEqualTo(aliceThreads.get(0).get("id").asLong()));
        }
    }

    @Test
    void idsGrowWithTimeWhicheverInstanceStoresTheMessage() throws Exception {
        HttpApi first = INSTANCES.api(0);
        People people = new People(first);
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");

        List<Long> ids = new ArrayList<>();
        try (ChatSocket onFirst = ChatSocket.connect(wsBases[0], alice.access());
             ChatSocket onSecond = ChatSocket.connect(wsBases[1], alice.access())) {
            for (int i = 0; i < 10; i++) {
                ChatSocket socket = i % 2 == 0 ? onFirst : onSecond;
                socket.send(Frames.text(bob.id(), "turn " + i, "t" + i));
                JsonNode confirmation = socket.next();
                assertThat(confirmation.get("action").asText()).as(confirmation.toString()).isEqualTo("conf_message");
                ids.add(confirmation.get("created_msg_id").asLong());
                if (RunningParley.clustered()) {
                    // On a bus the sender's other device, on the other instance, stays in step too.
                    JsonNode echoed = (socket == onFirst ? onSecond : onFirst).next();
                    assertThat(echoed.get("created_msg_id")).isEqualTo(confirmation.get("created_msg_id"));
                }
            }
        }

        assertThat(ids).as("ids in the order the messages were sent").isSorted().doesNotHaveDuplicates();
        // Catching up after the fifth message returns exactly the five sent after it, whichever instance stored them.
        JsonNode caughtUp = first.get("/chat/messages/" + alice.id() + "/?after=" + ids.get(4), bob.access())
                .data().get("messages");
        List<Long> caughtUpIds = new ArrayList<>();
        caughtUp.forEach(message -> caughtUpIds.add(message.get("id").asLong()));
        assertThat(caughtUpIds).containsExactlyInAnyOrderElementsOf(ids.subList(5, 10));
    }
}
