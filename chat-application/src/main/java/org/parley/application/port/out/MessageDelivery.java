package org.parley.application.port.out;

/**
 * Sends frames to connected sessions. The use cases hand over each stored message with the deliveries the domain's
 * policy decided; the adapter finds the recipients' open connections. This is the seam where in-process delivery can
 * be replaced by a cross-node bus: nothing in a use case knows where connections live.
 *
 * <p>Must not block for long: slow or closed connections are the adapter's problem, not the sender's.
 *
 * <p>Should not throw either: it runs on threads shared by every user (group commit's delivery thread), so a message
 * that cannot be rendered or a connection that cannot be written to is the implementation's to contain, affecting that
 * message or that connection only. Callers still guard against a throw: group commit logs it and goes on with the next
 * message; a use case that delivers directly ({@code AnnounceFileMessage}) fails with it.
 */
public interface MessageDelivery {

    void deliver(OutboundMessage outbound);
}
