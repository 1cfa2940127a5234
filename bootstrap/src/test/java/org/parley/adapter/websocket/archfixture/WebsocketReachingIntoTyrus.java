package org.parley.adapter.websocket.archfixture;

import org.glassfish.tyrus.core.HandshakeException;

/**
 * Deliberately wrong (architecture-rule fixture): a Tyrus internal used in the websocket adapter outside its
 * workaround package ({@code container}).
 */
public class WebsocketReachingIntoTyrus {
    public Exception refusal() {
        return new HandshakeException(401, "Unauthorized");
    }
}
