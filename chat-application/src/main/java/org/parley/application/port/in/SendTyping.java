package org.parley.application.port.in;

import java.util.Objects;

import org.parley.domain.user.UserId;

/**
 * Tell a user that someone is typing to them (contract §13): forwarded to every device of the receiver on any node,
 * never stored, at most one per sender and receiver every two seconds (the others are dropped silently).
 */
public interface SendTyping {

    /**
     * Checks the receiver, then forwards the notice unless one of this pair passed within the last two seconds.
     *
     * @return whether it was forwarded (false: dropped by the throttle; nothing to answer)
     * @throws org.parley.application.error.UnknownUser when the receiver does not exist or is inactive
     * @throws org.parley.domain.DomainRuleViolation when the receiver is the sender ({@code RECEIVER})
     */
    boolean type(Command command);

    record Command(UserId sender, UserId receiver) {
        public Command {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(receiver, "receiver");
        }
    }
}
