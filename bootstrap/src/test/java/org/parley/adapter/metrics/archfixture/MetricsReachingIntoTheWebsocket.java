package org.parley.adapter.metrics.archfixture;

import org.parley.adapter.websocket.ConnectionRegistry;

/** Deliberately wrong (architecture-rule fixture): the metrics adapter reading the websocket adapter's registry. */
public class MetricsReachingIntoTheWebsocket {
    public double open(ConnectionRegistry registry) {
        return registry.count();
    }
}
