package org.parley.domain.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.user.UserId;

class ChatThreadTest {

    private static final Instant T0 = Instant.parse("2025-03-14T10:07:31.270646Z");
    private final UserId alice = UserId.random();
    private final UserId bob = UserId.random();
    private final ChatThread thread = new ChatThread(new ThreadId(7), Participants.of(alice, bob), T0);

    @Test
    void composes_a_message_to_the_other_participant() {
        MessageContent text = new MessageContent.Text("hi");

        MessageDraft fromAlice = thread.compose(alice, text, T0.plusSeconds(1));
        MessageDraft fromBob = thread.compose(bob, text, T0.plusSeconds(2));

        assertThat(fromAlice).isEqualTo(new MessageDraft(new ThreadId(7), alice, bob, text, T0.plusSeconds(1)));
        assertThat(fromBob.sender()).isEqualTo(bob);
        assertThat(fromBob.receiver()).isEqualTo(alice);
    }

    @Test
    void refuses_an_outsider() {
        assertThatThrownBy(() -> thread.compose(UserId.random(), new MessageContent.Text("hi"), T0))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.SENDER));
    }

    @Test
    void knows_its_participants() {
        assertThat(thread.includes(alice)).isTrue();
        assertThat(thread.includes(bob)).isTrue();
        assertThat(thread.includes(UserId.random())).isFalse();
    }

    @Test
    void requires_every_field() {
        Participants pair = Participants.of(alice, bob);
        assertThatThrownBy(() -> new ChatThread(null, pair, T0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ChatThread(new ThreadId(1), null, T0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ChatThread(new ThreadId(1), pair, null)).isInstanceOf(NullPointerException.class);
    }
}
