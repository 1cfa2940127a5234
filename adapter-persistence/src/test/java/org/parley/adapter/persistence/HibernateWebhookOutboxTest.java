package org.parley.adapter.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.parley.application.port.out.AppendedMessage;
import org.parley.application.port.out.ClaimedWebhookEvent;
import org.parley.application.port.out.DraftToStore;
import org.parley.application.port.out.WebhookEvent;
import org.parley.application.port.out.WebhookOutbox;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * What the outbox table does beyond the port's contract: group commit's batch records its events in its own
 * transaction (both or neither), and two servers on one database never claim the same event.
 */
class HibernateWebhookOutboxTest {

    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass();

    private WebhookOutbox outbox;

    @BeforeEach
    void empty() throws SQLException {
        try (Connection connection = DATABASE.get().connect(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM webhook_outbox");
        }
        outbox = DATABASE.get().module().webhookOutbox();
    }

    @Test
    void a_batch_stored_with_its_events_records_one_message_new_per_message_in_order() {
        UserId ann = newUser();
        UserId bob = newUser();
        ChatThread thread = thread(ann, bob);
        List<MessageDraft> drafts = List.of(
                thread.compose(ann, Fixtures.text("one"), Fixtures.at(1)),
                thread.compose(bob, Fixtures.text("two"), Fixtures.at(2)),
                thread.compose(ann, Fixtures.text("three"), Fixtures.at(3)));

        List<AppendedMessage> stored = DATABASE.get().module().messages()
                .appendNewRecordingEvents(drafts.stream().map(DraftToStore::always).toList());

        assertThat(outbox.depth()).isEqualTo(3);
        List<WebhookEvent> events = new ArrayList<>();
        Instant now = Fixtures.at(10);
        for (int i = 0; i < 3; i++) {
            for (ClaimedWebhookEvent claimed : outbox.claimDue("test", now, Duration.ofMinutes(1), 10)) {
                events.add(claimed.event());
                outbox.acknowledge(claimed);
            }
        }
        assertThat(events).extracting(WebhookEvent::message)
                .containsExactlyInAnyOrderElementsOf(stored.stream().map(s -> s.message().id()).toList());
        assertThat(events.stream().filter(e -> e.receiver().equals(bob)).map(WebhookEvent::message))
                .containsExactly(stored.get(0).message().id(), stored.get(2).message().id());
        assertThat(events).allSatisfy(event -> assertThat(event.kind()).isEqualTo(WebhookEvent.Kind.MESSAGE_NEW));
        assertThat(events.get(0).createdAt()).isEqualTo(stored.get(0).message().createdAt());
    }

    @Test
    void a_batch_stored_without_events_records_none() {
        UserId ann = newUser();
        UserId bob = newUser();
        DATABASE.get().module().messages().appendAll(List.of(thread(ann, bob).compose(ann, Fixtures.text("hi"),
                Fixtures.at(1))));

        assertThat(outbox.depth()).isZero();
    }

    /** Contract §14 with §15: a repeated send stores nothing, so it records nothing (in its batch or a later one). */
    @Test
    void a_repeated_send_records_no_event_of_its_own() {
        UserId ann = newUser();
        UserId bob = newUser();
        ChatThread thread = thread(ann, bob);
        ClientMessageId key = new ClientMessageId("k-" + UUID.randomUUID());
        DraftToStore first = new DraftToStore(thread.compose(ann, Fixtures.text("once"), Fixtures.at(1)),
                Optional.of(key));
        DraftToStore again = new DraftToStore(thread.compose(ann, Fixtures.text("once"), Fixtures.at(2)),
                Optional.of(key));
        DraftToStore other = DraftToStore.always(thread.compose(bob, Fixtures.text("other"), Fixtures.at(3)));

        List<AppendedMessage> batch = DATABASE.get().module().messages()
                .appendNewRecordingEvents(List.of(first, again, other));
        List<AppendedMessage> later = DATABASE.get().module().messages().appendNewRecordingEvents(List.of(again));

        assertThat(batch.get(1).repeat()).isTrue();
        assertThat(later.get(0).repeat()).isTrue();
        assertThat(outbox.depth()).isEqualTo(2);
        List<ClaimedWebhookEvent> heads = outbox.claimDue("test", Fixtures.at(10), Duration.ofMinutes(1), 10);
        assertThat(heads).extracting(claimed -> claimed.event().message())
                .containsExactlyInAnyOrder(batch.get(0).message().id(), batch.get(2).message().id());
    }

    @Test
    void a_batch_the_database_refuses_leaves_no_event_behind() {
        UserId ann = newUser();
        UserId bob = newUser();
        MessageDraft fine = thread(ann, bob).compose(ann, Fixtures.text("fine"), Fixtures.at(1));
        MessageDraft orphan = new MessageDraft(new ThreadId(Long.MAX_VALUE - 7), ann, bob, Fixtures.text("no thread"),
                Fixtures.at(2));

        assertThatThrownBy(() -> DATABASE.get().module().messages().appendNewRecordingEvents(
                List.of(DraftToStore.always(fine), DraftToStore.always(orphan))))
                .isInstanceOf(RuntimeException.class);

        assertThat(outbox.depth()).isZero();
    }

    /** Two servers (each its own pool and Hibernate) claim from one table at once: no event is claimed twice. */
    @Test
    void two_servers_claiming_at_once_never_take_the_same_event() throws Exception {
        List<UserId> receivers = List.of(UserId.random(), UserId.random(), UserId.random(), UserId.random());
        for (int i = 0; i < 80; i++) {
            outbox.record(new WebhookEvent(UUID.randomUUID(), WebhookEvent.Kind.MESSAGE_NEW,
                    new org.parley.domain.chat.MessageId(i + 1), receivers.get(i % 4), Fixtures.at(i)));
        }
        Set<UUID> claimed = ConcurrentHashMap.newKeySet();
        List<String> twice = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService servers = Executors.newFixedThreadPool(2);
        try (PersistenceModule second = DATABASE.get().secondServer()) {
            List<Future<?>> done = new ArrayList<>();
            for (WebhookOutbox node : List.of(outbox, second.webhookOutbox())) {
                done.add(servers.submit(() -> {
                    go.await();
                    while (node.depth() > 0) {
                        for (ClaimedWebhookEvent event : node.claimDue(node == outbox ? "a" : "b", Fixtures.at(100),
                                Duration.ofMinutes(5), 2)) {
                            if (!claimed.add(event.event().id())) {
                                twice.add(event.event().id().toString());
                            }
                            node.acknowledge(event);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            servers.shutdownNow();
        }
        assertThat(twice).isEmpty();
        assertThat(claimed).hasSize(80);
    }

    private static ChatThread thread(UserId a, UserId b) {
        return DATABASE.get().module().threads().getOrCreate(Participants.of(a, b), Fixtures.T0);
    }

    private static UserId newUser() {
        User user = Fixtures.minimalUser();
        DATABASE.get().module().userAccounts().add(Fixtures.backendManaged(user));
        return user.id();
    }
}
