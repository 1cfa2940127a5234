package org.parley.adapter.websocket;

import java.util.Optional;

import org.parley.application.port.out.OutboundMessage;
import org.parley.domain.delivery.DeliveryKind;

/**
 * Renders the frame of one kind of delivery of a stored message: {@link Frames#delivery} in production; tests put
 * failing renderers in its place.
 */
@FunctionalInterface
interface FrameRenderer {

    FrameRenderer SEED_FRAMES = Frames::delivery;

    /** @param link the signed download path of a file message's attachment */
    String render(OutboundMessage outbound, DeliveryKind kind, Optional<String> link);
}
