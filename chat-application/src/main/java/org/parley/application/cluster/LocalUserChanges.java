package org.parley.application.cluster;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.parley.application.port.out.OpenConnections;
import org.parley.application.port.out.UserAccounts;
import org.parley.application.port.out.UserChanges;
import org.parley.domain.user.User;
import org.parley.domain.user.UserId;

/**
 * What this node does when a user's account changed, through this node or another: it forgets what its user cache
 * holds of the user (so the next handshake, message or request reads the stored account), then reads the account
 * and, when it is no longer active (or no longer exists), closes the user's connections here
 * ({@link OpenConnections#closeDeactivated}). On one node this is the {@link UserChanges} the use cases get; a bus
 * across nodes wraps it and calls it on every node.
 *
 * <p>Never throws. When the account cannot be read (the database is down), the user's connections here are closed to
 * catch up instead: their clients reconnect, and the handshake checks the account again.
 */
public final class LocalUserChanges implements UserChanges {

    private static final System.Logger LOG = System.getLogger(LocalUserChanges.class.getName());

    private final UserAccounts users;
    private final OpenConnections connections;

    public LocalUserChanges(UserAccounts users, OpenConnections connections) {
        this.users = Objects.requireNonNull(users, "users");
        this.connections = Objects.requireNonNull(connections, "connections");
    }

    @Override
    public void changed(UserId user) {
        if (user == null) {
            return;
        }
        Optional<User> now;
        try {
            users.forgetCached(user);
            now = users.findById(user);
        } catch (Throwable unreadable) {
            LOG.log(System.Logger.Level.WARNING, "User {0} changed but cannot be read now; closing their connections "
                    + "here so that they reconnect and are checked again: {1}", user, describe(unreadable));
            connections.closeToCatchUp(List.of(user));
            return;
        }
        if (now.isEmpty() || !now.get().isActive()) {
            connections.closeDeactivated(user);
        }
    }

    /** One line, whatever the failure; never throws. */
    static String describe(Throwable failure) {
        try {
            return String.valueOf(failure).replace('\n', ' ').replace('\r', ' ');
        } catch (Throwable indescribable) {
            return failure.getClass().getName() + " (which cannot describe itself)";
        }
    }
}
