package org.parley.domain.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.chat.MessageId;
import org.parley.domain.chat.ThreadId;
import org.parley.domain.user.UserId;

class DeliveryTest {

    @Test
    void a_stored_message_goes_to_its_receiver_and_back_to_its_sender() {
        UserId alice = UserId.random();
        UserId bob = UserId.random();
        Instant at = Instant.parse("2025-03-14T10:07:31.270646Z");
        Message message = new Message(new MessageId(5), new ThreadId(2), alice, bob, new MessageContent.Text("hi"), at, at);

        assertThat(DeliveryPolicy.forStoredMessage(message)).containsExactly(
                new Delivery(bob, Audience.RECEIVER),
                new Delivery(alice, Audience.SENDER));
    }

    @Test
    void a_delivery_names_recipient_and_audience() {
        assertThatThrownBy(() -> new Delivery(null, Audience.RECEIVER)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Delivery(UserId.random(), null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void a_client_message_id_has_one_to_64_characters() {
        assertThat(new ClientMessageId("a").value()).isEqualTo("a");
        assertThat(new ClientMessageId("x".repeat(64)).value()).hasSize(64);
        assertThatThrownBy(() -> new ClientMessageId("x".repeat(65)))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.CLIENT_MESSAGE_ID));
        assertThatThrownBy(() -> new ClientMessageId(""))
                .isInstanceOfSatisfying(DomainRuleViolation.class, e -> assertThat(e.subject()).isEqualTo(RuleSubject.CLIENT_MESSAGE_ID));
        assertThatThrownBy(() -> new ClientMessageId(null)).isInstanceOf(DomainRuleViolation.class);
    }
}
