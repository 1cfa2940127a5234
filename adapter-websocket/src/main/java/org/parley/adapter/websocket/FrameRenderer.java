package org.parley.adapter.websocket;

import org.parley.application.port.out.OutboundEvent;
import org.parley.domain.delivery.Audience;

/**
 * Renders the frame of one event for one audience: {@link EventFrames} in production; tests put failing renderers in
 * its place.
 */
@FunctionalInterface
interface FrameRenderer {

    /** The frame's JSON text. */
    String render(OutboundEvent event, Audience audience);

    /** The same frame, ready to write ({@link OutgoingFrame}); by default made from {@link #render}. */
    default OutgoingFrame frame(OutboundEvent event, Audience audience) {
        return OutgoingFrame.of(render(event, audience));
    }

    /**
     * As {@link #frame(OutboundEvent, Audience)}, when this event's frame for its receivers was already made
     * ({@code receivers}, null when not): a renderer may make {@code audience}'s frame from it rather than render it
     * anew, if the result is the same bytes. By default it renders it anew.
     */
    default OutgoingFrame frame(OutboundEvent event, Audience audience, OutgoingFrame receivers) {
        return frame(event, audience);
    }
}
