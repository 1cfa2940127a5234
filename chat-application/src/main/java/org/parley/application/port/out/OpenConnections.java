package org.parley.application.port.out;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

import org.parley.domain.user.UserId;

/**
 * The connections open on this node, as the application needs to act on them: closing those whose view of the chat
 * can no longer be trusted. Implemented by the websocket adapter over its registry of connections.
 *
 * <p>Every method returns at once (closing is asynchronous) and never throws: they run on threads every user shares
 * (delivery, the bus's subscriber), so a connection that cannot be closed is the implementation's to contain.
 *
 * <p>A connection opened after a frame was lost cannot have missed it: its client catches up with {@code after=} when
 * it connects, and finds the stored message. So closing to catch up may be limited to the connections opened before a
 * given instant; {@link #ANY_TIME} closes them all.
 */
public interface OpenConnections {

    /** Every connection, whenever it was opened. */
    Instant ANY_TIME = Instant.MAX;

    /**
     * Closes the connections of {@code users} on this node opened before {@code openedBefore}, telling their clients
     * to reconnect and catch up with {@code after=}: they may have missed frames (contract §18; on the websocket, close
     * code 1012 "service restart").
     */
    void closeToCatchUp(Collection<UserId> users, Instant openedBefore);

    /** Closes that way every connection on this node opened before {@code openedBefore}. */
    void closeAllToCatchUp(Instant openedBefore);

    /** Closes every connection of {@code users} on this node to catch up. */
    default void closeToCatchUp(Collection<UserId> users) {
        closeToCatchUp(users, ANY_TIME);
    }

    /** Closes every connection on this node to catch up: this node may have missed frames for anyone (the bus was lost). */
    default void closeAllToCatchUp() {
        closeAllToCatchUp(ANY_TIME);
    }

    /** Closes every connection of {@code user} on this node: the account is no longer active (or no longer exists). */
    void closeDeactivated(UserId user);

    /**
     * This node is off the bus between nodes from now on ({@code true}: it cannot see what the other nodes store, so
     * nothing here may take a conversation's missing message for one delivered long ago) or on it again ({@code
     * false}). Told by the bus, before the close of every connection that a loss asks for. The default does nothing:
     * connections themselves have no order to keep.
     */
    default void offTheBus(boolean off) {
    }

    /**
     * Another node has not been heard for {@code silentFor} while this node hears itself: it was killed, or lost
     * Redis, and what it stored and confirmed shortly before, and stores while it stays silent, may never be
     * published. Told by the bus once per silence; {@link #otherNodeHeardAgain()} ends it. Also told, with {@code
     * silentFor} the time since that node was last heard and followed at once by {@link #otherNodeHeardAgain()}, when
     * a node not found silent says that some of its publications failed (it owes catch-ups). The default does nothing:
     * connections themselves know nothing of what was stored.
     */
    default void otherNodeSilent(Duration silentFor) {
    }

    /**
     * A node told of as silent ({@link #otherNodeSilent}) was heard again, or left the bus saying so, with nothing left
     * unpublished: what it stores from now on reaches this node over the bus; what it stored while silent reaches it
     * only as catch-up notices (the recipients' connections are closed), not as events. Told by the bus once per
     * silence, never for a node not told of as silent. The default does nothing.
     */
    default void otherNodeHeardAgain() {
    }
}
