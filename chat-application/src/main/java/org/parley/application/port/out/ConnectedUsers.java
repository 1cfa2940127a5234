package org.parley.application.port.out;

import org.parley.domain.user.UserId;

/**
 * Whether a user is online, as far as this node knows: the {@code receiver_online} of a webhook (contract §15).
 * Today the websocket adapter's registry of this node's open connections answers it; with several nodes, presence
 * across nodes (contract §13) is the better answer and plugs in here. Answers from memory, never blocks, never throws.
 */
@FunctionalInterface
public interface ConnectedUsers {

    /** Whether {@code user} has at least one open connection. */
    boolean isOnline(UserId user);
}
