package org.parley.adapter.websocket;

import java.time.Instant;
import java.util.Collection;
import java.util.Objects;

import jakarta.websocket.CloseReason;

import org.parley.application.port.out.OpenConnections;
import org.parley.domain.user.UserId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link OpenConnections} over this node's {@link ConnectionRegistry}, with the close codes clients see:
 * <ul>
 *   <li>to catch up: {@value #CATCH_UP_CODE} ("service restart", contract §18): the client reconnects (to any node)
 *       and asks {@code after=} its last message id;</li>
 *   <li>deactivated: {@value #DEACTIVATED_CODE}, the code a handshake of an inactive user is refused with when the
 *       container cannot answer 401 (contract §4): the credentials no longer admit this user.</li>
 * </ul>
 * Closing is asynchronous and never throws ({@link LiveConnection#close}).
 */
public final class OpenWebSockets implements OpenConnections {

    static final int CATCH_UP_CODE = 1012;
    static final int DEACTIVATED_CODE = 4401;
    private static final CloseReason CATCH_UP =
            new CloseReason(CloseReason.CloseCodes.SERVICE_RESTART, "Reconnect and catch up");
    private static final CloseReason DEACTIVATED =
            new CloseReason(CloseReason.CloseCodes.getCloseCode(DEACTIVATED_CODE), "Account deactivated");
    private static final Logger LOG = LoggerFactory.getLogger(OpenWebSockets.class);

    private final ConnectionRegistry connections;

    public OpenWebSockets(ConnectionRegistry connections) {
        this.connections = Objects.requireNonNull(connections, "connections");
    }

    @Override
    public void closeToCatchUp(Collection<UserId> users, Instant openedBefore) {
        if (users == null || openedBefore == null) {
            return;
        }
        for (UserId user : users) {
            closeAll(user, CATCH_UP, openedBefore);
        }
    }

    @Override
    public void closeAllToCatchUp(Instant openedBefore) {
        if (openedBefore == null) {
            return;
        }
        int closed = 0;
        try {
            for (LiveConnection connection : connections.all()) {
                if (connection.openedAt().isBefore(openedBefore)) {
                    connection.close(CATCH_UP);
                    closed++;
                }
            }
        } catch (Throwable failure) {
            LOG.warn("Closing every connection failed: {}", Failures.describe(failure));
        }
        if (closed > 0) {
            LOG.info("Closed {} connections of this node with 1012: they may have missed frames and catch up", closed);
        }
    }

    @Override
    public void closeDeactivated(UserId user) {
        if (user != null) {
            closeAll(user, DEACTIVATED, ANY_TIME);
        }
    }

    private void closeAll(UserId user, CloseReason reason, Instant openedBefore) {
        try {
            for (LiveConnection connection : connections.of(user)) {
                if (connection.openedAt().isBefore(openedBefore)) {
                    connection.close(reason);
                }
            }
        } catch (Throwable failure) {
            LOG.warn("Closing the connections of user {} failed: {}", user, Failures.describe(failure));
        }
    }
}
