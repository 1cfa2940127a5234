package org.parley.application.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.application.cluster.LocalSendBudget;
import org.parley.application.error.RateLimited;
import org.parley.application.groupcommit.MessageWriter;
import org.parley.application.error.UnknownUser;
import org.parley.application.port.in.SendTextMessage;
import org.parley.application.port.in.Sent;
import org.parley.application.port.out.MessageRange;
import org.parley.application.port.out.MessageRepository;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.SendBudget;
import org.parley.application.port.out.SendRate;
import org.parley.application.port.out.ThreadPosition;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.FailingMessageRepository;
import org.parley.application.testing.InMemoryChatStorage;
import org.parley.application.testing.ManualTimeSource;
import org.parley.application.testing.MessageWriters;
import org.parley.application.testing.RecordingEventDelivery;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.chat.ChatThread;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageRules;
import org.parley.domain.chat.Participants;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.delivery.Delivery;
import org.parley.domain.delivery.Audience;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

class SendTextMessageServiceTest {

    private final ChatStorage storage = InMemoryChatStorage.create();
    private final RecordingEventDelivery delivery = new RecordingEventDelivery();
    private final ManualTimeSource time = new ManualTimeSource();
    private final MessageWriter writer = MessageWriters.start(storage.messages(), delivery);
    private final SendTextMessage service = new SendTextMessageService(storage.users(), storage.threads(),
            writer, new MessageRules(20), time, SendBudget.unlimited());
    private final User alice = ChatFixtures.addUser(storage.users());
    private final User bob = ChatFixtures.addUser(storage.users());

    @AfterEach
    void stopWriter() {
        writer.close();
    }

    @Test
    void stores_the_message_in_the_pairs_thread() {
        Message sent = sent(command(alice, bob.id(), "Hello Bob 👋", Optional.empty()));

        ChatThread thread = storage.threads().findByParticipants(Participants.of(alice.id(), bob.id())).orElseThrow();
        assertThat(sent.threadId()).isEqualTo(thread.id());
        assertThat(sent.sender()).isEqualTo(alice.id());
        assertThat(sent.receiver()).isEqualTo(bob.id());
        assertThat(sent.content()).isEqualTo(new MessageContent.Text("Hello Bob 👋"));
        assertThat(sent.createdAt()).isEqualTo(time.now());
        assertThat(storage.messages().findById(sent.id())).contains(sent);
    }

    @Test
    void creates_the_thread_once_whoever_writes() {
        Message first = sent(command(alice, bob.id(), "hi", Optional.empty()));
        time.advance(Duration.ofSeconds(3));
        Message reply = sent(command(bob, alice.id(), "hello", Optional.empty()));

        assertThat(reply.threadId()).isEqualTo(first.threadId());
        assertThat(reply.id()).isGreaterThan(first.id());
        assertThat(storage.threads().findActivityOf(alice.id())).hasSize(1);
        assertThat(storage.threads().findById(first.threadId()).orElseThrow().createdAt())
                .isEqualTo(ManualTimeSource.DEFAULT_START);
        assertThat(storage.messages().findInThread(first.threadId(), MessageRange.newest(), 10))
                .containsExactly(reply, first);
    }

    @Test
    void tells_the_receiver_and_the_sender_echoing_the_client_id_to_the_sender() {
        ClientMessageId clientId = new ClientMessageId("c-42");

        Message sent = sent(command(alice, bob.id(), "hi", Optional.of(clientId)));

        MessageStored event = delivery.single();
        assertThat(event.message()).isEqualTo(sent);
        assertThat(event.deliveries()).containsExactly(
                new Delivery(bob.id(), Audience.RECEIVER),
                new Delivery(alice.id(), Audience.SENDER));
        assertThat(event.clientMessageId()).contains(clientId);
        assertThat(event.attachedProfile()).isEmpty();
        assertThat(event.attachmentLink()).isEmpty();
        assertThat(event.position()).as("the first message of the pair's thread").isEqualTo(ThreadPosition.first());
    }

    /** Contract §14: the same client_msg_id again stores and delivers nothing and answers with the original. */
    @Test
    void a_client_id_the_sender_already_used_stores_and_delivers_nothing_and_answers_with_the_original() {
        ClientMessageId clientId = new ClientMessageId("c-42");
        Sent first = outcome(service.send(command(alice, bob.id(), "hi", Optional.of(clientId))));
        time.advance(Duration.ofSeconds(30));

        Sent again = outcome(service.send(command(alice, bob.id(), "hi", Optional.of(clientId))));
        Sent changed = outcome(service.send(command(alice, bob.id(), "another text", Optional.of(clientId))));

        assertThat(first.repeat()).isFalse();
        assertThat(again.repeat()).isTrue();
        assertThat(again.message()).isEqualTo(first.message());
        assertThat(again.message().createdAt()).isEqualTo(ManualTimeSource.DEFAULT_START);
        assertThat(changed.repeat()).as("the key decides, not the text").isTrue();
        assertThat(changed.message()).isEqualTo(first.message());
        assertThat(delivery.delivered()).hasSize(1);
        assertThat(storage.messages().findInThread(first.message().threadId(), MessageRange.newest(), 10))
                .containsExactly(first.message());
    }

    @Test
    void the_same_client_id_of_two_senders_or_no_client_id_twice_stores_every_message() {
        ClientMessageId clientId = new ClientMessageId("same");
        Sent fromAlice = outcome(service.send(command(alice, bob.id(), "hi", Optional.of(clientId))));
        Sent fromBob = outcome(service.send(command(bob, alice.id(), "hi", Optional.of(clientId))));
        Sent plain = outcome(service.send(command(alice, bob.id(), "hi", Optional.empty())));
        Sent plainAgain = outcome(service.send(command(alice, bob.id(), "hi", Optional.empty())));

        assertThat(List.of(fromAlice, fromBob, plain, plainAgain)).noneMatch(Sent::repeat)
                .extracting(sent -> sent.message().id()).doesNotHaveDuplicates();
        assertThat(delivery.delivered()).hasSize(4);
    }

    @Test
    void without_a_client_id_nothing_is_echoed() {
        sent(command(alice, bob.id(), "hi", Optional.empty()));

        assertThat(delivery.single().clientMessageId()).isEmpty();
    }

    @Test
    void an_unknown_receiver_is_refused_and_nothing_is_stored_or_delivered() {
        assertThatThrownBy(() -> service.send(command(alice, UserId.random(), "hi", Optional.empty())))
                .isInstanceOf(UnknownUser.class)
                .hasMessage("Invalid receipient");

        assertNothingHappenedFor(alice);
    }

    @Test
    void an_inactive_receiver_is_refused_like_an_unknown_one() {
        User gone = ChatFixtures.addUser(storage.users());
        storage.users().update(gone.withDetails(gone.email(), gone.profile(), gone.status().withActive(false), time.now()));

        assertThatThrownBy(() -> service.send(command(alice, gone.id(), "hi", Optional.empty())))
                .isInstanceOf(UnknownUser.class);

        assertNothingHappenedFor(alice);
    }

    @Test
    void messaging_yourself_is_a_rule_violation() {
        assertThatThrownBy(() -> service.send(command(alice, alice.id(), "note to self", Optional.empty())))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.RECEIVER));

        assertNothingHappenedFor(alice);
    }

    @Test
    void blank_or_missing_text_is_a_rule_violation() {
        assertThatThrownBy(() -> service.send(command(alice, bob.id(), "   ", Optional.empty())))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.TEXT));
        assertThatThrownBy(() -> service.send(command(alice, bob.id(), null, Optional.empty())))
                .isInstanceOf(DomainRuleViolation.class);

        assertNothingHappenedFor(alice);
    }

    @Test
    void text_longer_than_the_rules_allow_is_a_rule_violation() {
        assertThat(sent(command(alice, bob.id(), "😀".repeat(20), Optional.empty())).content())
                .isEqualTo(new MessageContent.Text("😀".repeat(20)));
        delivery.clear();
        Message before = storage.messages().findInThread(
                storage.threads().findByParticipants(Participants.of(alice.id(), bob.id())).orElseThrow().id(),
                MessageRange.newest(), 10).get(0);

        assertThatThrownBy(() -> service.send(command(alice, bob.id(), "x".repeat(21), Optional.empty())))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.TEXT));

        assertThat(storage.messages().findInThread(before.threadId(), MessageRange.newest(), 10)).containsExactly(before);
        assertThat(delivery.delivered()).isEmpty();
    }

    @Test
    void delivers_only_once_the_message_is_stored() {
        List<Boolean> storedWhenDelivered = new ArrayList<>();
        try (MessageWriter checking = MessageWriters.start(storage.messages(), event -> storedWhenDelivered.add(
                storage.messages().findById(RecordingEventDelivery.asMessageStored(event).message().id())
                        .isPresent()))) {
            SendTextMessage checked = new SendTextMessageService(storage.users(), storage.threads(), checking,
                    new MessageRules(20), time, SendBudget.unlimited());

            await(checked.send(command(alice, bob.id(), "hi", Optional.empty())));
        }

        assertThat(storedWhenDelivered).containsExactly(true);
    }

    @Test
    void when_storing_fails_the_send_fails_and_nothing_is_delivered() {
        MessageRepository down = new FailingMessageRepository(new IllegalStateException("database down"));
        try (MessageWriter failing = MessageWriters.start(down, delivery)) {
            SendTextMessage broken = new SendTextMessageService(storage.users(), storage.threads(), failing,
                    new MessageRules(20), time, SendBudget.unlimited());

            CompletionStage<Sent> result = broken.send(command(alice, bob.id(), "hi", Optional.empty()));

            assertThat(result.toCompletableFuture()).failsWithin(Duration.ofSeconds(5))
                    .withThrowableThat().havingRootCause().withMessage("database down");
        }
        assertThat(delivery.delivered()).isEmpty();
    }

    @Test
    void a_sender_above_the_send_rate_is_refused_with_the_wait_and_nothing_is_stored() {
        SendTextMessage limited = new SendTextMessageService(storage.users(), storage.threads(), writer,
                new MessageRules(20), time, new LocalSendBudget(new SendRate(10, 2), time));
        Message first = await(limited.send(command(alice, bob.id(), "one", Optional.empty())));
        await(limited.send(command(alice, bob.id(), "two", Optional.empty())));

        assertThatThrownBy(() -> limited.send(command(alice, bob.id(), "three", Optional.empty())))
                .isInstanceOfSatisfying(RateLimited.class, e -> {
                    assertThat(e.limit()).isEqualTo(RateLimited.Limit.SENDING);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(100));
                });
        assertThat(storage.messages().findInThread(first.threadId(), MessageRange.newest(), 10)).hasSize(2);

        await(limited.send(command(bob, alice.id(), "Bob has his own", Optional.empty())));
        time.advance(Duration.ofMillis(100));
        await(limited.send(command(alice, bob.id(), "three, later", Optional.empty())));
        assertThat(storage.messages().findInThread(first.threadId(), MessageRange.newest(), 10)).hasSize(4);
    }

    @Test
    void a_message_refused_for_its_own_text_costs_nothing() {
        SendTextMessage limited = new SendTextMessageService(storage.users(), storage.threads(), writer,
                new MessageRules(20), time, new LocalSendBudget(new SendRate(10, 1), time));

        assertThatThrownBy(() -> limited.send(command(alice, bob.id(), "", Optional.empty())))
                .isInstanceOf(DomainRuleViolation.class);

        await(limited.send(command(alice, bob.id(), "still allowed", Optional.empty())));
    }

    private Message sent(SendTextMessage.Command command) {
        return await(service.send(command));
    }

    private static Message await(CompletionStage<Sent> stage) {
        return outcome(stage).message();
    }

    private static Sent outcome(CompletionStage<Sent> stage) {
        return stage.toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
    }

    private void assertNothingHappenedFor(User sender) {
        assertThat(storage.threads().findActivityOf(sender.id())).isEmpty();
        assertThat(delivery.delivered()).isEmpty();
    }

    private static SendTextMessage.Command command(User sender, UserId receiver, String body,
                                                   Optional<ClientMessageId> clientId) {
        return new SendTextMessage.Command(sender.id(), receiver, body, clientId);
    }
}
