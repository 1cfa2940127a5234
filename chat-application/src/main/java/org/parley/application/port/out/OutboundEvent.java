package org.parley.application.port.out;

import java.util.List;

import org.parley.domain.delivery.Delivery;

/**
 * Something connected users are told of, on its way to their connections through {@link EventDelivery}. One sealed
 * family: {@link MessageStored}, {@link MessageSeen} (a read marker, §11), {@link MessageEdited} and
 * {@link MessageDeleted} (§12), {@link UserTyping} and {@link PresenceChanged} (§13); each is raised by its use case
 * with the deliveries the domain's {@link org.parley.domain.delivery.DeliveryPolicy} decided for it, and a new kind
 * joins the family as a new member.
 *
 * <p>An event is self-contained: it carries everything a frame of it needs (a stored message's signed attachment link
 * included), so whoever renders it — this node, or another node that received it from a bus — asks nobody anything.
 *
 * <p>Whoever handles events case by case implements {@link Cases}: a new member adds a method there, so every renderer
 * stops compiling until it handles the new kind (Java 17 has no exhaustive pattern switch over a sealed type).
 */
public sealed interface OutboundEvent
        permits MessageStored, MessageSeen, MessageEdited, MessageDeleted, UserTyping, PresenceChanged {

    /** Who is told, each as which audience; an empty list tells nobody. */
    List<Delivery> deliveries();

    /** Calls the case of {@code cases} for this kind of event and returns what it returns. */
    <R> R accept(Cases<R> cases);

    /** One method per kind of {@link OutboundEvent}. */
    interface Cases<R> {

        R messageStored(MessageStored event);

        R messageSeen(MessageSeen event);

        R messageEdited(MessageEdited event);

        R messageDeleted(MessageDeleted event);

        R userTyping(UserTyping event);

        R presenceChanged(PresenceChanged event);
    }
}
