package org.parley.application.port.in;

import org.parley.domain.user.UserId;

/**
 * Follow who is online (contract §13): the websocket adapter reports every connection that opens, and closes the
 * returned {@link Connection} when it ends for any reason. When a user's first connection on any node opens, or
 * their last one closes (after a short grace, so that a quick reconnection announces nothing), everyone who shares a
 * thread with them is told, and going offline records their {@code last_seen}.
 *
 * <p>Never blocks and never throws: the announcements are made later, on a thread of their own, so a handshake does
 * not wait for them.
 */
public interface TrackPresence {

    /** A connection of {@code user} opened; close what is returned when it ends. */
    Connection opened(UserId user);

    /** One tracked connection. */
    interface Connection {
        /** The connection ended. Idempotent; never throws. */
        void closed();
    }
}
