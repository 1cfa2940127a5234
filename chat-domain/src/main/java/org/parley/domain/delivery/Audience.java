package org.parley.domain.delivery;

/**
 * Who a recipient of an event is, in that event. A driving adapter renders one frame per audience of an event (the
 * seed API's {@code re_message} for {@link #RECEIVER}, {@code conf_message} for {@link #SENDER}); the words on the wire
 * are the adapter's, not the domain's.
 */
public enum Audience {
    /** The user the event is addressed to: the receiver of a stored message. */
    RECEIVER,
    /** The user whose action caused the event, on every device: the sender of a stored message, so that the request
     *  is confirmed and the sender's other devices stay in step. */
    SENDER
}
