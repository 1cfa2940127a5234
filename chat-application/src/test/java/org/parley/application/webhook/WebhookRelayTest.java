package org.parley.application.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.application.error.Conflict;
import org.parley.application.groupcommit.MessageWriter;
import org.parley.application.port.in.DeleteMessage;
import org.parley.application.port.in.EditMessage;
import org.parley.application.port.out.AppendedMessage;
import org.parley.application.port.out.ChatMetrics;
import org.parley.application.port.out.DraftToStore;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.WebhookEndpoint;
import org.parley.application.port.out.WebhookEvent;
import org.parley.application.port.out.WebhookNotice;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.InMemoryMessageRepository;
import org.parley.application.testing.InMemoryReadMarkerRepository;
import org.parley.application.testing.InMemoryThreadRepository;
import org.parley.application.testing.InMemoryUserAccounts;
import org.parley.application.testing.InMemoryWebhookOutbox;
import org.parley.application.testing.ManualTimeSource;
import org.parley.application.testing.MessageChangeServices;
import org.parley.application.testing.MessageWriters;
import org.parley.application.testing.RecordingEventDelivery;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageRules;
import org.parley.domain.chat.Participants;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * The webhook relay on fakes (contract §15): what group commit records, what is POSTed, the backoff schedule on a
 * clock of the test's own, order per receiver, giving up after 24 h.
 */
class WebhookRelayTest {

    private final ManualTimeSource time = new ManualTimeSource();
    private final InMemoryWebhookOutbox outbox = new InMemoryWebhookOutbox();
    private final InMemoryMessageRepository messages = new InMemoryMessageRepository().recordingEventsIn(outbox);
    private final InMemoryUserAccounts users = new InMemoryUserAccounts();
    private final InMemoryThreadRepository threads = new InMemoryThreadRepository(messages);
    private final InMemoryReadMarkerRepository readMarkers = new InMemoryReadMarkerRepository(threads, messages);
    private final MessageWriter writer = new MessageWriter(messages, true, new RecordingEventDelivery(), 100, 1_000,
            ChatMetrics.none());
    private final Set<UserId> online = Collections.synchronizedSet(new HashSet<>());
    private final ScriptedEndpoint endpoint = new ScriptedEndpoint();
    private final WebhookRelay relay = new WebhookRelay(outbox, endpoint, messages, readMarkers, users,
            message -> Optional.empty(), online::contains, time,
            new WebhookRelay.Settings(4, Duration.ofMillis(50), Duration.ofSeconds(65), Backoff.CONTRACT));
    private final User ann = ChatFixtures.addUser(users);
    private final User bob = ChatFixtures.addUser(users);
    private final User cid = ChatFixtures.addUser(users);

    @AfterEach
    void stop() {
        relay.close();
        writer.close();
    }

    @Test
    void group_commit_records_an_event_per_stored_message_in_the_order_stored() {
        Message first = store(ann, bob, "one");
        Message second = store(bob, ann, "two");

        assertThat(outbox.waiting()).extracting(WebhookEvent::message).containsExactly(first.id(), second.id());
        assertThat(outbox.waiting()).extracting(WebhookEvent::receiver).containsExactly(bob.id(), ann.id());
        assertThat(outbox.waiting()).extracting(WebhookEvent::kind).containsOnly(WebhookEvent.Kind.MESSAGE_NEW);
        assertThat(outbox.waiting()).extracting(WebhookEvent::createdAt)
                .containsExactly(first.createdAt(), second.createdAt());
    }

    /** Contract §14 with §15: a repeated send stores nothing, so it records no event of its own. */
    @Test
    void a_repeated_send_records_no_second_event() {
        ChatThread thread = threads.getOrCreate(Participants.of(ann.id(), bob.id()), time.now());
        DraftToStore send = new DraftToStore(thread.compose(ann.id(), new MessageContent.Text("once"), time.now()),
                Optional.of(new ClientMessageId("k-1")));
        AppendedMessage first = writer.storeOnceThenPublish(send, WebhookRelayTest::stored).toCompletableFuture()
                .orTimeout(5, TimeUnit.SECONDS).join();
        AppendedMessage again = writer.storeOnceThenPublish(send, WebhookRelayTest::stored).toCompletableFuture()
                .orTimeout(5, TimeUnit.SECONDS).join();

        assertThat(again.repeat()).isTrue();
        assertThat(outbox.waiting()).extracting(WebhookEvent::message).containsExactly(first.message().id());
    }

    private static MessageStored stored(Message message) {
        return new MessageStored(message, DeliveryPolicy.forStoredMessage(message), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /**
     * Contract §15 with §12: an edit and a deletion record their events as they are stored, after the message's own
     * {@code message.new}; an edit refused (the message deleted) and a second deletion record nothing. The relay posts
     * them in that order, each with the message as history shows it then (the edited text, the tombstone).
     */
    @Test
    void edits_and_deletions_record_their_events_and_are_posted_after_the_message_new() {
        MessageChangeServices changes = MessageChangeServices.on(messages, users, new RecordingEventDelivery(), time,
                readMarkers).recordingWebhookEvents();
        EditMessage edit = changes.withRules(new MessageRules(100)).edit();
        DeleteMessage delete = changes.delete();
        Message edited = store(ann, bob, "helo");
        Message deleted = store(ann, bob, "regret");

        edit.edit(new EditMessage.Command(ann.id(), edited.id(), "hello", Optional.empty()));
        time.advance(Duration.ofMillis(1));
        delete.delete(new DeleteMessage.Command(ann.id(), deleted.id(), Optional.empty()));
        delete.delete(new DeleteMessage.Command(ann.id(), deleted.id(), Optional.empty()));
        assertThatThrownBy(() -> edit.edit(new EditMessage.Command(ann.id(), deleted.id(), "back", Optional.empty())))
                .isInstanceOf(Conflict.class);

        assertThat(outbox.waiting()).extracting(WebhookEvent::kind, WebhookEvent::message).containsExactly(
                tuple(WebhookEvent.Kind.MESSAGE_NEW, edited.id()), tuple(WebhookEvent.Kind.MESSAGE_NEW, deleted.id()),
                tuple(WebhookEvent.Kind.MESSAGE_EDITED, edited.id()),
                tuple(WebhookEvent.Kind.MESSAGE_DELETED, deleted.id()));
        for (int i = 0; i < 4; i++) {
            assertThat(relay.relayDue()).isEqualTo(1);
        }
        assertThat(endpoint.posted).extracting(notice -> notice.event().kind()).containsExactly(
                WebhookEvent.Kind.MESSAGE_NEW, WebhookEvent.Kind.MESSAGE_NEW, WebhookEvent.Kind.MESSAGE_EDITED,
                WebhookEvent.Kind.MESSAGE_DELETED);
        WebhookNotice editNotice = endpoint.posted.get(2);
        assertThat(editNotice.message().content()).isEqualTo(new MessageContent.Text("hello"));
        assertThat(editNotice.message().edited()).isTrue();
        assertThat(editNotice.event().createdAt()).isEqualTo(editNotice.message().updatedAt());
        WebhookNotice deleteNotice = endpoint.posted.get(3);
        assertThat(deleteNotice.message().deleted()).isTrue();
        assertThat(deleteNotice.message().content()).isInstanceOf(MessageContent.Deleted.class);
        assertThat(deleteNotice.event().receiver()).isEqualTo(bob.id());
        assertThat(outbox.depth()).isZero();
    }

    @Test
    void without_a_webhook_group_commit_stores_as_before_and_records_nothing() {
        InMemoryWebhookOutbox untouched = new InMemoryWebhookOutbox();
        InMemoryMessageRepository plain = new InMemoryMessageRepository().recordingEventsIn(untouched);
        MessageWriter before = MessageWriters.start(plain, new RecordingEventDelivery());
        try {
            ChatThread thread = threads.getOrCreate(Participants.of(ann.id(), bob.id()), time.now());
            before.store(thread.compose(ann.id(), new MessageContent.Text("hi"), time.now()))
                    .orTimeout(5, TimeUnit.SECONDS).join();
        } finally {
            before.close();
        }
        assertThat(untouched.depth()).isZero();
    }

    @Test
    void a_stored_message_is_posted_with_its_receivers_presence_and_acknowledged() {
        online.add(bob.id());
        Message toBob = store(ann, bob, "hello Bob");
        Message toAnn = store(bob, ann, "hello Ann");

        assertThat(relay.relayDue()).isEqualTo(2);

        assertThat(endpoint.posted).hasSize(2);
        WebhookNotice first = endpoint.posted.get(0);
        assertThat(first.message()).isEqualTo(toBob);
        assertThat(first.receiverOnline()).isTrue();
        assertThat(first.people()).containsKeys(ann.id(), bob.id());
        assertThat(first.event().kind()).isEqualTo(WebhookEvent.Kind.MESSAGE_NEW);
        assertThat(endpoint.posted.get(1).message()).isEqualTo(toAnn);
        assertThat(endpoint.posted.get(1).receiverOnline()).isFalse();
        assertThat(outbox.depth()).isZero();
    }

    @Test
    void failures_are_retried_after_one_second_doubling_to_ten_minutes() {
        store(ann, bob, "are you there?");
        endpoint.failAlways();

        List<Duration> waits = new ArrayList<>();
        Instant last = time.now();
        for (int attempt = 0; attempt < 14; attempt++) {
            assertThat(relay.relayDue()).isEqualTo(1);
            Instant next = nextAttemptAfter(time.now());
            waits.add(Duration.between(last, next));
            last = next;
            time.set(next);
        }

        assertThat(waits).containsExactly(
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                Duration.ofSeconds(16), Duration.ofSeconds(32), Duration.ofSeconds(64), Duration.ofSeconds(128),
                Duration.ofSeconds(256), Duration.ofSeconds(512), Duration.ofMinutes(10), Duration.ofMinutes(10),
                Duration.ofMinutes(10), Duration.ofMinutes(10));
        assertThat(endpoint.posted).hasSize(14);
    }

    @Test
    void a_failure_24_hours_after_the_event_gives_it_up_and_the_receivers_next_event_goes() {
        Message lost = store(ann, bob, "first");
        endpoint.failAlways();
        int attempts = 0;
        while (true) {
            assertThat(relay.relayDue()).isEqualTo(1);
            attempts++;
            if (outbox.depth() == 0) {
                break;
            }
            time.set(nextAttemptAfter(time.now()));
            assertThat(attempts).isLessThan(200);
        }
        assertThat(time.now()).isAfterOrEqualTo(lost.createdAt().plus(Duration.ofHours(24)));
        // 10 waits up to 512 s (1,023 s), then one every 10 min until 24 h have passed: 11 + 143 attempts
        assertThat(attempts).isEqualTo(154);

        endpoint.succeed();
        Message next = store(ann, bob, "second");
        assertThat(relay.relayDue()).isEqualTo(1);
        assertThat(endpoint.posted.get(endpoint.posted.size() - 1).message()).isEqualTo(next);
    }

    @Test
    void a_receivers_events_wait_behind_a_failing_one_while_other_receivers_go_on() {
        Message bob1 = store(ann, bob, "bob 1");
        Message bob2 = store(ann, bob, "bob 2");
        Message cid1 = store(ann, cid, "cid 1");
        endpoint.failFor(bob1);

        assertThat(relay.relayDue()).as("bob's head and cid's head").isEqualTo(2);
        assertThat(endpoint.acknowledged()).containsExactly(cid1);
        time.advance(Duration.ofMillis(999));
        assertThat(relay.relayDue()).as("bob 2 waits behind bob 1").isZero();

        endpoint.succeed();
        time.advance(Duration.ofMillis(1));
        assertThat(relay.relayDue()).isEqualTo(1);
        assertThat(relay.relayDue()).isEqualTo(1);

        assertThat(endpoint.acknowledged()).containsExactly(cid1, bob1, bob2);
        assertThat(outbox.depth()).isZero();
    }

    @Test
    void started_it_sends_on_its_own_threads_and_catches_up_after_the_backend_recovers() throws Exception {
        endpoint.failAlways();
        relay.start();
        Message first = store(ann, bob, "one");
        waitFor(() -> endpoint.posted.size() >= 1);
        Message second = store(ann, bob, "two");

        endpoint.succeed();
        time.advance(Duration.ofSeconds(1));
        waitFor(() -> outbox.depth() == 0);

        assertThat(endpoint.acknowledged()).containsExactly(first, second);
        assertThat(endpoint.threads).allMatch(name -> name.startsWith("parley-webhook-sender-"));
    }

    private Message store(User from, User to, String text) {
        ChatThread thread = threads.getOrCreate(Participants.of(from.id(), to.id()), time.now());
        Message stored = writer.store(thread.compose(from.id(), new MessageContent.Text(text), time.now()))
                .orTimeout(5, TimeUnit.SECONDS).join();
        time.advance(Duration.ofMillis(1));
        return stored;
    }

    /** When the outbox will next hand out its (only) head: its retry time. */
    private Instant nextAttemptAfter(Instant now) {
        Instant next = outbox.nextAttemptOfHead().orElseThrow();
        assertThat(next).isAfter(now);
        return next;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 10 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** An endpoint that answers as the test says, and remembers what it was sent. */
    private static final class ScriptedEndpoint implements WebhookEndpoint {
        final List<WebhookNotice> posted = new CopyOnWriteArrayList<>();
        final List<WebhookNotice> acked = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        private volatile Function<Message, String> answer = message -> null;

        void failAlways() {
            answer = message -> "HTTP 500";
        }

        void failFor(Message failing) {
            answer = message -> message.id().equals(failing.id()) ? "HTTP 503" : null;
        }

        void succeed() {
            answer = message -> null;
        }

        List<Message> acknowledged() {
            return acked.stream().map(WebhookNotice::message).toList();
        }

        @Override
        public String post(WebhookNotice notice) {
            posted.add(notice);
            threads.add(Thread.currentThread().getName());
            String failure = answer.apply(notice.message());
            if (failure == null) {
                acked.add(notice);
            }
            return failure;
        }
    }
}
