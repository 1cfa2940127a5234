package org.parley.application.port.out;

import org.parley.domain.user.UserId;

/**
 * Whether a user is online: the {@code receiver_online} of a webhook (contract §15). Bootstrap answers it with this
 * node's open connections and presence across nodes (contract §13). Asked on the webhook relay's threads only; may ask
 * the presence store (with Redis, one bounded call), never throws.
 */
@FunctionalInterface
public interface ConnectedUsers {

    /** Whether {@code user} has at least one open connection. */
    boolean isOnline(UserId user);
}
