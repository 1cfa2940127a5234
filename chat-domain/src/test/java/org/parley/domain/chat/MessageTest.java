package org.parley.domain.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.user.UserId;

class MessageTest {

    private static final Instant T0 = Instant.parse("2025-03-14T10:07:31.270646Z");
    private static final MessageContent TEXT = new MessageContent.Text("hi");
    private final UserId alice = UserId.random();
    private final UserId bob = UserId.random();

    @Test
    void a_draft_becomes_a_message_created_and_updated_when_sent() {
        MessageDraft draft = new MessageDraft(new ThreadId(3), alice, bob, TEXT, T0);

        Message message = draft.storedAs(new MessageId(11));

        assertThat(message).isEqualTo(new Message(new MessageId(11), new ThreadId(3), alice, bob, TEXT, T0, T0));
        assertThat(message.type()).isEqualTo(MessageType.TEXT);
    }

    @Test
    void nobody_sends_a_message_to_themselves() {
        assertThatThrownBy(() -> new MessageDraft(new ThreadId(3), alice, alice, TEXT, T0))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.RECEIVER));
        assertThatThrownBy(() -> new Message(new MessageId(1), new ThreadId(3), bob, bob, TEXT, T0, T0))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.RECEIVER));
    }

    @Test
    void involves_only_sender_and_receiver() {
        Message message = new Message(new MessageId(1), new ThreadId(3), alice, bob, TEXT, T0, T0);

        assertThat(message.involves(alice)).isTrue();
        assertThat(message.involves(bob)).isTrue();
        assertThat(message.involves(UserId.random())).isFalse();
    }

    @Test
    void requires_every_field() {
        ThreadId thread = new ThreadId(3);
        assertThatThrownBy(() -> new MessageDraft(null, alice, bob, TEXT, T0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new MessageDraft(thread, null, bob, TEXT, T0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new MessageDraft(thread, alice, null, TEXT, T0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new MessageDraft(thread, alice, bob, null, T0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new MessageDraft(thread, alice, bob, TEXT, null)).isInstanceOf(NullPointerException.class);
        MessageId id = new MessageId(1);
        assertThatThrownBy(() -> new Message(null, thread, alice, bob, TEXT, T0, T0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Message(id, thread, alice, bob, TEXT, null, T0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Message(id, thread, alice, bob, TEXT, T0, null)).isInstanceOf(NullPointerException.class);
    }
}
