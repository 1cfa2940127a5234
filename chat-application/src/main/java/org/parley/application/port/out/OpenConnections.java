package org.parley.application.port.out;

import java.util.Collection;

import org.parley.domain.user.UserId;

/**
 * The connections open on this node, as the application needs to act on them: closing those whose view of the chat
 * can no longer be trusted. Implemented by the websocket adapter over its registry of connections.
 *
 * <p>Every method returns at once (closing is asynchronous) and never throws: they run on threads every user shares
 * (delivery, the bus's subscriber), so a connection that cannot be closed is the implementation's to contain.
 */
public interface OpenConnections {

    /**
     * Closes every connection of {@code users} on this node, telling their clients to reconnect and catch up with
     * {@code after=}: they may have missed frames (contract §18; on the websocket, close code 1012 "service restart").
     */
    void closeToCatchUp(Collection<UserId> users);

    /** Closes every connection on this node that way: this node may have missed frames for anyone (the bus was lost). */
    void closeAllToCatchUp();

    /** Closes every connection of {@code user} on this node: the account is no longer active (or no longer exists). */
    void closeDeactivated(UserId user);
}
