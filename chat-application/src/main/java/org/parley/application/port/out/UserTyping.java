package org.parley.application.port.out;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.parley.domain.delivery.Delivery;
import org.parley.domain.user.UserId;

/**
 * {@code sender} is typing to {@code receiver} (contract §13): forwarded, never stored. At most one per pair every two
 * seconds reaches {@link EventDelivery} ({@link TypingThrottle}).
 *
 * @param sender     who is typing
 * @param receiver   to whom
 * @param at         when the server received it (microseconds)
 * @param deliveries who is told: {@link org.parley.domain.delivery.DeliveryPolicy#forTyping}
 */
public record UserTyping(UserId sender, UserId receiver, Instant at, List<Delivery> deliveries)
        implements OutboundEvent {

    public UserTyping {
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(receiver, "receiver");
        Objects.requireNonNull(at, "at");
        deliveries = List.copyOf(deliveries);
    }

    @Override
    public <R> R accept(Cases<R> cases) {
        return cases.userTyping(this);
    }
}
