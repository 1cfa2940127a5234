package org.parley.application.groupcommit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.parley.application.testing.RecordingEventDelivery.asMessageStored;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.parley.application.error.Unavailable;
import org.parley.application.port.out.AppendedMessage;
import org.parley.application.port.out.DraftToStore;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.OutboundEvent;
import org.parley.application.port.out.RepeatedSend;
import org.parley.application.port.out.ThreadPosition;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.DelegatingMessageRepository;
import org.parley.application.testing.FailingMessageRepository;
import org.parley.application.testing.IgnoringChatMetrics;
import org.parley.application.testing.InMemoryChatStorage;
import org.parley.application.testing.MessageWriters;
import org.parley.application.testing.RecordingEventDelivery;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageDraft;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.chat.Participants;
import org.parley.domain.delivery.DeliveryPolicy;
import org.parley.domain.user.User;

/** Group commit: batching, order, commit before delivery, failure isolation, back-pressure and shutdown. */
class MessageWriterTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    /** For {@link MessageWriter}'s test constructor: every batch through the delivery thread. */
    private static final boolean PIPELINED = false;

    private final ChatStorage storage = InMemoryChatStorage.create();
    private final RecordingEventDelivery delivery = new RecordingEventDelivery();
    private final User alice = ChatFixtures.addUser(storage.users());
    private final User bob = ChatFixtures.addUser(storage.users());
    private final ChatThread thread = storage.threads().getOrCreate(Participants.of(alice.id(), bob.id()),
            ChatFixtures.T0);

    @Test
    void messages_that_arrive_while_a_batch_commits_are_stored_together_in_the_next_one() throws Exception {
        GatedRepository gated = new GatedRepository(storage.messages());
        try (MessageWriter writer = MessageWriters.start(gated, delivery)) {
            Queued held = queueBehindTheFirst(writer, gated, "first", "queued ", 30);
            CompletableFuture<Message> first = held.first();
            List<CompletableFuture<Message>> waiting = held.behind();

            assertThat(first).isNotDone();
            gated.open();

            assertThat(first).succeedsWithin(WAIT);
            waiting.forEach(future -> assertThat(future).succeedsWithin(WAIT));
        }
        assertThat(gated.batchSizes()).containsExactly(1, 30);
    }

    /** Contract §17: each batch is reported once (stored, size, commit time), each delivered message once. */
    @Test
    void every_batch_and_every_delivery_is_told_to_the_metrics() throws Exception {
        GatedRepository gated = new GatedRepository(storage.messages());
        RecordingMetrics metrics = new RecordingMetrics();
        try (MessageWriter writer = new MessageWriter(gated, false, delivery, 100, 1_000, metrics)) {
            Queued held = queueBehindTheFirst(writer, gated, "first", "queued ", 30);
            CompletableFuture<Message> first = held.first();
            List<CompletableFuture<Message>> waiting = held.behind();
            waiting.add(writer.store(text("stored, not published")));
            gated.open();
            assertThat(first).succeedsWithin(WAIT);
            waiting.forEach(future -> assertThat(future).succeedsWithin(WAIT));
        }

        assertThat(metrics.batches).containsExactly(List.of(1, 1), List.of(31, 31));
        assertThat(metrics.commitNanos).hasSize(2).allMatch(nanos -> nanos >= 0);
        assertThat(metrics.deliveries).hasSize(31).allMatch(nanos -> nanos >= 0);
    }

    /** A {@link org.parley.application.port.out.ChatMetrics} that keeps what group commit tells it. */
    private static final class RecordingMetrics extends IgnoringChatMetrics {
        final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        final List<Long> commitNanos = Collections.synchronizedList(new ArrayList<>());
        final List<Long> deliveries = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void batchCommitted(int stored, int drafts, long nanos) {
            batches.add(List.of(stored, drafts));
            commitNanos.add(nanos);
        }

        @Override
        public void delivered(long nanosSinceCommit) {
            deliveries.add(nanosSinceCommit);
        }
    }

    /** The gathering wait (docs/PERFORMANCE.md): a lone message is committed at once, even with a 30 s wait. */
    @Test
    void with_a_gathering_wait_a_lone_message_is_still_committed_at_once() {
        BatchRecordingRepository recording = new BatchRecordingRepository(storage.messages());
        try (MessageWriter writer = new MessageWriter(recording, false, delivery, 100, 1_000, Duration.ofSeconds(30),
                org.parley.application.port.out.ChatMetrics.none())) {
            assertThat(writer.store(text("alone"))).succeedsWithin(WAIT);
        }
        assertThat(recording.batchSizes()).containsExactly(1);
    }

    /**
     * A steady stream 10 ms apart with a 300 ms wait: once the writer has seen the pace (about ten messages), small
     * batches wait for company and are committed once they hold {@value MessageWriter#GATHER_ENOUGH}; without the wait
     * the same stream is committed one message at a time. Every message is stored, in order.
     */
    @Test
    void with_a_gathering_wait_a_steady_stream_is_committed_in_fuller_batches() throws Exception {
        List<Integer> gathered = streamThroughAWriter(Duration.ofMillis(300), 60, 10);
        List<Integer> alone = streamThroughAWriter(Duration.ZERO, 60, 10);

        assertThat(gathered.stream().mapToInt(Integer::intValue).sum()).isEqualTo(60);
        assertThat(gathered).contains(MessageWriter.GATHER_ENOUGH);
        assertThat(gathered.size()).isLessThan(30);
        assertThat(alone).hasSize(60).containsOnly(1);
    }

    /**
     * The wait is bounded by the batch's first message: messages 50 ms apart with a 120 ms wait fill batches of two or
     * three, never the {@value MessageWriter#GATHER_ENOUGH} that waiting for a full batch would give.
     */
    @Test
    void a_gathering_wait_never_holds_a_batch_past_its_first_messages_wait() throws Exception {
        List<Integer> sizes = streamThroughAWriter(Duration.ofMillis(120), 40, 50);

        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(40);
        assertThat(sizes).anyMatch(size -> size >= 2).allMatch(size -> size < MessageWriter.GATHER_ENOUGH);
    }

    /** Stores {@code count} messages {@code gapMillis} apart through a writer with {@code gatherUpTo}; its batch sizes. */
    private List<Integer> streamThroughAWriter(Duration gatherUpTo, int count, long gapMillis) throws Exception {
        BatchRecordingRepository recording = new BatchRecordingRepository(storage.messages());
        List<CompletableFuture<Message>> futures = new ArrayList<>();
        try (MessageWriter writer = new MessageWriter(recording, false, delivery, 100, 1_000, gatherUpTo,
                org.parley.application.port.out.ChatMetrics.none())) {
            for (int i = 0; i < count; i++) {
                futures.add(writer.store(text("m" + i)));
                Thread.sleep(gapMillis);
            }
            futures.forEach(future -> assertThat(future).succeedsWithin(WAIT));
        }
        List<Message> stored = futures.stream().map(CompletableFuture::join).toList();
        assertThat(stored).extracting(Message::id).isSorted();
        return recording.batchSizes();
    }

    /** Keeps the size of every batch handed to it, then stores it. */
    private static final class BatchRecordingRepository extends DelegatingMessageRepository {
        private final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());

        BatchRecordingRepository(MessageRepository delegate) {
            super(delegate);
        }

        @Override
        public List<AppendedMessage> appendNew(List<DraftToStore> drafts) {
            batchSizes.add(drafts.size());
            return super.appendNew(drafts);
        }

        List<Integer> batchSizes() {
            return List.copyOf(batchSizes);
        }
    }

    @Test
    void a_batch_holds_at_most_the_batch_size() throws Exception {
        GatedRepository gated = new GatedRepository(storage.messages());
        List<CompletableFuture<Message>> all = new ArrayList<>();
        try (MessageWriter writer = MessageWriters.start(gated, delivery, 20, 1_000)) {
            all.add(writer.store(text("first")));
            gated.awaitCallInProgress();
            for (int i = 0; i < 50; i++) {
                all.add(writer.store(text("queued " + i)));
            }
            gated.open();
            all.forEach(future -> assertThat(future).succeedsWithin(WAIT));
        }
        assertThat(gated.batchSizes()).containsExactly(1, 20, 20, 10);
    }

    @Test
    void ids_and_deliveries_follow_the_order_messages_were_handed_over() {
        List<CompletableFuture<Message>> futures = new ArrayList<>();
        try (MessageWriter writer = MessageWriters.start(storage.messages(), delivery, 7, 1_000)) {
            for (int i = 0; i < 100; i++) {
                futures.add(writer.storeThenPublish(text("m" + i), this::outbound));
            }
            futures.forEach(future -> assertThat(future).succeedsWithin(WAIT));
        }

        List<Message> stored = futures.stream().map(CompletableFuture::join).toList();
        assertThat(stored).extracting(Message::content)
                .containsExactlyElementsOf(numbered(100).stream().map(MessageContent.Text::new).toList());
        assertThat(stored).extracting(Message::id).isSorted().doesNotHaveDuplicates();
        assertThat(delivery.messagesStored()).extracting(MessageStored::message).containsExactlyElementsOf(stored);
    }

    /**
     * Each event carries the position storage gave its message: within a thread, right after the message stored before
     * it (also one stored without an event, or earlier in the same batch); a thread's first message is first.
     */
    @Test
    void each_event_carries_the_position_storage_gave_its_message() throws Exception {
        User carol = ChatFixtures.addUser(storage.users());
        ChatThread other = storage.threads().getOrCreate(Participants.of(alice.id(), carol.id()), ChatFixtures.T0);
        GatedRepository gated = new GatedRepository(storage.messages());
        List<CompletableFuture<Message>> futures = new ArrayList<>();
        try (MessageWriter writer = MessageWriters.start(gated, delivery)) {
            futures.add(writer.storeThenPublish(text("mine first"), this::outbound));
            gated.awaitCallInProgress();
            futures.add(writer.storeThenPublish(
                    other.compose(carol.id(), new MessageContent.Text("other first"), ChatFixtures.T0), this::outbound));
            futures.add(writer.store(text("mine, not published")));
            futures.add(writer.storeThenPublish(text("mine third"), this::outbound));
            futures.add(writer.storeThenPublish(
                    other.compose(alice.id(), new MessageContent.Text("other second"), ChatFixtures.T0), this::outbound));
            gated.open();
            futures.forEach(future -> assertThat(future).succeedsWithin(WAIT));
        }

        List<Message> stored = futures.stream().map(CompletableFuture::join).toList();
        assertThat(gated.batchSizes()).containsExactly(1, 4);
        assertThat(delivery.messagesStored()).extracting(MessageStored::message)
                .containsExactly(stored.get(0), stored.get(1), stored.get(3), stored.get(4));
        assertThat(delivery.messagesStored()).extracting(MessageStored::position).containsExactly(
                ThreadPosition.first(),
                ThreadPosition.first(),
                ThreadPosition.after(stored.get(2).id()),
                ThreadPosition.after(stored.get(1).id()));
    }

    /** An event built for another message than the one stored is not delivered with that message's position. */
    @Test
    void an_event_about_another_message_is_not_delivered() {
        try (MessageWriter writer = MessageWriters.start(storage.messages(), delivery)) {
            Message earlier = writer.store(text("earlier")).join();
            CompletableFuture<Message> confused = writer.storeThenPublish(text("confused"), stored -> outbound(earlier));

            assertThat(confused).as("stored, so completed normally").succeedsWithin(WAIT);
            assertThat(writer.storeThenPublish(text("later"), this::outbound)).succeedsWithin(WAIT);
        }
        assertThat(delivery.messagesStored()).extracting(stored -> stored.message().content())
                .containsExactly(new MessageContent.Text("later"));
    }

    @Test
    void a_message_is_delivered_only_after_its_batch_committed_and_before_its_future_completes() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        MessageRepository observed = new DelegatingMessageRepository(storage.messages()) {
            @Override
            public List<AppendedMessage> appendNew(List<DraftToStore> drafts) {
                List<AppendedMessage> stored = super.appendNew(drafts);
                events.add("committed " + stored.size());
                return stored;
            }
        };
        try (MessageWriter writer = MessageWriters.start(observed, event -> events.add(
                "delivered " + ((MessageContent.Text) asMessageStored(event).message().content()).body()))) {
            CompletableFuture<Message> result = writer.storeThenPublish(text("hello"), this::outbound)
                    .whenComplete((message, failure) -> events.add("completed"));

            assertThat(result).succeedsWithin(WAIT);
        }
        assertThat(events).containsExactly("committed 1", "delivered hello", "completed");
    }

    /**
     * Issue 16: a committed batch's events go to delivery through one {@link EventDelivery.Batch}, in commit order, and
     * the batch is closed (its frames leave) before any future of the batch completes; nothing goes through
     * {@code deliver} alone. A message stored but not published, and a repeat, are in no batch.
     */
    @Test
    void a_committed_batch_is_delivered_through_one_batch_closed_before_any_of_its_futures_completes()
            throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        EventDelivery batching = recordingBatches(events);
        GatedRepository gated = new GatedRepository(storage.messages());
        try (MessageWriter writer = MessageWriters.start(gated, batching)) {
            Queued held = queueBehindTheFirst(writer, gated, "first", "m", 3);
            List<CompletableFuture<Message>> behind = held.behind();
            behind.add(writer.store(text("stored only")));
            for (int i = 0; i < behind.size(); i++) {
                String name = "completed " + i;
                behind.set(i, behind.get(i).whenComplete((message, failure) -> events.add(name)));
            }
            gated.open();
            assertThat(held.first()).succeedsWithin(WAIT);
            behind.forEach(future -> assertThat(future).succeedsWithin(WAIT));
        }
        assertThat(gated.batchSizes()).containsExactly(1, 4);
        assertThat(events).containsExactly("open", "delivered first", "closed",
                "open", "delivered m0", "delivered m1", "delivered m2", "closed",
                "completed 0", "completed 1", "completed 2", "completed 3");
    }

    /**
     * A delivery that records, in {@code events}, each batch opened ("open"), each event delivered through it
     * ("delivered " + its text) and each batch closed ("closed"), and each event delivered alone ("alone " + its
     * text). An event whose text is "poison" throws an {@link Error} inside its batch, as a broken renderer would.
     */
    private static EventDelivery recordingBatches(List<String> events) {
        return new EventDelivery() {
            @Override
            public void deliver(OutboundEvent event) {
                events.add("alone " + body(event));
            }

            @Override
            public Batch openBatch() {
                events.add("open");
                return new Batch() {
                    @Override
                    public void deliver(OutboundEvent event) {
                        if (body(event).equals("poison")) {
                            throw new Error("renderer broke");
                        }
                        events.add("delivered " + body(event));
                    }

                    @Override
                    public void close() {
                        events.add("closed");
                    }
                };
            }
        };
    }

    private static String body(OutboundEvent event) {
        return ((MessageContent.Text) asMessageStored(event).message().content()).body();
    }

    /**
     * Contract §14: a repeated client_msg_id of the sender stores and publishes nothing, and answers the original; the
     * delivery is told of each repeat (across nodes, recipients who may have missed the original catch up).
     */
    @Test
    void a_repeated_client_message_id_publishes_nothing_and_completes_with_the_original_in_one_batch_or_across()
            throws Exception {
        GatedRepository gated = new GatedRepository(storage.messages());
        ClientMessageId key = new ClientMessageId("k-1");
        try (MessageWriter writer = MessageWriters.start(gated, delivery)) {
            CompletableFuture<AppendedMessage> before = writer.storeOnceThenPublish(keyed("unkeyed", Optional.empty()),
                    this::outbound);
            gated.awaitCallInProgress();
            CompletableFuture<AppendedMessage> original = writer.storeOnceThenPublish(keyed("hello", Optional.of(key)),
                    this::outbound);
            CompletableFuture<AppendedMessage> sameBatch = writer.storeOnceThenPublish(
                    keyed("hello again", Optional.of(key)), this::outbound);
            gated.open();

            assertThat(before).succeedsWithin(WAIT);
            AppendedMessage first = original.get(5, TimeUnit.SECONDS);
            assertThat(first.repeat()).isFalse();
            assertThat(sameBatch).succeedsWithin(WAIT).satisfies(answer -> {
                assertThat(answer.repeat()).isTrue();
                assertThat(answer.message()).isEqualTo(first.message());
            });
            assertThat(writer.storeOnceThenPublish(keyed("later", Optional.of(key)), this::outbound))
                    .succeedsWithin(WAIT).satisfies(answer -> {
                        assertThat(answer.repeat()).isTrue();
                        assertThat(answer.message()).isEqualTo(first.message());
                    });
        }
        assertThat(gated.batchSizes()).containsExactly(1, 2, 1);
        assertThat(delivery.messagesStored()).extracting(stored -> stored.message().content())
                .containsExactly(new MessageContent.Text("unkeyed"), new MessageContent.Text("hello"));
        MessageStored original = delivery.messagesStored().get(1);
        assertThat(delivery.repeatedSends()).as("the repeat in the original's batch and the later one")
                .containsExactly(RepeatedSend.of(original), RepeatedSend.of(original));
        assertThat(storage.messages().findInThread(thread.id(), MessageRange.newest(), 10)).hasSize(2);
    }

    @Test
    void a_message_the_store_refuses_fails_alone_and_the_rest_of_its_batch_is_stored_and_delivered() throws Exception {
        GatedRepository gated = new GatedRepository(new FailingMessageRepository(storage.messages(),
                draft -> draft.content().equals(new MessageContent.Text("poison")),
                new IllegalStateException("row refused")));
        List<CompletableFuture<Message>> good = new ArrayList<>();
        CompletableFuture<Message> poison;
        try (MessageWriter writer = MessageWriters.start(gated, delivery)) {
            good.add(writer.storeThenPublish(text("before"), this::outbound));
            gated.awaitCallInProgress();
            good.add(writer.storeThenPublish(text("one"), this::outbound));
            poison = writer.storeThenPublish(text("poison"), this::outbound);
            good.add(writer.storeThenPublish(text("two"), this::outbound));
            gated.open();

            assertThat(poison).failsWithin(WAIT).withThrowableThat().havingRootCause().withMessage("row refused");
            good.forEach(future -> assertThat(future).succeedsWithin(WAIT));
        }
        assertThat(delivery.messagesStored()).extracting(stored -> stored.message().content())
                .containsExactly(new MessageContent.Text("before"), new MessageContent.Text("one"),
                        new MessageContent.Text("two"));
        assertThat(storage.messages().findInThread(thread.id(), MessageRange.newest(), 10)).hasSize(3);
    }

    /**
     * A store that is down (every call fails, e.g. after a connection time-out) is not asked once per message: after
     * two single retries fail in a row, the rest of the batch fails at once.
     */
    @Test
    void when_the_store_is_down_a_batch_fails_after_a_few_attempts_not_one_per_message() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        GatedRepository gated = failingOnCalls(calls,
                call -> call > 1 ? new IllegalStateException("connection refused") : null);
        try (MessageWriter writer = MessageWriters.start(gated, delivery)) {
            Queued held = queueBehindTheFirst(writer, gated, "before the outage", "during the outage ", 50);
            gated.open();

            assertThat(held.first()).succeedsWithin(WAIT);
            held.behind().forEach(future -> assertThat(future).failsWithin(WAIT)
                    .withThrowableThat().havingRootCause().withMessage("connection refused"));
        }
        assertThat(calls.get()).isEqualTo(1 + 1 + 2);
        assertThat(delivery.delivered()).hasSize(1);
    }

    /**
     * A store that says it cannot be reached ({@link Unavailable}) is not asked again message by message: the whole
     * batch fails at once with that answer, which driving adapters turn into {@code unavailable} / 503.
     */
    @Test
    void a_batch_the_store_cannot_reach_fails_whole_at_once_with_its_answer() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Unavailable unreachable = Unavailable.storeUnreachable(Duration.ofSeconds(2));
        GatedRepository gated = failingOnCalls(calls, call -> call > 1 ? unreachable : null);
        try (MessageWriter writer = MessageWriters.start(gated, delivery)) {
            Queued held = queueBehindTheFirst(writer, gated, "before the outage", "during the outage ", 50);
            gated.open();

            assertThat(held.first()).succeedsWithin(WAIT);
            held.behind().forEach(future -> assertThat(future).failsWithin(WAIT)
                    .withThrowableThat().havingCause().isSameAs(unreachable));
        }
        assertThat(calls.get()).as("one attempt for the first batch, one for the 50").isEqualTo(2);
        assertThat(delivery.delivered()).hasSize(1);
    }

    @Test
    void a_failing_delivery_does_not_fail_the_stored_message() {
        try (MessageWriter writer = MessageWriters.start(storage.messages(), outbound -> {
            throw new IllegalStateException("delivery broke");
        })) {
            CompletableFuture<Message> result = writer.storeThenPublish(text("hi"), this::outbound);

            assertThat(result).succeedsWithin(WAIT);
            assertThat(storage.messages().findById(result.join().id())).contains(result.join());
        }
    }

    /**
     * The finding of issue 10: a delivery that throws an {@link Error} (Tyrus wraps a charset failure in one) for one
     * message killed the delivery thread, and with it every later frame on the server.
     */
    @Test
    void an_error_delivering_one_message_affects_that_message_only() throws Exception {
        EventDelivery throwsForPoison =
                throwingForPoison(new Error("java.nio.charset.MalformedInputException: Input length = 1"));
        GatedRepository gated = new GatedRepository(storage.messages());
        try (MessageWriter writer = MessageWriters.start(gated, throwsForPoison)) {
            CompletableFuture<Message> before = writer.storeThenPublish(text("before"), this::outbound);
            gated.awaitCallInProgress();
            List<CompletableFuture<Message>> batch = List.of(
                    writer.storeThenPublish(text("one"), this::outbound),
                    writer.storeThenPublish(text("poison"), this::outbound),
                    writer.storeThenPublish(text("two"), this::outbound));
            gated.open();

            assertThat(before).succeedsWithin(WAIT);
            batch.forEach(future -> assertThat(future).as("stored, so completed normally").succeedsWithin(WAIT));
            assertThat(writer.storeThenPublish(text("later"), this::outbound)).succeedsWithin(WAIT);
            assertThat(writer.threadRestarts()).isZero();
        }
        assertThat(delivery.messagesStored()).extracting(stored -> stored.message().content())
                .containsExactly(new MessageContent.Text("before"), new MessageContent.Text("one"),
                        new MessageContent.Text("two"), new MessageContent.Text("later"));
        assertThat(storage.messages().findInThread(thread.id(), MessageRange.newest(), 10)).hasSize(5);
    }

    /** Failure handling that describes the failure must not fail itself on a throwable that cannot be described. */
    @Test
    void a_failure_that_cannot_even_be_described_is_survived() {
        try (MessageWriter writer = MessageWriters.start(storage.messages(), throwingForPoison(new Indescribable()))) {
            assertThat(writer.storeThenPublish(text("poison"), this::outbound)).succeedsWithin(WAIT);
            assertThat(writer.storeThenPublish(text("later"), this::outbound)).succeedsWithin(WAIT);
            assertThat(writer.threadRestarts()).isZero();
        }
        assertThat(delivery.messagesStored()).extracting(stored -> stored.message().content())
                .containsExactly(new MessageContent.Text("later"));
    }

    /** Building the event (on the delivery thread) may fail too: the same isolation holds. */
    @Test
    void an_event_that_cannot_be_built_is_not_delivered_and_the_rest_flows() {
        try (MessageWriter writer = MessageWriters.start(storage.messages(), delivery)) {
            CompletableFuture<Message> broken = writer.storeThenPublish(text("broken"), stored -> {
                throw new StackOverflowError();
            });
            assertThat(broken).succeedsWithin(WAIT);
            assertThat(writer.storeThenPublish(text("later"), this::outbound)).succeedsWithin(WAIT);
        }
        assertThat(delivery.messagesStored()).extracting(stored -> stored.message().content())
                .containsExactly(new MessageContent.Text("later"));
    }

    /**
     * Whatever a store throws for a batch (an {@link Error}, or a checked exception thrown through an interface that
     * does not declare it), its messages fail and the writer goes on with the next batch.
     */
    @ParameterizedTest
    @ValueSource(strings = {"error", "checked"})
    void a_store_that_throws_anything_for_a_batch_fails_its_messages_and_the_writer_goes_on(String kind)
            throws Exception {
        Throwable failure = kind.equals("error") ? new Error("disk on fire") : new Exception("disk on fire");
        AtomicInteger calls = new AtomicInteger();
        GatedRepository gated = failingOnCalls(calls, call -> call >= 2 && call <= 4 ? failure : null);
        try (MessageWriter writer = MessageWriters.start(gated, delivery)) {
            Queued held = queueBehindTheFirst(writer, gated, "first", "refused ", 5);
            gated.open();

            assertThat(held.first()).succeedsWithin(WAIT);
            held.behind().forEach(future -> assertThat(future).failsWithin(WAIT)
                    .withThrowableThat().havingRootCause().isSameAs(failure));
            assertThat(writer.storeThenPublish(text("later"), this::outbound)).succeedsWithin(WAIT);
            assertThat(writer.threadRestarts()).isZero();
        }
        assertThat(delivery.messagesStored()).extracting(stored -> stored.message().content())
                .containsExactly(new MessageContent.Text("first"), new MessageContent.Text("later"));
    }

    /**
     * A store that answers with the wrong number of messages is broken: which of them were stored is unknown, so the
     * whole batch fails (none is retried, which could store one twice), and the writer goes on.
     */
    @Test
    void a_store_that_answers_with_the_wrong_number_of_messages_fails_that_batch_and_the_writer_goes_on()
            throws Exception {
        AtomicInteger calls = new AtomicInteger();
        GatedRepository gated = answeringTooFewOnTheSecondCall(calls);
        try (MessageWriter writer = MessageWriters.start(gated, delivery)) {
            Queued held = queueBehindTheFirst(writer, gated, "first", "broken ", 3);
            gated.open();

            assertThat(held.first()).succeedsWithin(WAIT);
            held.behind().forEach(future -> assertThat(future).failsWithin(WAIT));
            assertThat(writer.storeThenPublish(text("later"), this::outbound)).succeedsWithin(WAIT);
        }
        assertThat(calls.get()).as("the batch is not retried").isEqualTo(3);
        assertThat(delivery.messagesStored()).extracting(stored -> stored.message().content())
                .containsExactly(new MessageContent.Text("first"), new MessageContent.Text("later"));
    }

    /**
     * When even the failure handling fails (here the report of an undelivered message throws, and so does the report
     * of that), the delivery thread dies: it is replaced at once, the replacement is counted, the messages of the batch
     * after the one it died on are delivered by the replacement, and later messages flow.
     */
    @Test
    void a_delivery_thread_that_dies_is_replaced_and_counted_and_carries_on_after_the_message_it_died_on()
            throws Exception {
        BrokenReport report = new BrokenReport();
        EventDelivery throwsForPoison = throwingForPoison(new Error("renderer broke"));
        GatedRepository gated = new GatedRepository(storage.messages());
        try (MessageWriter writer = new MessageWriter(gated, throwsForPoison, 100, 1_000, report, PIPELINED)) {
            CompletableFuture<Message> before = writer.storeThenPublish(text("before"), this::outbound);
            gated.awaitCallInProgress();
            List<CompletableFuture<Message>> batch = List.of(
                    writer.storeThenPublish(text("one"), this::outbound),
                    writer.storeThenPublish(text("poison"), this::outbound),
                    writer.storeThenPublish(text("two"), this::outbound));
            gated.open();

            assertThat(before).succeedsWithin(WAIT);
            batch.forEach(future -> assertThat(future).succeedsWithin(WAIT));
            assertThat(writer.threadRestarts()).isEqualTo(1);
            report.awaitReplaced(1);
            assertThat(report.replaced).containsExactly(MessageWriter.DELIVERY_THREAD);
            assertThat(writer.storeThenPublish(text("later"), this::outbound)).succeedsWithin(WAIT);
            assertThat(writer.threadRestarts()).isEqualTo(1);
        }
        assertThat(delivery.messagesStored()).extracting(stored -> stored.message().content())
                .containsExactly(new MessageContent.Text("before"), new MessageContent.Text("one"),
                        new MessageContent.Text("two"), new MessageContent.Text("later"));
    }

    /**
     * A delivery thread that dies inside a batch leaves it open: its replacement delivers the rest of the batch's
     * messages through that same batch and closes it, once; later batches flow.
     */
    @Test
    void a_delivery_thread_that_dies_inside_a_batch_is_replaced_and_the_replacement_closes_that_batch()
            throws Exception {
        BrokenReport report = new BrokenReport();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        EventDelivery batching = recordingBatches(events);
        GatedRepository gated = new GatedRepository(storage.messages());
        try (MessageWriter writer = new MessageWriter(gated, batching, 100, 1_000, report, PIPELINED)) {
            CompletableFuture<Message> before = writer.storeThenPublish(text("before"), this::outbound);
            gated.awaitCallInProgress();
            List<CompletableFuture<Message>> batch = List.of(
                    writer.storeThenPublish(text("one"), this::outbound),
                    writer.storeThenPublish(text("poison"), this::outbound),
                    writer.storeThenPublish(text("two"), this::outbound));
            gated.open();

            assertThat(before).succeedsWithin(WAIT);
            batch.forEach(future -> assertThat(future).succeedsWithin(WAIT));
            report.awaitReplaced(1);
            assertThat(writer.storeThenPublish(text("later"), this::outbound)).succeedsWithin(WAIT);
            assertThat(writer.threadRestarts()).isEqualTo(1);
        }
        assertThat(events).containsExactly("open", "delivered before", "closed",
                "open", "delivered one", "delivered two", "closed",
                "open", "delivered later", "closed");
    }

    /**
     * The writer thread too: here the store answers a batch with too few messages and reporting that throws, twice. The
     * thread dies, its replacement fails the messages of the batch it died in, and later messages are stored.
     */
    @Test
    void a_writer_thread_that_dies_is_replaced_and_counted_and_fails_the_batch_it_died_in() throws Exception {
        BrokenReport report = new BrokenReport();
        AtomicInteger calls = new AtomicInteger();
        GatedRepository gated = answeringTooFewOnTheSecondCall(calls);
        try (MessageWriter writer = new MessageWriter(gated, delivery, 100, 1_000, report, PIPELINED)) {
            Queued held = queueBehindTheFirst(writer, gated, "first", "broken ", 3);
            gated.open();

            assertThat(held.first()).succeedsWithin(WAIT);
            held.behind().forEach(future -> assertThat(future).failsWithin(WAIT)
                    .withThrowableThat().havingRootCause().withMessage("the failure report is broken"));
            assertThat(writer.threadRestarts()).isEqualTo(1);
            report.awaitReplaced(1);
            assertThat(report.replaced).containsExactly(MessageWriter.WRITER_THREAD);
            assertThat(writer.storeThenPublish(text("later"), this::outbound)).succeedsWithin(WAIT);
        }
        assertThat(delivery.messagesStored()).extracting(stored -> stored.message().content())
                .containsExactly(new MessageContent.Text("first"), new MessageContent.Text("later"));
    }

    /**
     * With little to pipeline (the delivery thread idle, the batch small or nothing waiting behind it), the writer
     * delivers a committed batch itself, sparing a thread's wake-up; a larger batch committed while messages wait
     * behind it goes to the delivery thread, so that the writer stores them meanwhile.
     */
    @Test
    void a_small_batch_is_delivered_by_the_writer_and_a_large_one_with_messages_waiting_by_the_delivery_thread()
            throws Exception {
        Map<String, String> deliveredOn = new ConcurrentHashMap<>();
        EventDelivery naming = event -> deliveredOn.put(body(event), Thread.currentThread().getName());
        SteppedRepository stepped = new SteppedRepository(storage.messages());
        int large = MessageWriter.DELIVERED_BY_THE_WRITER_UP_TO + 1;
        try (MessageWriter writer = MessageWriters.start(stepped, naming)) {
            LargeBatchWithOneBehind committing = aLargeBatchWithOneBehind(writer, stepped, large);
            committing.batch().forEach(future -> assertThat(future).succeedsWithin(WAIT));
            stepped.allowOne();
            assertThat(committing.after()).succeedsWithin(WAIT);
        }
        assertThat(stepped.batchSizes()).containsExactly(1, large, 1);
        assertThat(deliveredOn).as("the first batch, one message, with %d waiting behind it", large)
                .containsEntry("first", MessageWriter.WRITER_THREAD);
        assertThat(deliveredOn).as("the large batch, with a message waiting behind it")
                .containsEntry("large 0", MessageWriter.DELIVERY_THREAD)
                .containsEntry("large " + (large - 1), MessageWriter.DELIVERY_THREAD);
    }

    /**
     * The writer counts what it has handed to the delivery thread and delivers a small batch itself only while that
     * count is nought. Should handing a larger batch over throw (an {@link Error} in the queue between the two threads:
     * out of memory while it links the batch in, say), nothing reached the delivery thread, and the batch is the
     * writer's to refuse: the count must go back, or every later batch, however small, is handed over and wakes the
     * delivery thread, for good. Later small batches are delivered by the writer, each once, and every future
     * completes.
     */
    @Test
    void a_hand_over_to_the_delivery_thread_that_throws_leaves_later_small_batches_to_the_writer() throws Exception {
        Map<String, List<String>> deliveredOn = new ConcurrentHashMap<>();
        EventDelivery naming = event -> deliveredOn.computeIfAbsent(body(event),
                body -> Collections.synchronizedList(new ArrayList<>())).add(Thread.currentThread().getName());
        SteppedRepository stepped = new SteppedRepository(storage.messages());
        RecordingFailures report = new RecordingFailures();
        OutOfMemoryError handOverFailure = new OutOfMemoryError("thrown by the test, handing a batch over");
        int large = MessageWriter.DELIVERED_BY_THE_WRITER_UP_TO + 1;
        List<String> later = List.of("later 0", "later 1", "later 2");
        MessageWriter writer = new MessageWriter(stepped, naming, 100, 1_000, report, true);
        try {
            failTheFirstHandOverToTheDeliveryThread(writer, handOverFailure);
            // the large batch commits with "after" waiting: handed over, which throws
            LargeBatchWithOneBehind committing = aLargeBatchWithOneBehind(writer, stepped, large);
            committing.batch().forEach(future -> assertThat(future.handle((message, failure) -> "completed"))
                    .succeedsWithin(WAIT));
            stepped.allowOne();
            assertThat(committing.after()).succeedsWithin(WAIT);
            for (String body : later) {
                CompletableFuture<Message> future = writer.storeThenPublish(text(body), this::outbound);
                stepped.allowOne();
                assertThat(future).succeedsWithin(WAIT);
            }
        } finally {
            assertThat(CompletableFuture.runAsync(() -> writer.close(1_000))).succeedsWithin(WAIT);
        }

        assertThat(stepped.batchSizes()).containsExactly(1, large, 1, 1, 1, 1);
        assertThat(report.unexpected).as("the hand-over's failure, reported once")
                .containsExactly(MessageWriter.WRITER_THREAD + ": " + handOverFailure);
        assertThat(deliveredOn).as("the first batch, before the failure").containsEntry("first",
                List.of(MessageWriter.WRITER_THREAD));
        assertThat(deliveredOn).as("the small batches after it: by the writer, each once")
                .containsEntry("after", List.of(MessageWriter.WRITER_THREAD))
                .containsEntry(later.get(0), List.of(MessageWriter.WRITER_THREAD))
                .containsEntry(later.get(1), List.of(MessageWriter.WRITER_THREAD))
                .containsEntry(later.get(2), List.of(MessageWriter.WRITER_THREAD));
    }

    /**
     * "first" stored alone (and completed), then {@code large} messages queued while it commits, so that they commit as
     * one batch with "after" waiting behind them: the large batch's commit is allowed, not awaited; "after"'s is not
     * allowed yet.
     */
    private LargeBatchWithOneBehind aLargeBatchWithOneBehind(MessageWriter writer, SteppedRepository stepped, int large)
            throws Exception {
        CompletableFuture<Message> first = writer.storeThenPublish(text("first"), this::outbound);
        stepped.awaitCalls(1);
        List<CompletableFuture<Message>> batch = new ArrayList<>();
        for (int i = 0; i < large; i++) {
            batch.add(writer.storeThenPublish(text("large " + i), this::outbound));
        }
        stepped.allowOne();
        assertThat(first).succeedsWithin(WAIT);
        stepped.awaitCalls(2);
        CompletableFuture<Message> after = writer.storeThenPublish(text("after"), this::outbound);
        stepped.allowOne();
        return new LargeBatchWithOneBehind(batch, after);
    }

    private record LargeBatchWithOneBehind(List<CompletableFuture<Message>> batch, CompletableFuture<Message> after) {
    }

    /**
     * Makes {@code writer}'s first hand-over to its delivery thread throw {@code failure}. Reflection, because no real
     * failure of that hand-over can be provoked on demand (it is a put into a private queue, which throws only an
     * {@link Error} or on a broken JVM) and {@link MessageWriter} has no seam there: its field is set to a view of the
     * same queue whose first put throws; every other call goes to the queue itself, on which the delivery thread
     * already waits.
     */
    @SuppressWarnings("unchecked")
    private static void failTheFirstHandOverToTheDeliveryThread(MessageWriter writer, Error failure)
            throws ReflectiveOperationException {
        Field field = MessageWriter.class.getDeclaredField("toDeliver");
        field.setAccessible(true);
        BlockingQueue<Object> queue = (BlockingQueue<Object>) field.get(writer);
        AtomicBoolean thrown = new AtomicBoolean();
        InvocationHandler failingOnce = (proxy, method, arguments) -> {
            if (method.getName().equals("put") && thrown.compareAndSet(false, true)) {
                throw failure;
            }
            try {
                return method.invoke(queue, arguments);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        field.set(writer, Proxy.newProxyInstance(MessageWriterTest.class.getClassLoader(),
                new Class<?>[] {BlockingQueue.class}, failingOnce));
    }

    /**
     * What a caller chains to a future may hand over another message (without waiting for it) while the queue is full.
     * When the writer completed that future itself, it must not wait for room in its own queue (it alone makes room):
     * the message is taken first instead, everything queued is stored, and closing still ends. (A hostile review found
     * the writer frozen for good here, close() included.)
     */
    @Test
    void a_message_handed_over_by_a_callback_on_the_writer_while_the_queue_is_full_does_not_stop_the_writer()
            throws Exception {
        GatedRepository gated = new GatedRepository(storage.messages());
        MessageWriter writer = MessageWriters.start(gated, delivery, 1, 2);
        CompletableFuture<Message> first = writer.storeThenPublish(text("first"), this::outbound);
        CompletableFuture<CompletableFuture<Message>> fromCallback = new CompletableFuture<>();
        first.thenRun(() -> fromCallback.complete(writer.store(text("from the callback"))));
        gated.awaitCallInProgress();
        CompletableFuture<Message> one = writer.store(text("queued 1"));
        CompletableFuture<Message> two = writer.store(text("queued 2"));
        gated.open();

        assertThat(first).succeedsWithin(WAIT);
        assertThat(one).succeedsWithin(WAIT);
        assertThat(two).succeedsWithin(WAIT);
        assertThat(fromCallback).succeedsWithin(WAIT);
        assertThat(fromCallback.join()).succeedsWithin(WAIT);
        assertThat(CompletableFuture.runAsync(() -> writer.close(1_000))).succeedsWithin(WAIT);
        assertThat(storage.messages().findInThread(thread.id(), MessageRange.newest(), 10))
                .extracting(Message::content)
                .containsExactlyInAnyOrder(new MessageContent.Text("first"), new MessageContent.Text("from the callback"),
                        new MessageContent.Text("queued 1"), new MessageContent.Text("queued 2"));
    }

    /**
     * Two messages a callback on the writer hands over one after the other, when the queue has room for the first
     * only, are stored in that order (the second, kept aside, must not overtake the first).
     */
    @Test
    void messages_a_callback_on_the_writer_hands_over_one_after_the_other_are_stored_in_that_order() throws Exception {
        GatedRepository gated = new GatedRepository(storage.messages());
        MessageWriter writer = MessageWriters.start(gated, delivery, 1, 2);
        try {
            CompletableFuture<Message> first = writer.storeThenPublish(text("first"), this::outbound);
            CompletableFuture<List<CompletableFuture<Message>>> fromCallback = new CompletableFuture<>();
            first.thenRun(() -> fromCallback.complete(
                    List.of(writer.store(text("callback 1")), writer.store(text("callback 2")))));
            gated.awaitCallInProgress();
            CompletableFuture<Message> queued = writer.store(text("queued"));
            gated.open();

            assertThat(fromCallback).succeedsWithin(WAIT);
            Message one = fromCallback.join().get(0).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            Message two = fromCallback.join().get(1).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(queued).succeedsWithin(WAIT);
            assertThat(queued.join().id()).as("queued before the callback ran").isLessThan(one.id());
            assertThat(one.id()).as("the callback's first message is stored before its second").isLessThan(two.id());
        } finally {
            writer.close(1_000);
        }
    }

    /**
     * The same on the delivery thread: a callback it runs hands over a message while the queue is full and the writer
     * waits for the delivery thread (its {@value MessageWriter#MAX_BATCHES_AWAITING_DELIVERY} batches waiting are
     * full). Waiting for room there would stop group commit for good, and close() with it.
     */
    @Test
    void a_message_handed_over_by_a_callback_on_the_delivery_thread_while_everything_is_full_does_not_stop_group_commit()
            throws Exception {
        CountDownLatch delivering = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        EventDelivery heldFirst = event -> {
            delivering.countDown();
            try {
                released.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            delivery.deliver(event);
        };
        AtomicInteger appends = new AtomicInteger();
        DelegatingMessageRepository counting = new DelegatingMessageRepository(storage.messages()) {
            @Override
            public List<AppendedMessage> appendNew(List<DraftToStore> drafts) {
                List<AppendedMessage> stored = super.appendNew(drafts);
                appends.incrementAndGet();
                return stored;
            }
        };
        MessageWriter writer = new MessageWriter(counting, heldFirst, 1, 1, new CountedReport(), PIPELINED);
        CompletableFuture<Message> held = writer.storeThenPublish(text("held"), this::outbound);
        CompletableFuture<CompletableFuture<Message>> fromCallback = new CompletableFuture<>();
        held.thenRun(() -> fromCallback.complete(writer.store(text("from the callback"))));
        assertThat(delivering.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        int behind = MessageWriter.MAX_BATCHES_AWAITING_DELIVERY + 1;
        List<CompletableFuture<Message>> waiting = new ArrayList<>();
        for (int i = 0; i < behind; i++) {
            waiting.add(writer.store(text("behind " + i)));
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (appends.get() < 1 + behind && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(appends.get()).as("stored, the last one waiting to go to the delivery thread").isEqualTo(1 + behind);
        CompletableFuture<Message> fillsTheQueue = writer.store(text("fills the queue"));
        released.countDown();

        assertThat(fromCallback).succeedsWithin(WAIT);
        assertThat(fromCallback.join()).succeedsWithin(WAIT);
        waiting.forEach(future -> assertThat(future).succeedsWithin(WAIT));
        assertThat(fillsTheQueue).succeedsWithin(WAIT);
        assertThat(CompletableFuture.runAsync(() -> writer.close(1_000))).succeedsWithin(WAIT);
    }

    /**
     * A writer thread that dies delivering a batch itself (the report of the failure throwing too) leaves the batch
     * open: its replacement delivers the rest, closes that batch once, completes the futures, and later messages flow.
     */
    @Test
    void a_writer_thread_that_dies_delivering_a_batch_itself_is_replaced_and_the_replacement_closes_that_batch()
            throws Exception {
        BrokenReport report = new BrokenReport();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        try (MessageWriter writer = new MessageWriter(storage.messages(), recordingBatches(events), 100, 1_000,
                report, true)) {
            assertThat(writer.storeThenPublish(text("before"), this::outbound)).succeedsWithin(WAIT);
            assertThat(writer.storeThenPublish(text("poison"), this::outbound)).succeedsWithin(WAIT);
            report.awaitReplaced(1);
            assertThat(report.replaced).containsExactly(MessageWriter.WRITER_THREAD);
            assertThat(writer.storeThenPublish(text("later"), this::outbound)).succeedsWithin(WAIT);
            assertThat(writer.threadRestarts()).isEqualTo(1);
        }
        assertThat(events).containsExactly("open", "delivered before", "closed", "open", "closed",
                "open", "delivered later", "closed");
    }

    @Test
    void when_the_queue_is_full_callers_wait_for_room() throws Exception {
        GatedRepository gated = new GatedRepository(storage.messages());
        try (MessageWriter writer = MessageWriters.start(gated, delivery, 100, 2)) {
            writer.store(text("in the writer"));
            gated.awaitCallInProgress();
            writer.store(text("queued 1"));
            writer.store(text("queued 2"));
            CompletableFuture<CompletableFuture<Message>> third =
                    CompletableFuture.supplyAsync(() -> writer.store(text("has to wait")));

            assertThat(third).withFailMessage("the third caller should wait while the queue is full")
                    .failsWithin(Duration.ofMillis(300));
            gated.open();

            assertThat(third).succeedsWithin(WAIT);
            assertThat(third.join()).succeedsWithin(WAIT);
        }
    }

    @Test
    void closing_stores_what_was_handed_over_then_refuses_new_messages() throws Exception {
        GatedRepository gated = new GatedRepository(storage.messages());
        MessageWriter writer = MessageWriters.start(gated, delivery);
        CompletableFuture<Message> inFlight = writer.store(text("in flight"));
        gated.awaitCallInProgress();
        CompletableFuture<Message> queued = writer.store(text("queued"));

        CompletableFuture<Void> closing = CompletableFuture.runAsync(writer::close);
        gated.open();
        assertThat(closing).succeedsWithin(WAIT);

        assertThat(inFlight).succeedsWithin(WAIT);
        assertThat(queued).succeedsWithin(WAIT);
        assertThat(writer.store(text("too late"))).failsWithin(WAIT)
                .withThrowableThat().havingRootCause().withMessageContaining("shutting down");
        assertThat(storage.messages().findInThread(thread.id(), MessageRange.newest(), 10)).hasSize(2);
    }

    private DraftToStore keyed(String body, Optional<ClientMessageId> key) {
        return new DraftToStore(text(body), key);
    }

    private MessageDraft text(String body) {
        return thread.compose(alice.id(), new MessageContent.Text(body), ChatFixtures.T0);
    }

    /** Hands every event to {@link #delivery}, except that the message "poison" throws {@code failure}. */
    private EventDelivery throwingForPoison(Error failure) {
        return outbound -> {
            if (asMessageStored(outbound).message().content().equals(new MessageContent.Text("poison"))) {
                throw failure;
            }
            delivery.deliver(outbound);
        };
    }

    /** A first message and those queued behind it, as futures. */
    private record Queued(CompletableFuture<Message> first, List<CompletableFuture<Message>> behind) {
    }

    /**
     * Hands over {@code first}, waits until its batch is held at {@code gated}'s gate, then hands over {@code count}
     * more ({@code prefix} and a number), published as {@link #outbound}; the gate stays shut. {@code behind} is
     * mutable.
     */
    private Queued queueBehindTheFirst(MessageWriter writer, GatedRepository gated, String first, String prefix,
                                       int count) throws InterruptedException {
        CompletableFuture<Message> held = writer.storeThenPublish(text(first), this::outbound);
        gated.awaitCallInProgress();
        List<CompletableFuture<Message>> behind = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            behind.add(writer.storeThenPublish(text(prefix + i), this::outbound));
        }
        return new Queued(held, behind);
    }

    /**
     * A gated store whose {@code appendNew} call number {@code n} (from 1, counted in {@code calls}) throws
     * {@code failure.apply(n)}, checked or not, unless that is null.
     */
    private GatedRepository failingOnCalls(AtomicInteger calls, IntFunction<Throwable> failure) {
        return new GatedRepository(new DelegatingMessageRepository(storage.messages()) {
            @Override
            public List<AppendedMessage> appendNew(List<DraftToStore> drafts) {
                Throwable thrown = failure.apply(calls.incrementAndGet());
                if (thrown != null) {
                    throw MessageWriterTest.<RuntimeException>sneaky(thrown);
                }
                return super.appendNew(drafts);
            }
        });
    }

    /** A gated store that stores its second batch whole but answers it with its first message only. */
    private GatedRepository answeringTooFewOnTheSecondCall(AtomicInteger calls) {
        return new GatedRepository(new DelegatingMessageRepository(storage.messages()) {
            @Override
            public List<AppendedMessage> appendNew(List<DraftToStore> drafts) {
                List<AppendedMessage> stored = super.appendNew(drafts);
                return calls.incrementAndGet() == 2 ? stored.subList(0, 1) : stored;
            }
        });
    }

    private MessageStored outbound(Message stored) {
        return new MessageStored(stored, DeliveryPolicy.forStoredMessage(stored), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    private static List<String> numbered(int count) {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bodies.add("m" + i);
        }
        return bodies;
    }

    /** A failure report that keeps what it is told, each as "thread: failure". */
    private static final class RecordingFailures implements MessageWriter.Failures {
        final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
        final List<String> other = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void undelivered(Message message, Throwable failure) {
            other.add("undelivered " + message.id() + ": " + failure);
        }

        @Override
        public void unexpected(String thread, Throwable failure) {
            unexpected.add(thread + ": " + failure);
        }

        @Override
        public void threadReplaced(String thread, Throwable cause, int restarts) {
            other.add("replaced " + thread + ": " + cause);
        }
    }

    /** A failure report that only counts what it is told. */
    private static final class CountedReport implements MessageWriter.Failures {
        final AtomicInteger reports = new AtomicInteger();

        @Override
        public void undelivered(Message message, Throwable failure) {
            reports.incrementAndGet();
        }

        @Override
        public void unexpected(String thread, Throwable failure) {
            reports.incrementAndGet();
        }

        @Override
        public void threadReplaced(String thread, Throwable cause, int restarts) {
            reports.incrementAndGet();
        }
    }

    /** A failure report that fails: every report of a failure throws; replacements are recorded. */
    private static final class BrokenReport implements MessageWriter.Failures {
        final List<String> replaced = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void undelivered(Message message, Throwable failure) {
            throw new Error("the failure report is broken");
        }

        @Override
        public void unexpected(String thread, Throwable failure) {
            throw new Error("the failure report is broken");
        }

        @Override
        public void threadReplaced(String thread, Throwable cause, int restarts) {
            replaced.add(thread);
        }

        /** The report comes after the replacement started, so it may come after the replacement's first work. */
        void awaitReplaced(int count) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (replaced.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
    }

    /** Throws a checked exception through an interface that does not declare it, as some libraries do. */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable failure) throws E {
        throw (E) failure;
    }

    /** An error that cannot describe itself: every way of turning it into text throws. */
    private static final class Indescribable extends Error {
        @Override
        public String getMessage() {
            throw new IllegalStateException("no message");
        }

        @Override
        public String getLocalizedMessage() {
            throw new IllegalStateException("no message");
        }

        @Override
        public String toString() {
            throw new IllegalStateException("no text");
        }
    }

    /** A repository whose every call waits for the test to allow it ({@link #allowOne}). */
    private static final class SteppedRepository extends DelegatingMessageRepository {

        private final Semaphore allowed = new Semaphore(0);
        private final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());

        SteppedRepository(MessageRepository delegate) {
            super(delegate);
        }

        @Override
        public List<AppendedMessage> appendNew(List<DraftToStore> drafts) {
            batchSizes.add(drafts.size());
            try {
                if (!allowed.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("The test never allowed this call");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return super.appendNew(drafts);
        }

        /** Waits until the {@code n}th call has begun (and waits to be allowed). */
        void awaitCalls(int n) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (batchSizes.size() < n && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(batchSizes).hasSizeGreaterThanOrEqualTo(n);
        }

        void allowOne() {
            allowed.release();
        }

        List<Integer> batchSizes() {
            return List.copyOf(batchSizes);
        }
    }

    /** Holds its first {@code appendNew} until opened, so a test can queue messages behind a commit in progress. */
    private static final class GatedRepository extends DelegatingMessageRepository {

        private final CountDownLatch inProgress = new CountDownLatch(1);
        private final CountDownLatch gate = new CountDownLatch(1);
        private final List<Integer> batchSizes = Collections.synchronizedList(new ArrayList<>());

        GatedRepository(MessageRepository delegate) {
            super(delegate);
        }

        @Override
        public List<AppendedMessage> appendNew(List<DraftToStore> drafts) {
            batchSizes.add(drafts.size());
            inProgress.countDown();
            try {
                if (!gate.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("The test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return super.appendNew(drafts);
        }

        void awaitCallInProgress() throws InterruptedException {
            assertThat(inProgress.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        }

        void open() {
            gate.countDown();
        }

        List<Integer> batchSizes() {
            return List.copyOf(batchSizes);
        }
    }
}
