package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.bootstrap.e2e.People.Person;

/**
 * Contract §18, "catching up never misses a message", end to end: two Parley instances on one database; Alice and Bob
 * each have a connection on both and all four write their one conversation as fast as they can, so both instances'
 * group commits store batches of it at the same time, while Bob's other device catches up over REST with
 * {@code after=<last id seen>} in a loop, asking either instance in turn. It must see every acknowledged message exactly
 * once, in strictly increasing id order. Written for PostgreSQL (the e2e PostgreSQL run); on H2 the two instances
 * share the embedded database.
 */
class CatchUpAcrossInstancesTest {

    private static final int MESSAGES_PER_CONNECTION = 200;
    private static final Duration DEADLINE = Duration.ofMinutes(2);

    @RegisterExtension
    static final TwoNodes INSTANCES = new TwoNodes(new RunningParley());

    @Test
    void aClientCatchingUpWhileBothInstancesStoreItsConversationSeesEveryMessageOnceInOrder() throws Exception {
        List<HttpApi> apis = List.of(INSTANCES.api(0), INSTANCES.api(1));
        List<String> wsBases = List.of(INSTANCES.wsBase(0), INSTANCES.wsBase(1));
        People people = new People(apis.get(0));
        Person alice = people.register("Alice");
        Person bob = people.register("Bob");

        List<Long> acknowledged = Collections.synchronizedList(new ArrayList<>());
        List<Long> seen = new ArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(4);
        List<ChatSocket> sockets = new ArrayList<>();
        try {
            List<Future<?>> sending = new ArrayList<>();
            for (String wsBase : wsBases) {
                for (Person[] pair : List.of(new Person[] {alice, bob}, new Person[] {bob, alice})) {
                    ChatSocket socket = ChatSocket.connect(wsBase, pair[0].access());
                    sockets.add(socket);
                    String tag = pair[0].id().substring(0, 8) + "@" + wsBase;
                    sending.add(senders.submit(() -> acknowledged.addAll(send(socket, pair[1], tag))));
                }
            }
            catchUp(apis, alice, bob, sending, seen);
            for (Future<?> sender : sending) {
                sender.get();
            }
        } finally {
            sockets.forEach(ChatSocket::close);
            senders.shutdownNow();
        }

        Set<Long> expected = new TreeSet<>(acknowledged);
        Set<Long> skipped = new TreeSet<>(expected);
        skipped.removeAll(seen);
        String outcome = String.format("%d messages acknowledged by two instances; the reader saw %d, skipped %d",
                expected.size(), seen.size(), skipped.size());
        assertThat(expected).as("every message acknowledged once").hasSize(4 * MESSAGES_PER_CONNECTION);
        assertThat(skipped).as(outcome).isEmpty();
        assertThat(seen).as(outcome).containsExactlyElementsOf(expected);
    }

    /**
     * Sends {@link #MESSAGES_PER_CONNECTION} text messages to {@code receiver} without waiting in between, then
     * returns the ids their {@code conf_message}s gave, in the order sent (other frames, such as the
     * {@code re_message}s of the other person's messages and the confirmations of the same person's messages sent on
     * their other connection, are passed over).
     */
    private static List<Long> send(ChatSocket socket, Person receiver, String tag) {
        for (int i = 0; i < MESSAGES_PER_CONNECTION; i++) {
            socket.send(Frames.text(receiver.id(), "from " + tag + " #" + i, tag + "#" + i));
        }
        Map<String, Long> confirmed = new HashMap<>();
        while (confirmed.size() < MESSAGES_PER_CONNECTION) {
            JsonNode frame = socket.next();
            String action = frame.get("action").asText();
            assertThat(action).as(frame.toString()).isIn("conf_message", "re_message");
            // A conf_message goes to every connection of the sender (contract §8): the same person's socket on the
            // other instance confirms its own messages here too; only this socket's are counted.
            String clientMsgId = frame.path("client_msg_id").asText();
            if (action.equals("conf_message") && clientMsgId.startsWith(tag + "#")) {
                assertThat(confirmed.put(clientMsgId, frame.get("created_msg_id").asLong()))
                        .as("one confirmation per message").isNull();
            }
        }
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < MESSAGES_PER_CONNECTION; i++) {
            ids.add(confirmed.get(tag + "#" + i));
        }
        return ids;
    }

    /**
     * Bob catches up with {@code after=<last id seen>} in a loop, asking the two instances in turn, until the senders
     * are done and a last page is empty; the ids read are added to {@code seen} oldest first.
     */
    private static void catchUp(List<HttpApi> apis, Person alice, Person bob, List<Future<?>> senders, List<Long> seen) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        long after = 0;
        for (int call = 0; ; call++) {
            boolean sending = senders.stream().anyMatch(sender -> !sender.isDone());
            HttpApi.Reply reply = apis.get(call % 2).get(
                    "/chat/messages/" + alice.id() + "/?limit=200&after=" + after, bob.access());
            assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
            List<Long> page = new ArrayList<>();
            reply.data().get("messages").forEach(message -> page.add(message.get("id").asLong()));
            Collections.reverse(page);
            seen.addAll(page);
            if (!page.isEmpty()) {
                after = page.get(page.size() - 1);
            } else if (!sending) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The senders did not finish within " + DEADLINE);
            }
        }
    }
}
