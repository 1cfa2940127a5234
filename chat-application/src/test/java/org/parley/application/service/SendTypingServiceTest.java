package org.parley.application.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.parley.application.cluster.LocalTypingThrottle;
import org.parley.application.error.UnknownUser;
import org.parley.application.port.in.SendTyping;
import org.parley.application.port.out.UserTyping;
import org.parley.application.testing.ChatFixtures;
import org.parley.application.testing.ChatStorage;
import org.parley.application.testing.InMemoryChatStorage;
import org.parley.application.testing.ManualTimeSource;
import org.parley.application.testing.RecordingEventDelivery;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.RuleSubject;
import org.parley.domain.delivery.Audience;
import org.parley.domain.delivery.Delivery;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/** Contract §13's typing notice, on fakes: forwarded to the receiver, never stored, one per pair every 2 s. */
class SendTypingServiceTest {

    private final ChatStorage storage = InMemoryChatStorage.create();
    private final RecordingEventDelivery delivery = new RecordingEventDelivery();
    private final ManualTimeSource time = new ManualTimeSource();
    private final SendTyping service = new SendTypingService(storage.users(), new LocalTypingThrottle(time),
            delivery, time);
    private final User alice = ChatFixtures.addUser(storage.users());
    private final User bob = ChatFixtures.addUser(storage.users());

    @Test
    void a_notice_is_delivered_to_the_receiver_only_and_nothing_is_stored() {
        assertThat(service.type(new SendTyping.Command(alice.id(), bob.id()))).isTrue();

        UserTyping typing = delivery.ofKind(UserTyping.class).get(0);
        assertThat(delivery.delivered()).hasSize(1);
        assertThat(typing.sender()).isEqualTo(alice.id());
        assertThat(typing.receiver()).isEqualTo(bob.id());
        assertThat(typing.at()).isEqualTo(time.now());
        assertThat(typing.deliveries()).containsExactly(new Delivery(bob.id(), Audience.RECEIVER));
        assertThat(storage.threads().findActivityOf(alice.id())).isEmpty();
    }

    @Test
    void at_most_one_per_pair_every_two_seconds_the_others_dropped_silently() {
        SendTyping.Command aliceToBob = new SendTyping.Command(alice.id(), bob.id());
        assertThat(service.type(aliceToBob)).isTrue();
        time.advance(Duration.ofMillis(1_999));
        assertThat(service.type(aliceToBob)).isFalse();
        // Other pairs have their own window.
        assertThat(service.type(new SendTyping.Command(bob.id(), alice.id()))).isTrue();
        time.advance(Duration.ofMillis(1));
        assertThat(service.type(aliceToBob)).isTrue();

        assertThat(delivery.ofKind(UserTyping.class)).extracting(UserTyping::sender)
                .isEqualTo(List.of(alice.id(), bob.id(), alice.id()));
    }

    @Test
    void yourself_is_refused_as_for_a_text_message() {
        assertThatThrownBy(() -> service.type(new SendTyping.Command(alice.id(), alice.id())))
                .isInstanceOfSatisfying(DomainRuleViolation.class,
                        violation -> assertThat(violation.subject()).isEqualTo(RuleSubject.RECEIVER));
        assertThat(delivery.delivered()).isEmpty();
    }

    @Test
    void unknown_and_inactive_receivers_are_refused_and_take_nothing_from_the_throttle() {
        assertThatThrownBy(() -> service.type(new SendTyping.Command(alice.id(), UserId.random())))
                .isInstanceOf(UnknownUser.class);
        storage.users().update(bob.withDetails(bob.email(), bob.profile(), bob.status().withActive(false),
                bob.updatedAt()));
        assertThatThrownBy(() -> service.type(new SendTyping.Command(alice.id(), bob.id())))
                .isInstanceOf(UnknownUser.class);
        assertThat(delivery.delivered()).isEmpty();
    }
}
