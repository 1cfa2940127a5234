package org.parley.application.service;

import java.util.Optional;

import org.parley.application.port.in.Sent;
import org.parley.application.port.out.AppendedMessage;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.user.User;

/**
 * Turns what storage answered for a send into what the send came to (contract §14). Runs on group commit's delivery
 * thread, so it reads nothing: a repeated {@code user_profile} message is confirmed with the profile the request
 * itself shares, which is the original's whenever the client resends the same request. A {@code client_msg_id} reused
 * for a request of another kind or profile is confirmed with the original message and no profile details.
 */
final class Repeats {

    private Repeats() {
    }

    /** @param requested the profile the request shares, when it shares one */
    static Sent sent(AppendedMessage answer, Optional<User> requested) {
        if (!answer.repeat()) {
            return Sent.stored(answer.message());
        }
        Optional<User> profile = answer.message().content() instanceof MessageContent.ProfileShare share
                ? requested.filter(user -> user.id().equals(share.profile()))
                : Optional.empty();
        return new Sent(answer.message(), true, profile);
    }
}
