package org.parley.application.port.out;

/**
 * Sends frames to connected sessions. The use cases hand over each stored message with the deliveries the domain's
 * policy decided; the adapter finds the recipients' open connections. This is the seam where in-process delivery can
 * be replaced by a cross-node bus: nothing in a use case knows where connections live.
 *
 * <p>Must not block for long: slow or closed connections are the adapter's problem, not the sender's.
 */
public interface MessageDelivery {

    void deliver(OutboundMessage outbound);
}
