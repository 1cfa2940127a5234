package org.parley.application.port.out;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The durable outbox of webhook events (contract §15): what the app's backend has not yet acknowledged, kept in the
 * database so that it survives restarts and is shared by every node on that database.
 *
 * <p><b>Recording.</b> An event is recorded in the transaction of what it tells, so that nothing is stored without its
 * event, whenever the process stops: group commit records a stored message's {@code message.new}
 * ({@link MessageRepository#appendNewRecordingEvents}; none for a repeated send), and the edit and delete use cases
 * record {@code message.edited} / {@code message.deleted} with the change
 * ({@link MessageRepository#saveEditRecordingEvent}, {@link MessageRepository#saveDeletionRecordingEvent}); all of
 * them only when a webhook is configured. {@link #record} records one event on its own (tests, tools). Without
 * {@code PARLEY_WEBHOOK_URL} bootstrap hands the relay nothing and the stores record nothing.
 *
 * <p><b>Sending.</b> Events are sent in order per receiver: {@link #claimDue} only hands out the oldest event of each
 * receiver (its "head"), and only when that head is due and not claimed by anyone. A head is removed by
 * {@link #acknowledge} (sent) or {@link #giveUp}; {@link #retryLater} keeps it at the head, claimable again from the
 * given time. A claim is a lease: should its node die, the event is claimable again once the lease has ended. So each
 * event is sent by one node at a time, whatever the number of nodes, and at least once.
 *
 * <p>Any method throws {@link org.parley.application.error.Unavailable} when the store cannot be reached.
 */
public interface WebhookOutbox {

    /** Records {@code event} durably (committed when this returns), after every event recorded before it. */
    void record(WebhookEvent event);

    /**
     * Claims, for {@code claimant}, up to {@code max} events, each the oldest event of its receiver, due at
     * {@code now} (never tried, or its retry time reached) and not claimed by anyone whose lease runs past
     * {@code now}; oldest first. The claim holds until {@code now + lease}.
     */
    List<ClaimedWebhookEvent> claimDue(String claimant, Instant now, Duration lease, int max);

    /** The event was sent (a 2xx answer): it is removed, and the next event of its receiver becomes its head. */
    void acknowledge(ClaimedWebhookEvent claimed);

    /**
     * Sending failed: the event stays its receiver's head, with one more failed attempt, claimable again from
     * {@code next}. Does nothing when the claim has ended and someone else claimed it meanwhile.
     */
    void retryLater(ClaimedWebhookEvent claimed, Instant next);

    /** The event is dropped unsent (tried for too long): the next event of its receiver becomes its head. */
    void giveUp(ClaimedWebhookEvent claimed);

    /** How many events wait to be sent, all receivers together (the outbox depth, for metrics and tests). */
    long depth();

    /** An outbox that records nothing and has nothing to send: what a server without a webhook has. */
    static WebhookOutbox none() {
        return NoWebhookOutbox.INSTANCE;
    }
}
