package org.parley.application.port.out;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageDraft;

/**
 * Stores messages and publishes what storing them caused, in that order: the one way a use case stores a message.
 * Implemented by group commit ({@link org.parley.application.groupcommit.MessageWriter}) over a
 * {@link MessageRepository}, which alone guarantees that an event of a message is published only after the message is
 * committed, and that on one server ids and events follow one order. Neither method blocks on storage (unless too
 * many messages wait: then it slows its callers down).
 */
public interface StoreMessages {

    /**
     * Stores {@code draft}; the stage completes with the stored message once it is committed, or fails with the
     * storage failure. Nothing is published.
     */
    CompletionStage<Message> store(MessageDraft draft);

    /**
     * Stores {@code draft}, then, once it is committed, publishes {@code event.apply(stored)} through
     * {@link EventDelivery}. The stage completes after that, normally even when publishing failed (the message is
     * stored: that is what the stage promises). When storing fails nothing is published and the stage fails.
     * {@code event} runs on a thread shared by every user: it must be short and must not block.
     */
    CompletionStage<Message> storeThenPublish(MessageDraft draft, Function<Message, ? extends OutboundEvent> event);

    /**
     * As {@link #storeThenPublish}, for a send that may repeat an earlier one (contract §14: idempotent sending): when
     * the draft's sender already stored a message with the same {@code client_msg_id}, nothing is stored and nothing
     * is published, and the stage completes with that original message ({@link AppendedMessage#repeat()}); otherwise
     * the draft is stored, {@code event.apply(stored)} is published, and the stage completes with the stored message.
     * A draft without a {@code client_msg_id} is always stored, at no extra cost. Fails as {@link #storeThenPublish}.
     */
    CompletionStage<AppendedMessage> storeOnceThenPublish(DraftToStore draft,
                                                          Function<Message, ? extends OutboundEvent> event);

    /**
     * As {@link #storeOnceThenPublish}, only if the draft can be handed over without waiting (for room in a full
     * queue, or for a lock held elsewhere): the stage, or empty when it could not be handed over at once (then nothing
     * was stored or published, and the caller may call {@link #storeOnceThenPublish}). The default never can.
     */
    default Optional<CompletionStage<AppendedMessage>> storeOnceThenPublishAtOnce(
            DraftToStore draft, Function<Message, ? extends OutboundEvent> event) {
        return Optional.empty();
    }
}
