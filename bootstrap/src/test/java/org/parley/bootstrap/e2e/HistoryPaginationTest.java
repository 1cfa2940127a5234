package org.parley.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.parley.bootstrap.e2e.People.Person;

/** History pages per contract §6: newest first, limit, before (paging back), after (catching up), bad values. */
class HistoryPaginationTest {

    @RegisterExtension
    static final RunningParley SERVER = new RunningParley();

    private static HttpApi api;
    private static Person alice;
    private static Person bob;
    /** Ids of the 120 messages, oldest first. */
    private static final List<Long> IDS = new ArrayList<>();

    @BeforeAll
    static void aConversationOf120Messages() {
        api = new HttpApi(SERVER.httpBase());
        People people = new People(api);
        alice = people.register("Alice");
        bob = people.register("Bob");
        try (ChatSocket socket = ChatSocket.connect(SERVER.wsBase(), alice.access())) {
            for (int i = 1; i <= 120; i++) {
                socket.send(Frames.text(bob.id(), "message " + i));
                IDS.add(socket.next().get("created_msg_id").asLong());
            }
        }
    }

    private JsonNode page(String query) {
        HttpApi.Reply reply = api.get("/chat/messages/" + alice.id() + "/" + query, bob.access());
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        return reply.data();
    }

    private static List<Long> ids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.get("messages").forEach(message -> ids.add(message.get("id").asLong()));
        return ids;
    }

    private static List<Long> newestFirst(int fromIndex, int toIndexExclusive) {
        List<Long> slice = new ArrayList<>(IDS.subList(fromIndex, toIndexExclusive));
        java.util.Collections.reverse(slice);
        return slice;
    }

    @Test
    void withoutParametersTheNewest50ComeNewestFirst() {
        JsonNode page = page("");
        assertThat(ids(page)).isEqualTo(newestFirst(70, 120));
        assertThat(page.get("has_more").asBoolean()).isTrue();
        assertThat(page.get("next_before").asLong()).isEqualTo(IDS.get(70));
    }

    @Test
    void beforePagesBackUntilTheFirstMessage() {
        JsonNode second = page("?before=" + IDS.get(70));
        assertThat(ids(second)).isEqualTo(newestFirst(20, 70));
        JsonNode third = page("?before=" + second.get("next_before").asLong());
        assertThat(ids(third)).isEqualTo(newestFirst(0, 20));
        assertThat(third.get("has_more").asBoolean()).isFalse();
        assertThat(third.get("next_before").isNull()).isTrue();
    }

    @Test
    void limitChoosesThePageSize() {
        assertThat(ids(page("?limit=1"))).containsExactly(IDS.get(119));
        assertThat(ids(page("?limit=200"))).hasSize(120);
        assertThat(page("?limit=200").get("has_more").asBoolean()).isFalse();
    }

    @Test
    void afterCatchesUpFromTheLastSeenMessage() {
        JsonNode page = page("?after=" + IDS.get(99) + "&limit=10");
        assertThat(ids(page)).isEqualTo(newestFirst(100, 110));
        assertThat(page.get("has_more").asBoolean()).isTrue();
        JsonNode rest = page("?after=" + IDS.get(109) + "&limit=50");
        assertThat(ids(rest)).isEqualTo(newestFirst(110, 120));
        assertThat(rest.get("has_more").asBoolean()).isFalse();
        assertThat(ids(page("?after=" + IDS.get(119)))).isEmpty();
    }

    /** Issue 10: a client that has seen nothing asks after=0, and catches up on the whole conversation from there. */
    @Test
    void afterZeroCatchesUpFromTheFirstMessage() {
        JsonNode first = page("?after=0");
        assertThat(ids(first)).isEqualTo(newestFirst(0, 50));
        assertThat(first.get("has_more").asBoolean()).isTrue();
        assertThat(first.get("next_after").asLong()).isEqualTo(IDS.get(49));
        List<Long> seen = new ArrayList<>(ids(first));
        for (JsonNode next = first; next.get("has_more").asBoolean(); ) {
            next = page("?after=" + next.get("next_after").asLong());
            seen.addAll(ids(next));
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(IDS);

        JsonNode nothingOlder = page("?before=0");
        assertThat(ids(nothingOlder)).isEmpty();
        assertThat(nothingOlder.get("has_more").asBoolean()).isFalse();
    }

    @Test
    void bothPeopleSeeTheSameConversation() {
        HttpApi.Reply fromAlice = api.get("/chat/messages/" + bob.id() + "/?limit=5", alice.access());
        assertThat(ids(fromAlice.data())).isEqualTo(ids(page("?limit=5")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"?limit=0", "?limit=201", "?limit=-1", "?limit=ten", "?before=abc", "?before=-1",
            "?after=-5", "?after=0&before=0", "?after=1.5", "?before=5&after=9"})
    void badPagingValuesAreAValidationError(String query) {
        HttpApi.Reply reply = api.get("/chat/messages/" + alice.id() + "/" + query, bob.access());
        assertThat(reply.status()).as(reply.raw()).isEqualTo(400);
        assertThat(reply.json().get("status").asText()).isEqualTo("failure");
        assertThat(reply.json().get("success").asBoolean()).isFalse();
        assertThat(reply.json().get("code").asText()).isEqualTo("validation_error");
        assertThat(reply.json().get("entity").isNull()).isTrue();
        assertThat(reply.json().get("errors").isObject()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"00000000-0000-0000-0000-000000000000", "not-a-uuid", "42"})
    void anUnknownOrMalformedUserIsAnInvalidRecipient(String uid) {
        HttpApi.Reply reply = api.get("/chat/messages/" + uid + "/", bob.access());
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().get("message").asText()).isEqualTo("Invalid receipient");
        assertThat(reply.json().get("status").asText()).isEqualTo("failure");
    }

    @Test
    void yourOwnIdIsAnInvalidRecipient() {
        HttpApi.Reply reply = api.get("/chat/messages/" + bob.id() + "/", bob.access());
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.json().get("message").asText()).isEqualTo("Invalid receipient");
    }

    @Test
    void historyNeedsAToken() {
        HttpApi.Reply reply = api.get("/chat/messages/" + alice.id() + "/", null);
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(reply.json().get("code").asText()).isEqualTo("unauthorized");
    }
}
