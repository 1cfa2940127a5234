package org.parley.application.port.out;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.parley.domain.delivery.Delivery;
import org.parley.domain.user.UserId;

/**
 * {@code user} came online (their first connection on any node opened) or went offline (their last one closed, or the
 * node holding it stopped): contract §13. Told to everyone who shares a thread with them.
 *
 * @param user       whose presence changed
 * @param online     whether they are online now
 * @param lastSeen   when they were last connected: present when they went offline, empty when they came online
 * @param deliveries who is told: {@link org.parley.domain.delivery.DeliveryPolicy#forPresence}
 * @throws IllegalArgumentException when an online user comes with a last-seen time
 */
public record PresenceChanged(UserId user, boolean online, Optional<Instant> lastSeen, List<Delivery> deliveries)
        implements OutboundEvent {

    public PresenceChanged {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(lastSeen, "lastSeen");
        deliveries = List.copyOf(deliveries);
        if (online && lastSeen.isPresent()) {
            throw new IllegalArgumentException("An online user has no last-seen time");
        }
    }

    @Override
    public <R> R accept(Cases<R> cases) {
        return cases.presenceChanged(this);
    }
}
