package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.hibernate.cfg.AvailableSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.application.port.in.ListConversation;
import org.parley.application.port.in.PageRequest;
import org.parley.application.service.ListConversationService;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Participants;
import org.parley.domain.user.UserId;

/**
 * What one catch-up page costs the database (issue 16's restart storm: every receiver sends
 * {@code GET /chat/messages/<sender>/?after=N&limit=200} right after its websocket opens), counted on Hibernate's
 * connections ({@link RecordingConnections}): the look-ups the request makes in its order, the bearer token's user
 * ({@code AuthenticateTokenService}: {@code findById}), then {@link ListConversationService} (both users, the pair's
 * thread, the page, the read markers), on a server that has just started (a second server on the same database, its
 * caches empty) and on the same server once warm.
 */
class CatchUpStatementsTest {

    /** Long enough that no entry expires during a test, however slow the machine. */
    private static final CacheSettings CACHES = new CacheSettings(Duration.ofMinutes(10), 1_000);

    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass(CACHES);

    @Test
    void aCatchUpCostsFiveStatementsOnAStartedServerAndTwoOnceWarm() {
        UserId sender = DATABASE.newUser();
        UserId receiver = DATABASE.newUser();
        ChatThread thread = DATABASE.get().module().threads().getOrCreate(Participants.of(sender, receiver),
                Fixtures.at(0));
        long first = DATABASE.get().module().messages()
                .append(thread.compose(sender, Fixtures.text("one"), Fixtures.at(1))).id().value();
        DATABASE.get().module().messages().append(thread.compose(sender, Fixtures.text("two"), Fixtures.at(2)));
        RecordingConnections connections = new RecordingConnections();

        try (PersistenceModule restarted = DATABASE.get().secondServer(CACHES,
                Map.of(AvailableSettings.CONNECTION_PROVIDER, connections))) {
            ListConversation listConversation = new ListConversationService(restarted.userAccounts(),
                    restarted.threads(), restarted.messages(), restarted.readMarkers());
            Runnable catchUp = () -> {
                assertThat(restarted.userAccounts().findById(receiver)).isPresent();
                var page = listConversation.list(new ListConversation.Query(receiver, sender,
                        new PageRequest(200, OptionalLong.empty(), OptionalLong.of(first - 1))));
                assertThat(page.messages()).hasSize(2);
                assertThat(page.people()).containsOnlyKeys(sender, receiver);
            };

            List<String> cold = statementsFor(connections, catchUp);
            List<String> warm = statementsFor(connections, catchUp);
            List<String> again = statementsFor(connections, catchUp);

            assertThat(cold).as("cold: token's user, the other user, thread, page, markers").hasSize(5);
            assertThat(cold.subList(0, 2)).as("both users by primary key, no 'in' list (a query plan per call)")
                    .allSatisfy(sql -> assertThat(sql).contains("from users").doesNotContain(" in ("));
            assertThat(warm).as("warm: the page and its read markers only").hasSize(2);
            assertThat(warm.get(0)).contains("from messages");
            assertThat(warm.get(1)).contains("read_markers");
            assertThat(again).isEqualTo(warm);
        }
    }

    private static List<String> statementsFor(RecordingConnections connections, Runnable work) {
        connections.clear();
        work.run();
        return connections.prepared();
    }
}
