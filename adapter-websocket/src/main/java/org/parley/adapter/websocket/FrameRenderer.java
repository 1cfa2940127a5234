package org.parley.adapter.websocket;

import org.parley.application.port.out.OutboundEvent;
import org.parley.domain.delivery.Audience;

/**
 * Renders the frame of one event for one audience: {@link EventFrames} in production; tests put failing renderers in
 * its place.
 */
@FunctionalInterface
interface FrameRenderer {

    String render(OutboundEvent event, Audience audience);
}
