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
}
