package org.parley.application.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.application.cluster.LocalSendBudget;
import org.parley.application.error.RateLimited;
import org.parley.application.groupcommit.MessageWriter;
import org.parley.application.port.in.SendTextMessage;
import org.parley.application.port.in.Sent;
import org.parley.application.port.out.Admission;
import org.parley.application.port.out.AppendedMessage;
import org.parley.application.port.out.DraftToStore;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.SendRate;
import org.parley.application.port.out.ThreadActivity;
import org.parley.application.port.out.ThreadRepository;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.DelegatingMessageRepository;
import org.parley.application.testing.DelegatingUserAccounts;
import org.parley.application.testing.InMemoryChatStorage;
import org.parley.application.testing.ManualTimeSource;
import org.parley.application.testing.MessageWriters;
import org.parley.application.testing.RecordingEventDelivery;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageRules;
import org.parley.domain.chat.Participants;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * {@link SendTextMessageService#sendFromMemory}: it sends only from what the ports hold in memory, and declines having
 * taken nothing (no budget, no store, no delivery) as soon as one of them cannot answer so.
 */
class SendFromMemoryTest {

    private final ChatStorage storage = InMemoryChatStorage.create();
    private final RecordingEventDelivery delivery = new RecordingEventDelivery();
    private final ManualTimeSource time = new ManualTimeSource();
    private final Set<UserId> heldUsers = ConcurrentHashMap.newKeySet();
    private final Set<Participants> heldThreads = ConcurrentHashMap.newKeySet();
    private final DelegatingUserAccounts users = new DelegatingUserAccounts(storage.users()) {
        @Override
        public Optional<User> findHeld(UserId id) {
            return heldUsers.contains(id) ? storage.users().findById(id) : Optional.empty();
        }
    };
    private final ThreadRepository threads = new HeldThreads();
    private final User alice = ChatFixtures.addUser(storage.users());
    private final User bob = ChatFixtures.addUser(storage.users());
    private MessageWriter writer = MessageWriters.start(storage.messages(), delivery);

    @AfterEach
    void stopWriter() {
        writer.close();
    }

    @Test
    void sends_when_the_receiver_its_thread_and_the_budget_are_in_memory() throws Exception {
        SendTextMessage service = service(SendBudget.unlimited());
        holdBobAndTheirThread();

        Optional<CompletionStage<Sent>> sent = service.sendFromMemory(command("hello"));

        assertThat(sent).isPresent();
        Message stored = sent.get().toCompletableFuture().get(5, TimeUnit.SECONDS).message();
        assertThat(storage.messages().findById(stored.id())).contains(stored);
        assertThat(delivery.messagesStored()).hasSize(1);
    }

    @Test
    void declines_without_taking_from_the_budget_when_the_thread_or_the_receiver_is_not_in_memory() throws Exception {
        SendTextMessage service = service(new LocalSendBudget(new SendRate(1, 1), time));
        heldUsers.add(bob.id());
        assertThat(service.sendFromMemory(command("no thread held"))).isEmpty();
        heldUsers.clear();
        heldThreads.add(Participants.of(alice.id(), bob.id()));
        assertThat(service.sendFromMemory(command("no receiver held"))).isEmpty();

        // The one message of the budget is still there: the ordinary send is granted.
        service.send(command("through send")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(delivery.messagesStored()).hasSize(1);
    }

    /** A held receiver whose account is closed is declined as send() would refuse it, and takes no budget. */
    @Test
    void declines_without_taking_from_the_budget_when_the_held_receiver_is_inactive() throws Exception {
        SendTextMessage service = service(new LocalSendBudget(new SendRate(1, 1), time));
        holdBobAndTheirThread();
        storage.users().update(bob.withDetails(bob.email(), bob.profile(), bob.status().withActive(false), time.now()));

        assertThat(service.sendFromMemory(command("to a closed account"))).isEmpty();

        storage.users().update(bob);
        service.sendFromMemory(command("reopened")).orElseThrow().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(delivery.messagesStored()).hasSize(1);
    }

    /**
     * Contract §14 through memory as through send(): the same client_msg_id again, from memory or not, stores and
     * delivers nothing and answers with the original message; the one delivered event carries the id.
     */
    @Test
    void a_repeated_client_id_answers_the_original_from_memory_and_through_send() throws Exception {
        SendTextMessage service = service(SendBudget.unlimited());
        holdBobAndTheirThread();
        Optional<ClientMessageId> clientId = Optional.of(new ClientMessageId("c-7"));

        Sent first = service.sendFromMemory(command("hi", clientId)).orElseThrow()
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        Sent again = service.sendFromMemory(command("other", clientId)).orElseThrow()
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
        Sent sentAgain = service.send(command("hi", clientId)).toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(first.repeat()).isFalse();
        assertThat(List.of(again, sentAgain)).allSatisfy(repeat -> {
            assertThat(repeat.repeat()).isTrue();
            assertThat(repeat.message()).isEqualTo(first.message());
            assertThat(repeat.attachedProfile()).isEmpty();
        });
        assertThat(delivery.messagesStored()).singleElement()
                .satisfies(event -> assertThat(event.clientMessageId()).isEqualTo(clientId));
    }

    @Test
    void declines_when_the_budget_cannot_answer_from_memory() {
        SendBudget shared = sender -> Admission.grant();
        holdBobAndTheirThread();

        assertThat(service(shared).sendFromMemory(command("hello"))).isEmpty();
    }

    @Test
    void refuses_as_send_does_when_the_in_memory_budget_is_spent() throws Exception {
        SendTextMessage service = service(new LocalSendBudget(new SendRate(1, 1), time));
        holdBobAndTheirThread();
        service.sendFromMemory(command("first")).orElseThrow().toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThatThrownBy(() -> service.sendFromMemory(command("second"))).isInstanceOf(RateLimited.class);
    }

    @Test
    void declines_and_gives_the_message_back_to_the_budget_when_the_queue_is_full() throws Exception {
        writer.close();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        writer = MessageWriters.start(new DelegatingMessageRepository(storage.messages()) {
            @Override
            public List<AppendedMessage> appendNew(List<DraftToStore> drafts) {
                writing.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.appendNew(drafts);
            }
        }, delivery, 1, 1);
        SendTextMessage service = service(new LocalSendBudget(new SendRate(1, 3), time));
        holdBobAndTheirThread();
        CompletionStage<Sent> beingWritten = service.sendFromMemory(command("one")).orElseThrow();
        assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
        CompletionStage<Sent> queued = service.sendFromMemory(command("two")).orElseThrow();

        assertThat(service.sendFromMemory(command("three: no room"))).isEmpty();

        // Given back: the budget of three still has one for the ordinary send, which waits for room.
        release.countDown();
        service.send(command("three")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        beingWritten.toCompletableFuture().get(5, TimeUnit.SECONDS);
        queued.toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(delivery.messagesStored()).hasSize(3);
    }

    private SendTextMessage service(SendBudget budget) {
        return new SendTextMessageService(users, threads, writer, new MessageRules(20), time, budget);
    }

    private void holdBobAndTheirThread() {
        Participants pair = Participants.of(alice.id(), bob.id());
        threads.getOrCreate(pair, time.now());
        heldThreads.add(pair);
        heldUsers.add(bob.id());
    }

    private SendTextMessage.Command command(String body) {
        return command(body, Optional.empty());
    }

    private SendTextMessage.Command command(String body, Optional<ClientMessageId> clientId) {
        return new SendTextMessage.Command(alice.id(), bob.id(), body, clientId);
    }

    /** The storage's threads; those of {@link #heldThreads} are held in memory. */
    private final class HeldThreads implements ThreadRepository {
        @Override
        public ChatThread getOrCreate(Participants participants, Instant now) {
            return storage.threads().getOrCreate(participants, now);
        }

        @Override
        public Optional<ChatThread> findByParticipants(Participants participants) {
            return storage.threads().findByParticipants(participants);
        }

        @Override
        public Optional<ChatThread> findHeld(Participants participants) {
            return heldThreads.contains(participants) ? findByParticipants(participants) : Optional.empty();
        }

        @Override
        public Optional<ChatThread> findById(ThreadId id) {
            return storage.threads().findById(id);
        }

        @Override
        public List<ThreadActivity> findActivityOf(UserId user) {
            return storage.threads().findActivityOf(user);
        }
    }
}
