package org.parley.application.cluster;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.parley.application.port.out.EventDelivery;
import org.parley.application.port.out.MessageDeleted;
import org.parley.application.port.out.MessageEdited;
import org.parley.application.port.out.OutboundEvent;

/**
 * Keeps a deleted message deleted on this node's connections (contract §12): an edit and a deletion of one message
 * are committed in order (an edit of a deleted message changes nothing), but each is delivered by the request that made
 * it, after its own commit, so the frames can cross: the deletion delivered, then the edit that committed just before
 * it. A client applying frames in order would then show the deleted message with its edited text.
 *
 * <p>So this node remembers the tombstones it delivered lately, and an edit that comes after its message's deletion
 * is delivered as that deletion again, to the edit's recipients and with the edit's {@code client_msg_id} (the
 * request is answered, with the truth: the message is gone). Every other event passes unchanged.
 *
 * <p>Stands in front of this node's delivery, after the bus (each node sees every event), so it holds across nodes.
 * Memory is bounded: the last {@link #REMEMBERED} deletions (an edit is late by milliseconds, not by thousands of
 * deletions). Never throws more than the delivery it wraps; thread-safe.
 */
public final class DeletionsStayLast implements EventDelivery {

    /** How many recent deletions are remembered. */
    public static final int REMEMBERED = 10_000;

    private final EventDelivery next;
    private final Map<Long, MessageDeleted> recentDeletions = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, MessageDeleted> eldest) {
            return size() > REMEMBERED;
        }
    };

    public DeletionsStayLast(EventDelivery next) {
        this.next = Objects.requireNonNull(next, "next");
    }

    @Override
    public void deliver(OutboundEvent event) {
        next.deliver(asDelivered(event));
    }

    /** A batch of the delivery it wraps, each event passing through as {@link #deliver} passes it. */
    @Override
    public Batch openBatch() {
        Batch batch = next.openBatch();
        return new Batch() {
            @Override
            public void deliver(OutboundEvent event) {
                batch.deliver(asDelivered(event));
            }

            @Override
            public void close() {
                batch.close();
            }
        };
    }

    /** {@code event} as it is delivered: an edit of a message deleted lately as that deletion. */
    private OutboundEvent asDelivered(OutboundEvent event) {
        if (event instanceof MessageDeleted deleted) {
            synchronized (recentDeletions) {
                recentDeletions.put(deleted.message().id().value(), deleted);
            }
            return event;
        } else if (event instanceof MessageEdited edited) {
            MessageDeleted deletion;
            synchronized (recentDeletions) {
                deletion = recentDeletions.get(edited.message().id().value());
            }
            return deletion == null ? edited
                    : new MessageDeleted(deletion.message(), edited.deliveries(), edited.clientMessageId());
        }
        return event;
    }
}
