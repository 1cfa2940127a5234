package org.parley.application.port.in;

import java.util.Objects;
import java.util.Optional;
import org.parley.application.error.NotFound;
import org.parley.application.error.UnknownUser;
import org.parley.domain.chat.Message;
import org.parley.domain.delivery.ClientMessageId;
import org.parley.domain.user.UserId;

/** Share a user's profile as a contact card: store a {@code user_profile} message and deliver it to both sides. */
public interface ShareProfile {

    /**
     * @throws UnknownUser when the receiver does not exist or is inactive
     * @throws NotFound when the shared profile does not exist
     */
    Message share(Command command);

    record Command(UserId sender, UserId receiver, UserId profile, Optional<ClientMessageId> clientMessageId) {
        public Command {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(receiver, "receiver");
            Objects.requireNonNull(profile, "profile");
            Objects.requireNonNull(clientMessageId, "clientMessageId");
        }
    }
}
