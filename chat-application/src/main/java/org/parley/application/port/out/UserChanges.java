package org.parley.application.port.out;

import org.parley.domain.user.UserId;

/**
 * Makes a stored change to a user's account known wherever the user may be held in memory: the user caches and the
 * open connections of every node (contract §18: a deactivation takes effect on every node within a second). The use
 * case that changed the user calls it after the change is stored.
 *
 * <p>On one node, the application's own implementation acts at once on this node; a bus across nodes implements this
 * port too and wraps it, so every node acts. Never throws: the change is stored whatever happens here, and a node that
 * cannot act still forgets the user within the user cache's lifetime.
 */
public interface UserChanges {

    /** {@code user}'s account has changed (any field; a deactivation is what must not wait). */
    void changed(UserId user);
}
