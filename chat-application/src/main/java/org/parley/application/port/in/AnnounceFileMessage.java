package org.parley.application.port.in;

import java.util.Objects;
import java.util.Optional;
import org.parley.application.error.NotFound;
import org.parley.application.error.RateLimited;
import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageId;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.UserId;

/**
 * Deliver an uploaded file message to both sides' devices; only its sender may. Each announcement counts against the
 * sender's send rate like a message sent (contract §16).
 */
public interface AnnounceFileMessage {

    /**
     * @throws NotFound    when the message does not exist, is not a file message (a deleted one included), or was not sent by the caller
     * @throws RateLimited when the sender's send rate is spent (nothing is delivered), with the wait until it is not
     */
    Message announce(Command command);

    record Command(UserId sender, MessageId message, Optional<ClientMessageId> clientMessageId) {
        public Command {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(clientMessageId, "clientMessageId");
        }
    }
}
