package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.e2e.People.Person;
import org.parley.bootstrap.ParleyConfig;

/** "One thread per pair" holds when both people write their first messages at the same moment. */
class ConcurrentFirstMessagesTest {

    @RegisterExtension
    /** The race opens more websockets per user than contract §16 allows by default: no limit here. */
    static final RunningParley SERVER = new RunningParley(config -> config.withEdge(
            ParleyConfig.Edge.defaults().withMaxConnectionsPerUser(0)));

    @Test
    void fiftyConcurrentFirstMessagesBetweenOnePairMakeOneThread() throws Exception {
        HttpApi api = new HttpApi(SERVER.httpBase());
        People people = new People(api);
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");

        List<FirstMessageRace.Seat> seats = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            seats.add(i % 2 == 0
                    ? new FirstMessageRace.Seat(SERVER.wsBase(), alice, bob)
                    : new FirstMessageRace.Seat(SERVER.wsBase(), bob, alice));
        }
        // Every connection of a user gets every frame of that user: 25 conf_message for its user's own messages
        // and 25 re_message for the other user's, each message exactly once, and nothing else (no error frame).
        FirstMessageRace.run(seats, 50, 1);

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
