package org.parley.application.port.out;

/**
 * Tells connected users of events: use cases hand over each {@link OutboundEvent} (with the deliveries the domain's
 * policy decided); the implementation finds the recipients' open connections and writes each one frame. Nothing in a
 * use case knows where connections live, so this is the seam where delivery on this node is joined by delivery across
 * nodes: a bus implements this port too and wraps the local delivery, and no use case changes.
 *
 * <pre>{@code
 * EventDelivery local = new WebSocketDelivery(connections, MediaRoute::pathOf);   // this node's connections
 * EventDelivery delivery = RedisEventBus.connect(settings, local, …);   // delivers here, publishes every event; each
 *                                                                      // node hands what it receives to its local
 * }</pre>
 *
 * <p>Must not block for long: slow or closed connections are the implementation's problem, not the sender's.
 *
 * <p>Must not throw either: it runs on threads shared by every user (group commit's delivery thread), so an event that
 * cannot be rendered or a connection that cannot be written to is the implementation's to contain, affecting that event
 * or that connection only. Callers still guard against a throw: group commit logs it and goes on with the next
 * message; a use case that delivers directly ({@code AnnounceFileMessage}) fails with it.
 */
public interface EventDelivery {

    void deliver(OutboundEvent event);

    /**
     * Opens a batch: the events delivered through it are delivered as {@link #deliver} would, in the order given, but
     * their frames may be held until {@link Batch#close()}, so that a connection getting several of them gets them
     * together (one write, not one per frame). Group commit delivers each committed batch of messages through one.
     * The default holds nothing: each event is delivered at once through {@link #deliver}.
     *
     * <p>A batch is used by one thread at a time (the one that opened it, or one that took over its work after it,
     * such as group commit's replacement of a delivery thread that died), and frames it holds are not written before
     * it is closed. The rules of {@link #deliver} hold for its methods: they must not block for long, nor throw.
     */
    default Batch openBatch() {
        return this::deliver;
    }

    /**
     * A send was repeated and answered from storage ({@link RepeatedSend}): nobody is told of it again, but where
     * events come from several nodes, the recipients whose frame of it may never have come are closed to catch up (a
     * bus publishes it; {@code ConversationOrder} decides on each node). Called by whoever delivers the batch that
     * answered the repeat, in the repeat's place among its events; must neither block for long nor throw, as
     * {@link #deliver}. The default does nothing: a node alone delivered the first answer itself, or stopped with every
     * connection it had. A delivery that wraps another which may override this passes it on.
     */
    default void sendRepeated(RepeatedSend repeated) {
    }

    /**
     * Events delivered together ({@link #openBatch()}): {@link #deliver} keeps their order, {@link #close()} hands over
     * every frame held. An event that cannot be delivered, or a connection that cannot be written to, affects that
     * event or that connection only, as with {@link EventDelivery#deliver}.
     */
    @FunctionalInterface
    interface Batch extends AutoCloseable {

        /** Delivers {@code event} after every event delivered through this batch before it. */
        void deliver(OutboundEvent event);

        /** Hands over every frame held for the events delivered through this batch; nothing after. */
        @Override
        default void close() {
        }
    }
}
