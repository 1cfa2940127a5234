package org.parley.adapter.redis.archfixture;

import org.parley.adapter.websocket.ConnectionRegistry;

/** Deliberately wrong (architecture-rule fixture): the bus using the websocket adapter instead of a port. */
public class BusReachingIntoTheWebsocket {
    public int connected(ConnectionRegistry registry) {
        return registry.count();
    }
}
