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
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.WebhookEvent;
import org.parley.application.port.out.WebhookOutbox;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.UserId;

/**
 * What the outbox table does beyond the port's contract: group commit's batch, an edit and a deletion record their
 * events in their own transaction (both or neither), and two servers on one database never claim the same event.
 */
class HibernateWebhookOutboxTest {

    @RegisterExtension
    static final DatabasePerClass DATABASE = new DatabasePerClass();

    private WebhookOutbox outbox;
    private MessageRepository messages;
    private UserId ann;
    private UserId bob;

    /** An empty outbox, and two new users of a thread of their own. */
    @BeforeEach
    void empty() throws SQLException {
        try (Connection connection = DATABASE.get().connect(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM webhook_outbox");
        }
        outbox = DATABASE.get().module().webhookOutbox();
        messages = DATABASE.get().module().messages();
        ann = DATABASE.newUser();
        bob = DATABASE.newUser();
    }

    @Test
    void a_batch_stored_with_its_events_records_one_message_new_per_message_in_order() {
        ChatThread thread = thread(ann, bob);
        List<MessageDraft> drafts = List.of(
                thread.compose(ann, Fixtures.text("one"), Fixtures.at(1)),
                thread.compose(bob, Fixtures.text("two"), Fixtures.at(2)),
                thread.compose(ann, Fixtures.text("three"), Fixtures.at(3)));

        List<AppendedMessage> stored = messages.appendNewRecordingEvents(
                drafts.stream().map(DraftToStore::always).toList());

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
        messages.appendAll(List.of(thread(ann, bob).compose(ann, Fixtures.text("hi"),
                Fixtures.at(1))));

        assertThat(outbox.depth()).isZero();
    }

    /** Contract §14 with §15: a repeated send stores nothing, so it records nothing (in its batch or a later one). */
    @Test
    void a_repeated_send_records_no_event_of_its_own() {
        ChatThread thread = thread(ann, bob);
        ClientMessageId key = new ClientMessageId("k-" + UUID.randomUUID());
        DraftToStore first = new DraftToStore(thread.compose(ann, Fixtures.text("once"), Fixtures.at(1)),
                Optional.of(key));
        DraftToStore again = new DraftToStore(thread.compose(ann, Fixtures.text("once"), Fixtures.at(2)),
                Optional.of(key));
        DraftToStore other = DraftToStore.always(thread.compose(bob, Fixtures.text("other"), Fixtures.at(3)));

        List<AppendedMessage> batch = messages.appendNewRecordingEvents(List.of(first, again, other));
        List<AppendedMessage> later = messages.appendNewRecordingEvents(List.of(again));

        assertThat(batch.get(1).repeat()).isTrue();
        assertThat(later.get(0).repeat()).isTrue();
        assertThat(outbox.depth()).isEqualTo(2);
        List<ClaimedWebhookEvent> heads = outbox.claimDue("test", Fixtures.at(10), Duration.ofMinutes(1), 10);
        assertThat(heads).extracting(claimed -> claimed.event().message())
                .containsExactlyInAnyOrder(batch.get(0).message().id(), batch.get(2).message().id());
    }

    @Test
    void a_batch_the_database_refuses_leaves_no_event_behind() {
        MessageDraft fine = thread(ann, bob).compose(ann, Fixtures.text("fine"), Fixtures.at(1));
        MessageDraft orphan = new MessageDraft(new ThreadId(Long.MAX_VALUE - 7), ann, bob, Fixtures.text("no thread"),
                Fixtures.at(2));

        assertThatThrownBy(() -> messages.appendNewRecordingEvents(
                List.of(DraftToStore.always(fine), DraftToStore.always(orphan))))
                .isInstanceOf(RuntimeException.class);

        assertThat(outbox.depth()).isZero();
    }

    /** Contract §15 with §12: an edit's event is recorded with the edit, in its transaction; a refused edit records none. */
    @Test
    void an_edit_records_its_event_with_it_and_an_edit_refused_records_none() {
        Message message = annSends("helo", 1);

        assertThat(messages.saveEditRecordingEvent(message.id(), new MessageContent.Text("hello"), Fixtures.at(2),
                WebhookEvent.messageEdited(message, Fixtures.at(2)))).isTrue();
        assertThat(messages.saveDeletion(message.id(), Fixtures.at(3))).isTrue();
        assertThat(messages.saveEditRecordingEvent(message.id(), new MessageContent.Text("back"), Fixtures.at(4),
                WebhookEvent.messageEdited(message, Fixtures.at(4)))).isFalse();

        List<ClaimedWebhookEvent> heads = outbox.claimDue("test", Fixtures.at(10), Duration.ofMinutes(1), 10);
        assertThat(heads).singleElement().satisfies(claimed -> {
            assertThat(claimed.event().kind()).isEqualTo(WebhookEvent.Kind.MESSAGE_EDITED);
            assertThat(claimed.event().message()).isEqualTo(message.id());
            assertThat(claimed.event().receiver()).isEqualTo(bob);
            assertThat(claimed.event().createdAt()).isEqualTo(Fixtures.at(2));
        });
        assertThat(outbox.depth()).isOne();
    }

    /** A deletion's event is recorded with the tombstone; deleting it again records nothing more. */
    @Test
    void a_deletion_records_its_event_with_it_once() {
        Message message = annSends("regret", 1);

        assertThat(messages.saveDeletionRecordingEvent(message.id(), Fixtures.at(2),
                WebhookEvent.messageDeleted(message, Fixtures.at(2)))).isTrue();
        assertThat(messages.saveDeletionRecordingEvent(message.id(), Fixtures.at(3),
                WebhookEvent.messageDeleted(message, Fixtures.at(3)))).isFalse();

        assertThat(outbox.depth()).isOne();
        assertThat(outbox.claimDue("test", Fixtures.at(10), Duration.ofMinutes(1), 10)).singleElement()
                .satisfies(claimed -> assertThat(claimed.event().kind()).isEqualTo(WebhookEvent.Kind.MESSAGE_DELETED));
        assertThat(messages.findById(message.id())).hasValueSatisfying(stored -> assertThat(stored.deleted()).isTrue());
    }

    /** Both or neither: a change whose event cannot be written is rolled back with it. */
    @Test
    void a_change_whose_event_cannot_be_recorded_is_not_stored() {
        Message message = annSends("keep", 1);
        // No column holds this instant: writing the event's row fails after the message's update ran.
        WebhookEvent unwritableEdit = new WebhookEvent(UUID.randomUUID(), WebhookEvent.Kind.MESSAGE_EDITED,
                message.id(), bob, Instant.MAX);
        WebhookEvent unwritableDeletion = new WebhookEvent(UUID.randomUUID(), WebhookEvent.Kind.MESSAGE_DELETED,
                message.id(), bob, Instant.MAX);

        assertThatThrownBy(() -> messages.saveEditRecordingEvent(message.id(), new MessageContent.Text("changed"),
                Fixtures.at(2), unwritableEdit)).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> messages.saveDeletionRecordingEvent(message.id(), Fixtures.at(2),
                unwritableDeletion)).isInstanceOf(RuntimeException.class);

        assertThat(messages.findById(message.id())).contains(message);
        assertThat(outbox.depth()).isZero();
    }

    @Test
    void an_event_of_another_kind_or_message_is_refused() {
        Message message = annSends("mine", 1);
        Message other = annSends("other", 2);

        assertThatThrownBy(() -> messages.saveEditRecordingEvent(message.id(), new MessageContent.Text("x"),
                Fixtures.at(3), WebhookEvent.messageDeleted(message, Fixtures.at(3))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> messages.saveDeletionRecordingEvent(message.id(), Fixtures.at(3),
                WebhookEvent.messageDeleted(other, Fixtures.at(3))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(messages.findById(message.id())).contains(message);
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

    /** A text of Ann's to Bob, stored without events, {@code second}s after {@link Fixtures#T0}. */
    private Message annSends(String body, int second) {
        MessageDraft draft = thread(ann, bob).compose(ann, Fixtures.text(body), Fixtures.at(second));
        return messages.appendNew(List.of(DraftToStore.always(draft))).get(0).message();
    }

    private static ChatThread thread(UserId a, UserId b) {
        return DATABASE.get().module().threads().getOrCreate(Participants.of(a, b), Fixtures.T0);
    }
}
