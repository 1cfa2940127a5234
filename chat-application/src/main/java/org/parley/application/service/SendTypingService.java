package org.parley.application.service;

import java.util.Objects;

import org.parley.application.port.in.SendTyping;
import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.TimeSource;
import org.parley.application.port.out.TypingThrottle;
import org.parley.application.port.out.UserAccounts;
import org.parley.application.port.out.UserTyping;
import org.parley.domain.chat.Participants;
import org.parley.domain.delivery.DeliveryPolicy;

/**
 * Checks the pair (yourself: refused) and the receiver (an existing, active user, as for a text message: answered from
 * the user cache after the first time), then asks the {@link TypingThrottle}; what passes is delivered through
 * {@link EventDelivery} (so a bus carries it to the receiver's other nodes). Nothing is stored, and the send rate of
 * contract §16 is not taken from: the throttle bounds typing to one notice per pair every two seconds.
 */
public final class SendTypingService implements SendTyping {

    private final UserAccounts users;
    private final TypingThrottle throttle;
    private final EventDelivery delivery;
    private final TimeSource time;

    public SendTypingService(UserAccounts users, TypingThrottle throttle, EventDelivery delivery, TimeSource time) {
        this.users = Objects.requireNonNull(users, "users");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
        this.time = Objects.requireNonNull(time, "time");
    }

    @Override
    public boolean type(Command command) {
        Participants.of(command.sender(), command.receiver());
        Receivers.requireActive(users, command.receiver());
        if (!throttle.tryPass(command.sender(), command.receiver())) {
            return false;
        }
        delivery.deliver(new UserTyping(command.sender(), command.receiver(), time.now(),
                DeliveryPolicy.forTyping(command.receiver())));
        return true;
    }
}
