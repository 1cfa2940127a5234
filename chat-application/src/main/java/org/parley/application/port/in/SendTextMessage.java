package org.parley.application.port.in;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.parley.application.error.UnknownUser;
import org.parley.domain.DomainRuleViolation;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.UserId;

/**
 * Send a text message to another user: store it in the pair's thread, then, once it is committed, deliver it to both
 * sides' devices.
 */
public interface SendTextMessage {

    /**
     * Checks the message at once and hands it to storage without waiting for it.
     *
     * @return completes with the stored message after it was committed and delivered, or fails when storage failed
     *         (then nothing was delivered); when the command's {@code client_msg_id} was already used by its sender for
     *         a stored message, completes with that original as a {@link Sent#repeat() repeat}: nothing stored or
     *         delivered (contract §14)
     * @throws UnknownUser when the receiver does not exist or is inactive
     * @throws org.parley.application.error.RateLimited when the sender's send rate is spent (contract §16): nothing
     *         is stored
     * @throws DomainRuleViolation when the text is empty or too long, or the receiver is the sender
     */
    CompletionStage<Sent> send(Command command);

    /**
     * As {@link #send}, only when everything the send needs is answerable from this node's memory, without waiting for
     * storage, another node, a full queue or a lock held elsewhere: the receiver and the pair's thread already held in
     * memory, a send budget kept in memory, room to queue the message at once. Empty when anything is missing: then
     * nothing was taken, stored or delivered, and {@link #send} must be called instead (it answers every refusal). A
     * caller on a thread that must never wait (a network selector) calls this first.
     *
     * @return the send, as {@link #send}'s stage, or empty when it must go through {@link #send}
     * @throws org.parley.application.error.RateLimited when the sender's in-memory send rate is spent: nothing is
     *         stored (as {@link #send})
     */
    default Optional<CompletionStage<Sent>> sendFromMemory(Command command) {
        return Optional.empty();
    }

    record Command(UserId sender, UserId receiver, String body, Optional<ClientMessageId> clientMessageId) {
        public Command {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(receiver, "receiver");
            Objects.requireNonNull(clientMessageId, "clientMessageId");
        }
    }
}
