package org.parley.application.port.in;

import java.util.Map;
import java.util.Objects;

import org.parley.domain.chat.Message;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * A message after its sender changed it ({@link EditMessage}, {@link DeleteMessage}), with the people to expand its
 * sender and receiver, as REST answers it.
 *
 * @param message the message as it is now stored: edited, or its tombstone
 * @param people  its sender and its receiver
 */
public record ChangedMessage(Message message, Map<UserId, User> people) {

    public ChangedMessage {
        Objects.requireNonNull(message, "message");
        people = Map.copyOf(people);
    }
}
