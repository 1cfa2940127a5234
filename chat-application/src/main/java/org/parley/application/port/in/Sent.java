package org.parley.application.port.in;

import java.util.Objects;
import java.util.Optional;

import org.parley.domain.chat.Message;
import org.parley.domain.chat.MessageContent;
import org.parley.domain.user.User;

/**
 * What a send came to ({@link SendTextMessage}, {@link ShareProfile}): the message stored now, whose confirmation goes
 * to every device of its sender with the delivered event; or, when the request's {@code client_msg_id} had already
 * been used by its sender for a stored message (contract §14: idempotent sending), that original message, stored
 * earlier: nothing was stored or delivered, and the requesting connection is answered with the original's
 * confirmation again.
 *
 * @param message         the message stored now, or for a repeat the original
 * @param repeat          whether the send repeated an earlier one (nothing was stored)
 * @param attachedProfile for a repeat of a {@code user_profile} message, the shared user, expanded for the
 *                        confirmation (empty when that user no longer exists); empty otherwise
 */
public record Sent(Message message, boolean repeat, Optional<User> attachedProfile) {

    public Sent {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(attachedProfile, "attachedProfile");
        if (attachedProfile.isPresent() && !(message.content() instanceof MessageContent.ProfileShare share
                && share.profile().equals(attachedProfile.get().id()))) {
            throw new IllegalArgumentException("Message " + message.id() + " does not share that profile");
        }
    }

    /** A message stored now. */
    public static Sent stored(Message message) {
        return new Sent(message, false, Optional.empty());
    }
}
