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
     * A read marker set by {@code reader} on the thread of {@code read} (contract §11: {@code seen_message}): the other
     * participant as {@link Audience#RECEIVER}, and the reader as {@link Audience#SENDER} on every device, the requesting
     * one included (its acknowledgement, as a {@code conf_message} is a send's). When the marker did not move (it was
     * already at or past the message), only the reader is told: the other participant learns nothing new.
     *
     * @param read   the message the reader marked; the reader is its sender or its receiver
     * @param moved  whether the reader's marker moved forward
     * @throws IllegalArgumentException when {@code reader} is neither the sender nor the receiver of {@code read}
     */
    public static List<Delivery> forReadMarker(Message read, UserId reader, boolean moved) {
        if (!read.involves(reader)) {
            throw new IllegalArgumentException(reader + " is not a participant of message " + read.id());
        }
        UserId other = read.sender().equals(reader) ? read.receiver() : read.sender();
        Delivery toReader = new Delivery(reader, Audience.SENDER);
        return moved ? List.of(new Delivery(other, Audience.RECEIVER), toReader) : List.of(toReader);
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
