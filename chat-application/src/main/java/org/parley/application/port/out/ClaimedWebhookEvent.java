package org.parley.application.port.out;

import java.util.Objects;

/**
 * An outbox event one sender has claimed ({@link WebhookOutbox#claimDue}): nobody else sends it until the claim's
 * lease ends, it is acknowledged, or it is rescheduled.
 *
 * @param event    the event
 * @param position its place in the outbox: the order in which events were recorded (grows)
 * @param attempts how many times sending it failed before this claim (0 for a new event)
 * @param claim    the claim's token: rescheduling holds only while the claim is still this one
 */
public record ClaimedWebhookEvent(WebhookEvent event, long position, int attempts, long claim) {

    public ClaimedWebhookEvent {
        Objects.requireNonNull(event, "event");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must not be negative, got " + attempts);
        }
    }
}
