package org.parley.application.testing;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageSeen;
import org.parley.application.port.out.MessageDeleted;
import org.parley.application.port.out.MessageEdited;
import org.parley.application.port.out.MessageStored;
import org.parley.application.port.out.OutboundEvent;
import org.parley.application.port.out.PresenceChanged;
import org.parley.application.port.out.RepeatedSend;
import org.parley.application.port.out.UserTyping;

/**
 * {@link EventDelivery} that keeps every event, in order, for tests to inspect, whether delivered alone or through a
 * batch (kept as it is delivered to the batch); it also keeps how many events each closed batch had. Thread-safe.
 */
public final class RecordingEventDelivery implements EventDelivery {

    private final List<OutboundEvent> delivered = new CopyOnWriteArrayList<>();
    private final List<Integer> closedBatches = new CopyOnWriteArrayList<>();
    private final List<RepeatedSend> repeated = new CopyOnWriteArrayList<>();

    @Override
    public void deliver(OutboundEvent event) {
        delivered.add(Objects.requireNonNull(event, "event"));
    }

    @Override
    public Batch openBatch() {
        return new Batch() {
            private int events;

            @Override
            public void deliver(OutboundEvent event) {
                RecordingEventDelivery.this.deliver(event);
                events++;
            }

            @Override
            public void close() {
                closedBatches.add(events);
            }
        };
    }

    @Override
    public void sendRepeated(RepeatedSend send) {
        repeated.add(Objects.requireNonNull(send, "send"));
    }

    /** Every repeated send told so far ({@link #sendRepeated}), oldest first (a snapshot). */
    public List<RepeatedSend> repeatedSends() {
        return List.copyOf(repeated);
    }

    /** How many events each batch closed so far had, oldest first. */
    public List<Integer> closedBatches() {
        return List.copyOf(closedBatches);
    }

    /** Everything delivered so far, oldest first (a snapshot). */
    public List<OutboundEvent> delivered() {
        return List.copyOf(delivered);
    }

    /** Every event delivered so far, oldest first, each of which must be a {@link MessageStored}. */
    public List<MessageStored> messagesStored() {
        return delivered().stream().map(RecordingEventDelivery::asMessageStored).toList();
    }

    /** The single event delivered so far, a {@link MessageStored}; fails when there were none or several. */
    public MessageStored single() {
        List<OutboundEvent> snapshot = delivered();
        if (snapshot.size() != 1) {
            throw new AssertionError("Expected exactly one delivery, got " + snapshot.size());
        }
        return asMessageStored(snapshot.get(0));
    }

    /** Every read marker event delivered so far, oldest first (other events left out). */
    public List<MessageSeen> readMarkers() {
        return delivered().stream().filter(MessageSeen.class::isInstance).map(MessageSeen.class::cast).toList();
    }


    /** Every event delivered so far of {@code kind}, oldest first. */
    public <E extends OutboundEvent> List<E> ofKind(Class<E> kind) {
        return delivered().stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    public void clear() {
        delivered.clear();
        repeated.clear();
    }

    /** {@code event} as the {@link MessageStored} it must be; fails for any other kind of event. */
    public static MessageStored asMessageStored(OutboundEvent event) {
        return event.accept(new OutboundEvent.Cases<MessageStored>() {
            @Override
            public MessageStored messageStored(MessageStored stored) {
                return stored;
            }

            @Override
            public MessageStored messageSeen(MessageSeen seen) {
                throw new AssertionError("Expected a stored message, got a read marker: " + seen);
            }

            @Override
            public MessageStored messageEdited(MessageEdited edited) {
                throw new AssertionError("Expected a stored message, got the edit of message " + edited.message().id());
            }

            @Override
            public MessageStored messageDeleted(MessageDeleted deleted) {
                throw new AssertionError("Expected a stored message, got the deletion of message "
                        + deleted.message().id());
            }

            @Override
            public MessageStored userTyping(UserTyping typing) {
                throw new AssertionError("Expected a stored message, got " + typing);
            }

            @Override
            public MessageStored presenceChanged(PresenceChanged presence) {
                throw new AssertionError("Expected a stored message, got " + presence);
            }
        });
    }
}
