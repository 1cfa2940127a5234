package org.parley.application.port.in;

import java.util.Objects;
import java.util.Optional;

import org.parley.application.error.NotFound;
import org.parley.application.error.RateLimited;
import org.parley.domain.chat.MessageId;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.UserId;

/**
 * Delete a message one sent (contract §12): it becomes a tombstone in history (same id, thread and creation time,
 * nothing of what it said), an attachment's bytes are removed from storage after the commit, and both participants'
 * devices are told ({@link org.parley.application.port.out.MessageDeleted}). Takes one message from the sender's send
 * rate (§16).
 *
 * <p>Idempotent: deleting a deleted message again changes nothing, answers its tombstone and tells both sides again
 * (the same {@code message_deleted}, with the time of the first deletion), so a request repeated after a lost answer is
 * safe.
 */
public interface DeleteMessage {

    /**
     * @return the tombstone, once committed (its event is handed to delivery before this returns)
     * @throws NotFound    when the message does not exist or the caller did not send it (indistinguishable)
     * @throws RateLimited when the caller's send rate is spent (nothing is changed)
     */
    ChangedMessage delete(Command command);

    /** @param requester the caller */
    record Command(UserId requester, MessageId message, Optional<ClientMessageId> clientMessageId) {
        public Command {
            Objects.requireNonNull(requester, "requester");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(clientMessageId, "clientMessageId");
        }
    }
}
