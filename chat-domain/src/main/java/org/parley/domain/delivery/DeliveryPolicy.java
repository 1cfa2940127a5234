package org.parley.domain.delivery;

import java.util.List;

import org.parley.domain.chat.Message;

/**
 * Who is told of what: one named function per kind of event, all collected here, so the whole delivery policy of the
 * chat reads in one place. Each returns the {@link Delivery}s an event causes: every open connection of each recipient
 * gets the event (adapters decide how: on this node, or through a bus across nodes).
 *
 * <p>Later kinds of event add their function here ({@code forReadMarker}, {@code forEdit}, {@code forTyping}, …), each
 * next to the event it decides for; the use case that raises the event asks it.
 */
public final class DeliveryPolicy {

    private DeliveryPolicy() {
    }

    /**
     * A stored message (the seed API's rule, contract §8): the receiver as {@link Audience#RECEIVER} and the sender as
     * {@link Audience#SENDER}, each on every device they have connected, so a user's other devices stay in step.
     */
    public static List<Delivery> forStoredMessage(Message message) {
        return List.of(
                new Delivery(message.receiver(), Audience.RECEIVER),
                new Delivery(message.sender(), Audience.SENDER));
    }

    /**
     * An edit of a message (contract §12): both participants on every device, the receiver as {@link Audience#RECEIVER}
     * and the sender, whose request it answers, as {@link Audience#SENDER}.
     */
    public static List<Delivery> forEdit(Message edited) {
        return bothSides(edited);
    }

    /** A deletion of a message (contract §12): both participants on every device, as {@link #forEdit}. */
    public static List<Delivery> forDeletion(Message tombstone) {
        return bothSides(tombstone);
    }

    private static List<Delivery> bothSides(Message message) {
        return List.of(
                new Delivery(message.receiver(), Audience.RECEIVER),
                new Delivery(message.sender(), Audience.SENDER));
    }
}
