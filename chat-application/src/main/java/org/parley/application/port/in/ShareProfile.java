package org.parley.application.port.in;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.parley.application.error.NotFound;
import org.parley.application.error.UnknownUser;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.UserId;

/**
 * Share a user's profile as a contact card: store a {@code user_profile} message and, once it is committed, deliver it
 * to both sides.
 */
public interface ShareProfile {

    /**
     * Checks the request at once and hands the message to storage without waiting for it.
     *
     * @return completes with the stored message after it was committed and delivered, or fails when storage failed;
     *         a repeated {@code client_msg_id} of the sender completes with the original as a
     *         {@link Sent#repeat() repeat}, storing and delivering nothing (contract §14)
     * @throws UnknownUser when the receiver does not exist or is inactive
     * @throws NotFound when the shared profile does not exist
     */
    CompletionStage<Sent> share(Command command);

    record Command(UserId sender, UserId receiver, UserId profile, Optional<ClientMessageId> clientMessageId) {
        public Command {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(receiver, "receiver");
            Objects.requireNonNull(profile, "profile");
            Objects.requireNonNull(clientMessageId, "clientMessageId");
        }
    }
}
