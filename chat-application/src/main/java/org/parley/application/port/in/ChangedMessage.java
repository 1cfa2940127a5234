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
 * @param seen    whether its receiver's read marker is at or past it (contract §11)
 */
public record ChangedMessage(Message message, Map<UserId, User> people, boolean seen) {

    public ChangedMessage {
        Objects.requireNonNull(message, "message");
        people = Map.copyOf(people);
    }
}
