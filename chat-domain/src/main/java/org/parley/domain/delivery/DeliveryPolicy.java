package org.parley.domain.delivery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.parley.domain.chat.Message;
import org.parley.domain.user.UserId;

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
     * Someone is typing to {@code receiver} (contract §13): the receiver as {@link Audience#RECEIVER}, on every device.
     * The typist's own other devices are not told.
     */
    public static List<Delivery> forTyping(UserId receiver) {
        return List.of(new Delivery(receiver, Audience.RECEIVER));
    }

    /**
     * A user came online or went offline (contract §13): everyone who shares a thread with them, each as
     * {@link Audience#RECEIVER}, on every device (those with no connection open anywhere are simply not reached).
     */
    public static List<Delivery> forPresence(Collection<UserId> threadPartners) {
        List<Delivery> deliveries = new ArrayList<>(threadPartners.size());
        for (UserId partner : threadPartners) {
            deliveries.add(new Delivery(partner, Audience.RECEIVER));
        }
        return List.copyOf(deliveries);
    }
}
